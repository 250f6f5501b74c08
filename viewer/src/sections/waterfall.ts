import { axisTop, scaleLinear, select } from 'd3';
import type { Analysis, TraceDetail, WaterfallSpan } from '../../../analyzer/model/analysis.js';
import type { Category } from '../../../analyzer/model/categories.js';
import { absent, append, clear, h, section } from '../dom.js';
import { fmtMs, shortId } from '../format.js';
import { CATEGORY_COLOR, CATEGORY_LABEL, classColor } from '../palette.js';
import { stackedBar, swatch } from '../stacked-bar.js';

const SVG = 'http://www.w3.org/2000/svg';
const ROW = 22;

export interface Waterfall {
  element: HTMLElement;
  /** Show a trace, highlight these spans, scroll to the first and focus it. Returns false if the trace is absent. */
  show(traceId: string, highlight: string[]): boolean;
  /** First draw, once the element is in the document (it needs its width). */
  init(): void;
}

interface Row {
  span: WaterfallSpan;
  depth: number;
}

/** Spans in tree order (parents before children, siblings by start), with their depth. */
export function treeOrder(spans: WaterfallSpan[]): Row[] {
  const ids = new Set(spans.map((s) => s.spanId));
  const children = new Map<string, WaterfallSpan[]>();
  const roots: WaterfallSpan[] = [];
  for (const s of spans) {
    if (s.parentSpanId && ids.has(s.parentSpanId) && s.parentSpanId !== s.spanId) {
      const list = children.get(s.parentSpanId);
      if (list) list.push(s);
      else children.set(s.parentSpanId, [s]);
    } else roots.push(s);
  }
  const byStart = (a: WaterfallSpan, b: WaterfallSpan): number => a.startMs - b.startMs;
  const out: Row[] = [];
  const seen = new Set<string>();
  // Iterative DFS: traces can be thousands of spans deep in pathological inputs.
  const stack: Row[] = roots.sort(byStart).reverse().map((span) => ({ span, depth: 0 }));
  while (stack.length) {
    const row = stack.pop()!;
    if (seen.has(row.span.spanId)) continue;
    seen.add(row.span.spanId);
    out.push(row);
    const kids = (children.get(row.span.spanId) ?? []).sort(byStart);
    for (let i = kids.length - 1; i >= 0; i--) stack.push({ span: kids[i]!, depth: row.depth + 1 });
  }
  return out;
}

