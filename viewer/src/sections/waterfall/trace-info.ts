import type { TraceDetail } from '../../../../analyzer/model/analysis.js';
import { append, clear, h } from '../../dom.js';
import { fmtMs } from '../../format.js';
import { stackedBar } from '../../stacked-bar.js';

/** The line above the waterfall: which trace this is, its breakdown, and notes on highlights and truncation. */
export function fillTraceInfo(info: HTMLElement, t: TraceDetail, highlight: ReadonlySet<string>): void {
  clear(info);
  append(
    info,
    h('p', null, h('strong', null, t.endpoint), ` · ${t.service} · ${fmtMs(t.durationMs)} · ${t.why} · ${t.spans.length} spans · trace `, h('code', null, t.traceId)),
    stackedBar(t.breakdown, { small: true }),
    highlight.size ? h('p', { class: 'hl-note small' }, `${highlight.size} highlighted span${highlight.size === 1 ? '' : 's'}: the evidence of a fix.`) : null,
    t.truncated ? h('p', { class: 'banner warnings-box small' }, 'This trace was cut to bound the report size; some spans are not shown.') : null,
  );
}
