import { select, type ScaleLinear } from 'd3';
import type { PathSegment } from '../../../../analyzer/model/analysis.js';
import { fmtMs } from '../../format.js';
import { CATEGORY_COLOR, classColor } from '../../palette.js';
import type { Row } from './rows.js';

/** Height of one row, px. */
export const ROW = 22;

/** What every row of one drawing shares. */
export interface RowCanvas {
  svg: SVGSVGElement;
  /** Trace time (ms) to x (px). */
  x: ScaleLinear<number, number>;
  widthPx: number;
  /** The clip path that keeps long names inside the label column. */
  labelClipId: string;
  highlight: ReadonlySet<string>;
  collapsed: ReadonlySet<string>;
  /** Rows in each span's subtree (before folding). */
  descendants: ReadonlyMap<string, number>;
  toggle(spanId: string): void;
}

/**
 * Draws one span as a row: its name indented by depth (with a fold caret when it has children), its bar coloured
 * by class, the critical-path segments through it drawn solid on top, thin strips for its on-thread and queued
 * slices, and its duration. Returns the row's element.
 */
export function drawSpanRow(c: RowCanvas, row: Row, index: number, onPath: PathSegment[]): SVGGElement {
  const sp = row.span;
  const folded = c.collapsed.has(sp.spanId);
  const g = select(c.svg)
    .append('g')
    .attr('class', `wf-row${c.highlight.has(sp.spanId) ? ' hl' : ''}${sp.status === 'error' ? ' error' : ''}`)
    .attr('transform', `translate(0,${index * ROW})`)
    // Roving tabindex: the trace is one Tab stop; arrows move between rows (row-keys.ts).
    .attr('tabindex', -1)
    .attr('role', 'listitem')
    .attr('data-span', sp.spanId)
    .attr('aria-label', `${sp.name}, ${sp.service}, ${sp.class}, starts at ${fmtMs(sp.startMs)}, lasts ${fmtMs(sp.durationMs)}${onPath.length ? ', on the critical path' : ''}`);
  g.append('rect').attr('class', 'row-bg').attr('x', 1.5).attr('y', 1.5).attr('width', c.widthPx - 3).attr('height', ROW - 3);
  const indentPx = Math.min(row.depth, 20) * 12;
  g.append('g')
    .attr('clip-path', `url(#${c.labelClipId})`)
    .append('text')
    .attr('class', 'wf-label')
    .attr('x', 18 + indentPx)
    .attr('y', ROW / 2 + 4)
    .text(folded ? `${sp.name} (+${c.descendants.get(sp.spanId) ?? 0})` : sp.name);
  if ((c.descendants.get(sp.spanId) ?? 0) > 0) {
    g.attr('aria-expanded', String(!folded));
    g.append('text')
      .attr('class', 'wf-caret')
      .attr('x', 5 + indentPx)
      .attr('y', ROW / 2 + 4)
      .text(folded ? '▸' : '▾')
      .on('click', (ev: MouseEvent) => {
        ev.stopPropagation();
        c.toggle(sp.spanId);
      });
  }
  g.append('title').text(`${sp.name} (${sp.service})`);
  const x0 = c.x(sp.startMs);
  const w = Math.max(1, c.x(sp.startMs + sp.durationMs) - x0);
  g.append('rect').attr('class', 'wf-bar').attr('x', x0).attr('y', 3).attr('width', w).attr('height', ROW - 6).attr('fill', classColor(sp.class));
  for (const seg of onPath) {
    const sx = c.x(seg.startMs);
    g.append('rect')
      .attr('class', 'wf-path')
      .attr('x', sx)
      .attr('y', 3)
      .attr('width', Math.max(1, c.x(seg.endMs) - sx))
      .attr('height', ROW - 6)
      .attr('fill', CATEGORY_COLOR[seg.category] ?? '#777');
  }
  const strip = (slices: [number, number][] | undefined, color: string, cls: string): void => {
    for (const [start, dur] of slices ?? []) {
      const sx = c.x(start);
      g.append('rect').attr('class', cls).attr('x', sx).attr('y', ROW - 8).attr('width', Math.max(1, c.x(start + dur) - sx)).attr('height', 4).attr('fill', color);
    }
  };
  strip(sp.onThread, CATEGORY_COLOR.cpu, 'wf-onthread');
  strip(sp.queued, CATEGORY_COLOR.queued, 'wf-queued');
  g.append('text')
    .attr('class', 'wf-dur')
    .attr('x', Math.min(x0 + w + 4, c.widthPx - 66))
    .attr('y', ROW / 2 + 4)
    .text(fmtMs(sp.durationMs) + (sp.unfinished ? ' (unfinished)' : ''));
  return g.node()!;
}