export function renderWaterfall(a: Analysis): Waterfall {
  const s = section('waterfall', 'Trace waterfall', 'Spans coloured by what they wait on; the critical path is drawn solid, time off it faded. Thin strips inside a span show its own JavaScript on the thread (CPU) and time it sat queued on the event loop.');
  if (a.traces.length === 0) {
    s.appendChild(absent('No traces were included in this report.'));
    return { element: s, show: () => false, init: () => undefined };
  }
  const traces = [...a.traces].sort((x, y) => x.endpoint.localeCompare(y.endpoint) || y.durationMs - x.durationMs);
  const byId = new Map(traces.map((t) => [t.traceId, t]));
  const select_ = h('select', { id: 'trace-select', attrs: { 'aria-label': 'Trace to show' } });
  for (const t of traces) {
    const opt = h('option', null, `${t.endpoint} — ${t.why} — ${fmtMs(t.durationMs)} — ${t.service} — ${shortId(t.traceId)}`);
    opt.value = t.traceId;
    select_.appendChild(opt);
  }
  const info = h('div', { class: 'trace-info' });
  const axisHost = h('div', { class: 'wf-axis' });
  const scroll = h('div', { class: 'wf-scroll', attrs: { tabindex: '-1' } });
  const details = h('div', { class: 'span-details', attrs: { 'aria-live': 'polite' } });
  const legend = h('div', { class: 'legend' });
  for (const c of ['db', 'cache', 'network', 'fs', 'pool', 'lock', 'timer', 'messaging', 'dns'] as Category[]) legend.appendChild(h('span', { class: 'legend-item' }, swatch(c), CATEGORY_LABEL[c]));
  const inProc = h('span', { class: 'swatch in-process', attrs: { 'aria-hidden': 'true' } });
  legend.append(
    h('span', { class: 'legend-item' }, inProc, 'in-process span'),
    h('span', { class: 'legend-item' }, swatch('cpu'), 'on thread (CPU)'),
    h('span', { class: 'legend-item' }, swatch('gc'), 'GC'),
    h('span', { class: 'legend-item' }, swatch('queued'), 'queued'),
    h('span', { class: 'legend-item' }, swatch('uninstrumented_wait'), 'uninstrumented wait'),
    h('span', { class: 'legend-item' }, swatch('in_process_unattributed'), 'unattributed'),
  );
  const pathOnly = h('input', { id: 'wf-path-only', attrs: { type: 'checkbox' } });
  s.append(
    h('div', { class: 'wf-controls' }, h('label', { attrs: { for: 'trace-select' } }, 'Trace '), select_, h('label', { class: 'filter' }, pathOnly, ' only the critical path')),
    info,
    legend,
    axisHost,
    scroll,
    details,
  );

  let current: TraceDetail | null = null;
  let currentHighlight: ReadonlySet<string> = new Set();
  /** Spans whose subtree is folded away (per trace: cleared when another trace is shown). */
  const collapsed = new Set<string>();
  const draw = (t: TraceDetail, highlight: ReadonlySet<string>): SVGGElement[] => {
    if (current !== t) collapsed.clear();
    current = t;
    currentHighlight = highlight;
    clear(info);
    clear(axisHost);
    clear(scroll);
    clear(details);
    details.appendChild(h('p', { class: 'muted small' }, 'Select a span (click it, or Tab into the trace, move with the arrow keys and press Enter) to see its attributes.'));
    append(
      info,
      h('p', null, h('strong', null, t.endpoint), ` · ${t.service} · ${fmtMs(t.durationMs)} · ${t.why} · ${t.spans.length} spans · trace `, h('code', null, t.traceId)),
      stackedBar(t.breakdown, { small: true }),
      highlight.size ? h('p', { class: 'hl-note small' }, `${highlight.size} highlighted span${highlight.size === 1 ? '' : 's'}: the evidence of a fix.`) : null,
      t.truncated ? h('p', { class: 'banner warnings-box small' }, 'This trace was cut to bound the report size; some spans are not shown.') : null,
    );
    const allRows = pathOnly.checked ? onPathRows(t) : treeOrder(t.spans);
    const descendants = countDescendants(allRows);
    const rows = withoutCollapsed(allRows, collapsed);
    const width = Math.max(720, scroll.clientWidth || s.clientWidth || 960);
    const labelW = Math.min(340, Math.round(width * 0.34));
    const x = scaleLinear().domain([0, Math.max(t.durationMs, 1e-3)]).range([labelW + 8, width - 70]);
    const axisSvg = select(axisHost).append('svg').attr('width', width).attr('height', 24).attr('aria-hidden', 'true');
    axisSvg
      .append('g')
      .attr('transform', 'translate(0,22)')
      .call(axisTop(x).ticks(Math.max(2, Math.floor((width - labelW) / 90))).tickFormat((d) => fmtMs(Number(d))));

    const pathBySpan = new Map<string, { startMs: number; endMs: number; category: Category }[]>();
    for (const seg of t.criticalPath) {
      const list = pathBySpan.get(seg.spanId);
      if (list) list.push(seg);
      else pathBySpan.set(seg.spanId, [seg]);
    }
    const svg = document.createElementNS(SVG, 'svg');
    svg.setAttribute('width', String(width));
    svg.setAttribute('height', String(rows.length * ROW + 4));
    svg.setAttribute('role', 'list');
    svg.setAttribute('aria-label', `Spans of trace ${t.traceId}`);
    const clipId = 'wf-label-clip';
    const defs = select(svg).append('defs');
    defs.append('clipPath').attr('id', clipId).append('rect').attr('x', 0).attr('y', 0).attr('width', labelW).attr('height', ROW);
    const hl: SVGGElement[] = [];
    rows.forEach((row, i) => {
      const sp = row.span;
      const onPath = pathBySpan.get(sp.spanId) ?? [];
      const g = select(svg)
        .append('g')
        .attr('class', `wf-row${highlight.has(sp.spanId) ? ' hl' : ''}${sp.status === 'error' ? ' error' : ''}`)
        .attr('transform', `translate(0,${i * ROW})`)
        // Roving tabindex: the trace is one Tab stop; arrows move between rows (see keydown below).
        .attr('tabindex', -1)
        .attr('role', 'listitem')
        .attr('data-span', sp.spanId)
        .attr('aria-label', `${sp.name}, ${sp.service}, ${sp.class}, starts at ${fmtMs(sp.startMs)}, lasts ${fmtMs(sp.durationMs)}${onPath.length ? ', on the critical path' : ''}`);
      g.append('rect').attr('class', 'row-bg').attr('x', 1.5).attr('y', 1.5).attr('width', width - 3).attr('height', ROW - 3);
      g.append('g')
        .attr('clip-path', `url(#${clipId})`)
        .append('text')
        .attr('class', 'wf-label')
        .attr('x', 18 + Math.min(row.depth, 20) * 12)
        .attr('y', ROW / 2 + 4)
        .text(collapsed.has(sp.spanId) ? `${sp.name} (+${descendants.get(sp.spanId) ?? 0})` : sp.name);
      const hasChildren = (descendants.get(sp.spanId) ?? 0) > 0;
      if (hasChildren) {
        g.attr('aria-expanded', String(!collapsed.has(sp.spanId)));
        g.append('text')
          .attr('class', 'wf-caret')
          .attr('x', 5 + Math.min(row.depth, 20) * 12)
          .attr('y', ROW / 2 + 4)
          .text(collapsed.has(sp.spanId) ? '▸' : '▾')
          .on('click', (ev: MouseEvent) => {
            ev.stopPropagation();
            toggle(sp.spanId);
          });
      }
      g.append('title').text(`${sp.name} (${sp.service})`);
      const x0 = x(sp.startMs);
      const w = Math.max(1, x(sp.startMs + sp.durationMs) - x0);
      g.append('rect').attr('class', 'wf-bar').attr('x', x0).attr('y', 3).attr('width', w).attr('height', ROW - 6).attr('fill', classColor(sp.class));
      for (const seg of onPath) {
        const sx = x(seg.startMs);
        g.append('rect')
          .attr('class', 'wf-path')
          .attr('x', sx)
          .attr('y', 3)
          .attr('width', Math.max(1, x(seg.endMs) - sx))
          .attr('height', ROW - 6)
          .attr('fill', CATEGORY_COLOR[seg.category] ?? '#777');
      }
      const strip = (slices: [number, number][] | undefined, color: string, y: number, cls: string): void => {
        for (const [start, dur] of slices ?? []) {
          const sx = x(start);
          g.append('rect').attr('class', cls).attr('x', sx).attr('y', y).attr('width', Math.max(1, x(start + dur) - sx)).attr('height', 4).attr('fill', color);
        }
      };
      strip(sp.onThread, CATEGORY_COLOR.cpu, ROW - 8, 'wf-onthread');
      strip(sp.queued, CATEGORY_COLOR.queued, ROW - 8, 'wf-queued');
      g.append('text')
        .attr('class', 'wf-dur')
        .attr('x', Math.min(x0 + w + 4, width - 66))
        .attr('y', ROW / 2 + 4)
        .text(fmtMs(sp.durationMs) + (sp.unfinished ? ' (unfinished)' : ''));
      const node = g.node()!;
      const open = (): void => showDetails(sp, onPath);
      node.addEventListener('click', open);
      node.addEventListener('keydown', (ev) => {
        if (ev.key === 'Enter' || ev.key === ' ') {
          ev.preventDefault();
          open();
        } else if (ev.key === 'ArrowRight' || ev.key === 'ArrowLeft') {
          // Tree keys: Right unfolds, Left folds (or goes to the parent of a leaf or folded span).
          ev.preventDefault();
          const folded = collapsed.has(sp.spanId);
          if (hasChildren && (ev.key === 'ArrowRight' ? folded : !folded)) toggle(sp.spanId);
          else if (ev.key === 'ArrowLeft' && sp.parentSpanId) svg.querySelector<SVGGElement>(`g.wf-row[data-span="${CSS.escape(sp.parentSpanId)}"]`)?.focus();
        } else if (ev.key === 'ArrowDown' || ev.key === 'ArrowUp' || ev.key === 'Home' || ev.key === 'End' || ev.key === 'PageDown' || ev.key === 'PageUp') {
          ev.preventDefault();
          const all = Array.from(svg.querySelectorAll<SVGGElement>('g.wf-row'));
          const at = all.indexOf(node);
          const step = { ArrowDown: 1, ArrowUp: -1, PageDown: 10, PageUp: -10, Home: -all.length, End: all.length }[ev.key] ?? 0;
          all[Math.max(0, Math.min(all.length - 1, at + step))]?.focus();
        }
      });
      node.addEventListener('focus', () => {
        svg.querySelector('g.wf-row[tabindex="0"]')?.setAttribute('tabindex', '-1');
        node.setAttribute('tabindex', '0');
      });
      if (highlight.has(sp.spanId)) hl.push(node);
    });
    scroll.appendChild(svg);
    (hl[0] ?? svg.querySelector<SVGGElement>('g.wf-row'))?.setAttribute('tabindex', '0');
    return hl;
  };

  const toggle = (spanId: string): void => {
    if (!current) return;
    if (collapsed.has(spanId)) collapsed.delete(spanId);
    else collapsed.add(spanId);
    draw(current, currentHighlight);
    scroll.querySelector<SVGGElement>(`g.wf-row[data-span="${CSS.escape(spanId)}"]`)?.focus({ preventScroll: true });
  };

  const showDetails = (sp: WaterfallSpan, onPath: { startMs: number; endMs: number; category: Category }[]): void => {
    clear(details);
    const sum = (xs: [number, number][] | undefined): number => (xs ?? []).reduce((acc, [, d]) => acc + d, 0);
    const dl = h('dl', { class: 'facts' });
    const add = (k: string, v: string): void => dl.append(h('dt', null, k), h('dd', null, v));
    add('Service', sp.service);
    add('Kind / class', `${sp.kind} / ${sp.class}`);
    add('Status', sp.status);
    add('Start', `${fmtMs(sp.startMs)} after the trace start`);
    add('Duration', fmtMs(sp.durationMs) + (sp.unfinished ? ' (never ended)' : ''));
    if (sp.onThread) add('On thread', fmtMs(sum(sp.onThread)));
    if (sp.queued) add('Queued', fmtMs(sum(sp.queued)));
    const pathMs = onPath.reduce((acc, p) => acc + p.endMs - p.startMs, 0);
    add('On the critical path', pathMs > 0 ? fmtMs(pathMs) : 'no');
    add('Span id', sp.spanId);
    for (const [k, v] of Object.entries(sp.attributes)) add(k, String(v));
    details.append(h('h3', null, sp.name), dl);
  };

  const show = (traceId: string, highlight: string[]): boolean => {
    const t = byId.get(traceId);
    if (!t) return false;
    select_.value = traceId;
    // Evidence may lie off the critical path or in a folded subtree: show every span so that none of it is hidden.
    pathOnly.checked = false;
    collapsed.clear();
    const hl = draw(t, new Set(highlight));
    const first = hl[0];
    if (first) {
      first.scrollIntoView({ block: 'center' });
      first.focus({ preventScroll: true });
    } else s.scrollIntoView({ block: 'start' });
    return true;
  };
  pathOnly.addEventListener('change', () => {
    if (current) draw(current, new Set());
  });
  select_.addEventListener('change', () => {
    const t = byId.get(select_.value);
    if (t) draw(t, new Set());
  });
  // The first draw needs the section's width, so it waits until app.ts has put it in the document.
  const init = (): void => {
    // Open on the evidence of the top fix when there is one: that is the trace the reader wants first.
    const topFix = [...a.fixes].sort((x, y) => x.rank - y.rank).find((f) => f.evidence.some((e) => byId.has(e.traceId)));
    const ev = topFix?.evidence.find((e) => byId.has(e.traceId));
    const slowest = traces.reduce((m, t) => (t.durationMs > m.durationMs ? t : m), traces[0]!);
    const first = current ?? (ev ? byId.get(ev.traceId)! : slowest);
    select_.value = first.traceId;
    draw(first, new Set(current ? [] : (ev?.spanIds ?? [])));
  };
  return { element: s, show, init };
}

