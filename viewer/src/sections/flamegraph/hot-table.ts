import type { HotFunction } from '../../../../analyzer/model/analysis.js';
import { absent, h } from '../../dom.js';
import { fmtMs, fmtPct } from '../../format.js';
import { ORIGIN_LABEL } from '../../palette.js';

/** The 25 functions with the most self time, each with a button that finds it in the flamegraph. */
export function hotTable(fns: HotFunction[], timed: boolean, find: (name: string) => void): HTMLElement {
  const wrap = h('div', { class: 'hot' }, h('h3', null, 'Hot functions (by self time)'));
  if (fns.length === 0) {
    wrap.appendChild(absent('The profile has no samples in named functions.'));
    return wrap;
  }
  const head = h('tr', null, ...['Function', 'Location', 'Origin', 'Self', 'Total', 'Self %'].map((t, i) => h('th', { class: i >= 3 ? 'num' : '', attrs: { scope: 'col' } }, t)));
  if (timed) head.appendChild(h('th', { class: 'num', attrs: { scope: 'col' } }, 'On critical path'));
  head.appendChild(h('th', { attrs: { scope: 'col' } }, h('span', { class: 'sr-only' }, 'Find')));
  const body = h('tbody');
  for (const f of fns.slice(0, 25)) {
    const row = h(
      'tr',
      null,
      h('td', null, h('code', null, f.name)),
      h('td', { class: 'muted small' }, f.calledFrom ? `${f.location ?? ''} — called from ${f.calledFrom}` : (f.location ?? '')),
      h('td', null, ORIGIN_LABEL[f.origin]),
      h('td', { class: 'num' }, fmtMs(f.selfMs)),
      h('td', { class: 'num' }, fmtMs(f.totalMs)),
      h('td', { class: 'num' }, fmtPct(f.selfFraction, 1)),
    );
    if (timed) row.appendChild(h('td', { class: 'num' }, f.onCriticalPathMs !== undefined ? fmtMs(f.onCriticalPathMs) : '–'));
    row.appendChild(h('td', null, h('button', { class: 'link-button', attrs: { type: 'button', 'aria-label': `Find ${f.name} in the flamegraph` }, on: { click: () => find(f.name) } }, 'find')));
    body.appendChild(row);
  }
  wrap.appendChild(h('div', { class: 'table-wrap' }, h('table', { class: 'hot-table' }, h('thead', null, head), body)));
  return wrap;
}
