import type { Analysis } from '../../../analyzer/model/analysis.js';
import { CATEGORIES, COMPUTE_CATEGORIES, WAIT_CATEGORIES, type Breakdown, type Category } from '../../../analyzer/model/categories.js';
import { absent, h, section } from '../dom.js';
import { fmtMs, fmtPct } from '../format.js';
import { CATEGORY_LABEL } from '../palette.js';
import { stackedBar, swatch } from '../stacked-bar.js';
import { recordingCostLine } from '../../../format/recording-cost.js';
import { renderCapacity } from './capacity.js';

const GROUPS: { name: string; key: 'waiting' | 'computing' | 'queued' | 'unattributed'; cats: readonly Category[]; hint: string }[] = [
  { name: 'Waiting', key: 'waiting', cats: WAIT_CATEGORIES, hint: 'on I/O: the fix is fewer, batched or parallel calls' },
  { name: 'Computing', key: 'computing', cats: COMPUTE_CATEGORIES, hint: 'JavaScript on the thread, or garbage collection' },
  { name: 'Queued on the event loop', key: 'queued', cats: ['queued'], hint: 'ready to run while other work held the thread' },
  { name: 'Unattributed', key: 'unattributed', cats: ['in_process_unattributed'], hint: 'in-process time of foreign traces we cannot split' },
];

/** The answer: where the critical path goes, as one bar, the numbers per request, and the verdict. */
export function renderAnswer(a: Analysis): HTMLElement {
  const s = section('answer', 'Waiting or computing?');
  const total = a.summary.criticalPathMs;
  if (a.summary.traces === 0 || total <= 0) {
    s.appendChild(absent('No complete requests were found in these inputs, so there is no critical path to account for.'));
    return s;
  }
  s.appendChild(h('p', { class: 'verdict' }, a.summary.verdict));
  // Saturated, the loop is the answer: its numbers come before the split of the critical path.
  if (a.saturation?.saturated) s.appendChild(renderCapacity(a.saturation));
  s.appendChild(stackedBar(a.summary.breakdown));
  const perReq = (ms: number): number => ms / a.summary.traces;
  s.appendChild(
    h(
      'p',
      { class: 'muted' },
      `Critical path over ${a.summary.traces.toLocaleString('en-US')} requests: ${fmtMs(total)} in total, ${fmtMs(perReq(total))} per request on average; p50 ${fmtMs(a.summary.p50Ms)}, p95 ${fmtMs(a.summary.p95Ms)}, p99 ${fmtMs(a.summary.p99Ms)}.`,
    ),
  );
  const before = a.warnings.find((w) => w.code === 'queued-before-first-span');
  if (before?.valueMs !== undefined && before.count) {
    // Outside the bar: no span covers it, so no share holds it.
    s.appendChild(
      h(
        'p',
        { class: 'muted before-first-span' },
        `Not in the bar: ${a.saturation?.beforeFirstSpan.bound === 'upper' ? 'at most' : 'about'} ${fmtMs(before.valueMs / before.count)} per request for ${before.count.toLocaleString('en-US')} requests queued before their first span (they arrived while the event loop was busy; estimated from the previous response on each connection).`,
      ),
    );
  }
  const blind = a.warnings.find((w) => w.code === 'uninstrumented-library' || w.code === 'uninstrumented-wait');
  // What the bar cannot split: a wait no span covers, and the loaded library that may explain it.
  if (blind) s.appendChild(h('p', { class: 'muted coverage-gap' }, `Not instrumented: ${blind.message}`));
  const grid = h('div', { class: 'groups' });
  for (const g of GROUPS) {
    const groupMs = g.cats.reduce((x, c) => x + (a.summary.breakdown[c] ?? 0), 0);
    const card = h('div', { class: `group group-${g.key}` });
    card.append(
      h('div', { class: 'group-head' }, h('span', { class: 'group-name' }, g.name), h('span', { class: 'group-pct' }, fmtPct(a.summary.fractions[g.key]))),
      h('div', { class: 'muted small' }, `${fmtMs(perReq(groupMs))} per request — ${g.hint}`),
    );
    const rows = g.cats.filter((c) => (a.summary.breakdown[c] ?? 0) > 0);
    if (rows.length > (g.cats.length === 1 ? 1 : 0)) card.appendChild(categoryList(rows, a.summary.breakdown, total, a.summary.traces));
    grid.appendChild(card);
  }
  s.appendChild(grid);
  // The recorder's own work, stated apart from the app's (never a fix or a hot function).
  if (a.recordingCost) s.appendChild(h('p', { class: 'muted small recording-cost' }, `${recordingCostLine(a.recordingCost)}.`));
  if (a.saturation && !a.saturation.saturated) s.appendChild(renderCapacity(a.saturation));
  if (a.services.length > 1) s.appendChild(serviceTable(a));
  return s;
}

/** With several services, each one's own split: which service waits and which computes. */
function serviceTable(a: Analysis): HTMLElement {
  const rows = [...a.services].sort((x, y) => totalOf(y.breakdown) - totalOf(x.breakdown));
  const max = Math.max(...rows.map((r) => (r.traces > 0 ? totalOf(r.breakdown) / r.traces : 0)));
  const body = h('tbody');
  for (const r of rows) {
    const perReq = scale(r.breakdown, r.traces > 0 ? 1 / r.traces : 0);
    body.appendChild(
      h(
        'tr',
        null,
        h('td', null, r.service),
        h('td', null, r.language === 'unknown' ? '' : r.language),
        h('td', { class: 'num' }, r.traces.toLocaleString('en-US')),
        h('td', { class: 'num' }, fmtPct(r.fractions.waiting)),
        h('td', { class: 'num' }, fmtPct(r.fractions.computing)),
        h('td', { class: 'num' }, fmtPct(r.fractions.queued)),
        h('td', { class: 'num' }, fmtPct(r.fractions.unattributed)),
        h('td', { class: 'bar-cell' }, stackedBar(perReq, { small: true, scaleMs: max }), h('span', { class: 'muted small' }, `${fmtMs(totalOf(perReq))} per request`)),
      ),
    );
  }
  const head = h('tr', null, ...['Service', 'Language', 'Requests', 'Waiting', 'Computing', 'Queued', 'Unattributed', 'Critical path per request'].map((t, i) => h('th', { class: i >= 2 && i <= 6 ? 'num' : '', attrs: { scope: 'col' } }, t)));
  return h('div', { class: 'services' }, h('h3', null, 'By service'), h('div', { class: 'table-wrap' }, h('table', { class: 'services-table' }, h('thead', null, head), body)));
}

function totalOf(b: Breakdown): number {
  let t = 0;
  for (const c of CATEGORIES) t += b[c] ?? 0;
  return t;
}

function scale(b: Breakdown, k: number): Breakdown {
  const out = {} as Breakdown;
  for (const c of CATEGORIES) out[c] = (b[c] ?? 0) * k;
  return out;
}

function categoryList(cats: Category[], b: Breakdown, total: number, traces: number): HTMLElement {
  const ul = h('ul', { class: 'cat-list' });
  for (const c of [...cats].sort((x, y) => b[y] - b[x])) {
    ul.appendChild(h('li', null, swatch(c), h('span', { class: 'cat-name' }, CATEGORY_LABEL[c]), h('span', { class: 'num' }, fmtPct(b[c] / total)), h('span', { class: 'num muted' }, `${fmtMs(b[c] / traces)}/req`)));
  }
  return ul;
}