/** Rows of the spans the critical path runs through, with their ancestors so that the tree still reads. */
export function onPathRows(t: TraceDetail): Row[] {
  const byId = new Map(t.spans.map((sp) => [sp.spanId, sp]));
  const keep = new Set<string>();
  for (const seg of t.criticalPath) {
    let sp = byId.get(seg.spanId);
    while (sp && !keep.has(sp.spanId)) {
      keep.add(sp.spanId);
      sp = sp.parentSpanId ? byId.get(sp.parentSpanId) : undefined;
    }
  }
  return treeOrder(t.spans).filter((r) => keep.has(r.span.spanId));
}

/** For each span, how many rows below it belong to its subtree (rows are in tree order with depths). */
export function countDescendants(rows: Row[]): Map<string, number> {
  const out = new Map<string, number>();
  const open: { id: string; depth: number; at: number }[] = [];
  const close = (until: number, index: number): void => {
    while (open.length && open[open.length - 1]!.depth >= until) {
      const o = open.pop()!;
      out.set(o.id, index - o.at - 1);
    }
  };
  rows.forEach((r, i) => {
    close(r.depth, i);
    open.push({ id: r.span.spanId, depth: r.depth, at: i });
  });
  close(-1, rows.length);
  return out;
}

export function withoutCollapsed(rows: Row[], collapsed: ReadonlySet<string>): Row[] {
  if (collapsed.size === 0) return rows;
  const out: Row[] = [];
  let hideBelow = Infinity;
  for (const r of rows) {
    if (r.depth > hideBelow) continue;
    hideBelow = collapsed.has(r.span.spanId) ? r.depth : Infinity;
    out.push(r);
  }
  return out;
}
