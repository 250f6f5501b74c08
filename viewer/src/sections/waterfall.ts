import type { Analysis, TraceDetail } from '../../../analyzer/model/analysis.js';
import { absent, section } from '../dom.js';
import { appendWaterfallParts } from './waterfall/controls.js';
import { drawTrace } from './waterfall/draw-trace.js';
import { rowOf } from './waterfall/row-keys.js';
import { showSpanDetails } from './waterfall/span-details.js';

export interface Waterfall {
  element: HTMLElement;
  /** Show a trace, highlight these spans, scroll to the first and focus it. Returns false if the trace is absent. */
  show(traceId: string, highlight: string[]): boolean;
  /** First draw, once the element is in the document (it needs its width). */
  init(): void;
}

/**
 * The trace waterfall: a picker over the report's traces and one trace drawn as a tree of span rows, foldable, with
 * its critical path and a details panel for the selected span. The pieces live in waterfall/: the parts of the
 * section (controls.ts), the drawing (draw-trace.ts, span-row.ts), the keyboard (row-keys.ts), the rows' order
 * and folding (rows.ts) and the details (span-details.ts). This file holds the state and wires them together.
 */
export function renderWaterfall(a: Analysis): Waterfall {
  const s = section('waterfall', 'Trace waterfall', 'Spans coloured by what they wait on; the critical path is drawn solid, time off it faded. Thin strips inside a span show its own JavaScript on the thread (CPU) and time it sat queued on the event loop.');
  if (a.traces.length === 0) {
    s.appendChild(absent('No traces were included in this report.'));
    return { element: s, show: () => false, init: () => undefined };
  }
  const traces = [...a.traces].sort((x, y) => x.endpoint.localeCompare(y.endpoint) || y.durationMs - x.durationMs);
  const byId = new Map(traces.map((t) => [t.traceId, t]));
  const parts = appendWaterfallParts(s, traces);

  let current: TraceDetail | null = null;
  let currentHighlight: ReadonlySet<string> = new Set();
  /** Spans whose subtree is folded away (per trace: cleared when another trace is shown). */
  const collapsed = new Set<string>();

  const draw = (t: TraceDetail, highlight: ReadonlySet<string>): SVGGElement[] => {
    if (current !== t) collapsed.clear();
    current = t;
    currentHighlight = highlight;
    return drawTrace(parts, t, {
      highlight,
      collapsed,
      pathOnly: parts.pathOnly.checked,
      fallbackWidthPx: s.clientWidth || 960,
      open: (sp, onPath) => showSpanDetails(parts.details, sp, onPath),
      toggle,
    });
  };

  const toggle = (spanId: string): void => {
    if (!current) return;
    if (collapsed.has(spanId)) collapsed.delete(spanId);
    else collapsed.add(spanId);
    draw(current, currentHighlight);
    rowOf(parts.scroll, spanId)?.focus({ preventScroll: true });
  };

  const show = (traceId: string, highlight: string[]): boolean => {
    const t = byId.get(traceId);
    if (!t) return false;
    parts.traceSelect.value = traceId;
    // Evidence may lie off the critical path or in a folded subtree: show every span so that none of it is hidden.
    parts.pathOnly.checked = false;
    collapsed.clear();
    const hl = draw(t, new Set(highlight));
    const first = hl[0];
    if (first) {
      first.scrollIntoView({ block: 'center' });
      first.focus({ preventScroll: true });
    } else s.scrollIntoView({ block: 'start' });
    return true;
  };
  parts.pathOnly.addEventListener('change', () => {
    if (current) draw(current, new Set());
  });
  parts.traceSelect.addEventListener('change', () => {
    const t = byId.get(parts.traceSelect.value);
    if (t) draw(t, new Set());
  });
  // The first draw needs the section's width, so it waits until app.ts has put it in the document.
  const init = (): void => {
    // Open on the evidence of the top fix when there is one: that is the trace the reader wants first.
    const topFix = [...a.fixes].sort((x, y) => x.rank - y.rank).find((f) => f.evidence.some((e) => byId.has(e.traceId)));
    const ev = topFix?.evidence.find((e) => byId.has(e.traceId));
    const slowest = traces.reduce((m, t) => (t.durationMs > m.durationMs ? t : m), traces[0]!);
    const first = current ?? (ev ? byId.get(ev.traceId)! : slowest);
    parts.traceSelect.value = first.traceId;
    draw(first, new Set(current ? [] : (ev?.spanIds ?? [])));
  };
  return { element: s, show, init };
}
