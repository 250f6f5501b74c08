import { axisTop, scaleLinear, select } from 'd3';
import type { PathSegment, TraceDetail, WaterfallSpan } from '../../../../analyzer/model/analysis.js';
import { clear } from '../../dom.js';
import { fmtMs } from '../../format.js';
import type { WaterfallParts } from './controls.js';
import { attachRowKeys } from './row-keys.js';
import { countDescendants, onPathRows, pathSegmentsBySpan, treeOrder, withoutCollapsed } from './rows.js';
import { drawSpanRow, ROW, type RowCanvas } from './span-row.js';
import { fillTraceInfo } from './trace-info.js';
import { showDetailsHint } from './span-details.js';

const SVG = 'http://www.w3.org/2000/svg';

export interface DrawTraceOptions {
  highlight: ReadonlySet<string>;
  collapsed: ReadonlySet<string>;
  /** Show only the spans the critical path runs through (and their ancestors). */
  pathOnly: boolean;
  /** Width to draw when the hosts have none yet (px). */
  fallbackWidthPx: number;
  open(span: WaterfallSpan, onPath: PathSegment[]): void;
  toggle(spanId: string): void;
}

/**
 * Draws one trace into the section's hosts: the info line, the time axis and one row per visible span (folded
 * subtrees left out). Returns the rows of the highlighted spans, in tree order.
 */
export function drawTrace(parts: WaterfallParts, t: TraceDetail, o: DrawTraceOptions): SVGGElement[] {
  clear(parts.axisHost);
  clear(parts.scroll);
  showDetailsHint(parts.details);
  fillTraceInfo(parts.info, t, o.highlight);
  const allRows = o.pathOnly ? onPathRows(t) : treeOrder(t.spans);
  const rows = withoutCollapsed(allRows, o.collapsed);
  const widthPx = Math.max(720, parts.scroll.clientWidth || o.fallbackWidthPx);
  const labelWidthPx = Math.min(340, Math.round(widthPx * 0.34));
  const x = scaleLinear().domain([0, Math.max(t.durationMs, 1e-3)]).range([labelWidthPx + 8, widthPx - 70]);
  select(parts.axisHost)
    .append('svg')
    .attr('width', widthPx)
    .attr('height', 24)
    .attr('aria-hidden', 'true')
    .append('g')
    .attr('transform', 'translate(0,22)')
    .call(axisTop(x).ticks(Math.max(2, Math.floor((widthPx - labelWidthPx) / 90))).tickFormat((d) => fmtMs(Number(d))));

  const svg = document.createElementNS(SVG, 'svg');
  svg.setAttribute('width', String(widthPx));
  svg.setAttribute('height', String(rows.length * ROW + 4));
  svg.setAttribute('role', 'list');
  svg.setAttribute('aria-label', `Spans of trace ${t.traceId}`);
  const labelClipId = 'wf-label-clip';
  select(svg).append('defs').append('clipPath').attr('id', labelClipId).append('rect').attr('x', 0).attr('y', 0).attr('width', labelWidthPx).attr('height', ROW);
  const canvas: RowCanvas = {
    svg,
    x,
    widthPx,
    labelClipId,
    highlight: o.highlight,
    collapsed: o.collapsed,
    descendants: countDescendants(allRows),
    toggle: o.toggle,
  };
  const pathBySpan = pathSegmentsBySpan(t);
  const highlighted: SVGGElement[] = [];
  rows.forEach((row, i) => {
    const sp = row.span;
    const onPath = pathBySpan.get(sp.spanId) ?? [];
    const node = drawSpanRow(canvas, row, i, onPath);
    const open = (): void => o.open(sp, onPath);
    node.addEventListener('click', open);
    attachRowKeys(node, svg, {
      span: sp,
      hasChildren: (canvas.descendants.get(sp.spanId) ?? 0) > 0,
      isFolded: () => o.collapsed.has(sp.spanId),
      open,
      toggle: () => o.toggle(sp.spanId),
    });
    if (o.highlight.has(sp.spanId)) highlighted.push(node);
  });
  parts.scroll.appendChild(svg);
  (highlighted[0] ?? svg.querySelector<SVGGElement>('g.wf-row'))?.setAttribute('tabindex', '0');
  return highlighted;
}
