import type { TraceDetail } from '../../../../analyzer/model/analysis.js';
import type { Category } from '../../../../analyzer/model/categories.js';
import { h } from '../../dom.js';
import { fmtMs, shortId } from '../../format.js';
import { CATEGORY_LABEL } from '../../palette.js';
import { swatch } from '../../stacked-bar.js';

/** What the waterfall section is made of: its two controls and the hosts a trace is drawn into. */
export interface WaterfallParts {
  traceSelect: HTMLSelectElement;
  pathOnly: HTMLInputElement;
  info: HTMLElement;
  axisHost: HTMLElement;
  scroll: HTMLElement;
  details: HTMLElement;
}

/** Appends the trace picker, the critical-path filter, the legend and the empty hosts to the section, in page order. */
export function appendWaterfallParts(s: HTMLElement, traces: TraceDetail[]): WaterfallParts {
  const traceSelect = h('select', { id: 'trace-select', attrs: { 'aria-label': 'Trace to show' } });
  for (const t of traces) {
    const opt = h('option', null, `${t.endpoint} — ${t.why} — ${fmtMs(t.durationMs)} — ${t.service} — ${shortId(t.traceId)}`);
    opt.value = t.traceId;
    traceSelect.appendChild(opt);
  }
  const pathOnly = h('input', { id: 'wf-path-only', attrs: { type: 'checkbox' } });
  const parts: WaterfallParts = {
    traceSelect,
    pathOnly,
    info: h('div', { class: 'trace-info' }),
    axisHost: h('div', { class: 'wf-axis' }),
    scroll: h('div', { class: 'wf-scroll', attrs: { tabindex: '-1' } }),
    details: h('div', { class: 'span-details', attrs: { 'aria-live': 'polite' } }),
  };
  s.append(
    h('div', { class: 'wf-controls' }, h('label', { attrs: { for: 'trace-select' } }, 'Trace '), traceSelect, h('label', { class: 'filter' }, pathOnly, ' only the critical path')),
    parts.info,
    legend(),
    parts.axisHost,
    parts.scroll,
    parts.details,
  );
  return parts;
}

/** The colours of the wait categories, then of the in-process strips drawn inside spans. */
function legend(): HTMLElement {
  const el = h('div', { class: 'legend' });
  for (const c of ['db', 'cache', 'network', 'fs', 'pool', 'lock', 'timer', 'messaging', 'dns'] as Category[]) el.appendChild(h('span', { class: 'legend-item' }, swatch(c), CATEGORY_LABEL[c]));
  const inProc = h('span', { class: 'swatch in-process', attrs: { 'aria-hidden': 'true' } });
  el.append(
    h('span', { class: 'legend-item' }, inProc, 'in-process span'),
    h('span', { class: 'legend-item' }, swatch('cpu'), 'on thread (CPU)'),
    h('span', { class: 'legend-item' }, swatch('gc'), 'GC'),
    h('span', { class: 'legend-item' }, swatch('queued'), 'queued'),
    h('span', { class: 'legend-item' }, swatch('uninstrumented_wait'), 'uninstrumented wait'),
    h('span', { class: 'legend-item' }, swatch('in_process_unattributed'), 'unattributed'),
  );
  return el;
}
