import type { PathSegment, WaterfallSpan } from '../../../../analyzer/model/analysis.js';
import { clear, h } from '../../dom.js';
import { fmtMs } from '../../format.js';

/** The details panel before any span is selected: how to select one. */
export function showDetailsHint(details: HTMLElement): void {
  clear(details);
  details.appendChild(h('p', { class: 'muted small' }, 'Select a span (click it, or Tab into the trace, move with the arrow keys and press Enter) to see its attributes.'));
}

/** The selected span's facts and attributes, below the waterfall. */
export function showSpanDetails(details: HTMLElement, sp: WaterfallSpan, onPath: PathSegment[]): void {
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
}
