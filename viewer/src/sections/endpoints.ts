import type { Analysis, EndpointSummary } from '../../../analyzer/model/analysis.js';
import { CATEGORIES } from '../../../analyzer/model/categories.js';
import { absent, clear, h, section } from '../dom.js';
import { fmtCount, fmtMs } from '../format.js';
import { stackedBar } from '../stacked-bar.js';
import type { OpenTrace } from './fixes.js';

interface Column {
  key: string;
  label: string;
  numeric: boolean;
  value: (e: EndpointSummary) => number | string;
}

const meanMs = (e: EndpointSummary): number => CATEGORIES.reduce((a, c) => a + (e.meanBreakdown[c] ?? 0), 0);

const COLUMNS: Column[] = [
  { key: 'service', label: 'Service', numeric: false, value: (e) => e.service },
  { key: 'name', label: 'Endpoint', numeric: false, value: (e) => e.name },
  { key: 'count', label: 'Requests', numeric: true, value: (e) => e.count },
  { key: 'errors', label: 'Errors', numeric: true, value: (e) => e.errors },
  { key: 'p50', label: 'p50', numeric: true, value: (e) => e.p50Ms },
  { key: 'p95', label: 'p95', numeric: true, value: (e) => e.p95Ms },
  { key: 'total', label: 'Total time', numeric: true, value: (e) => meanMs(e) * e.count },
];

/** Sortable endpoint table; each row has a small bar of its mean critical path and opens its slowest trace. */
export function renderEndpoints(a: Analysis, openTrace: OpenTrace): HTMLElement {
  const s = section('endpoints', 'Endpoints', 'Sorted by total critical-path time (requests × mean). Click a column header to sort.');
  if (a.endpoints.length === 0) {
    s.appendChild(absent('No endpoints: no trace had a server or consumer root span.'));
    return s;
  }
  const slowest = new Map<string, string>();
  for (const t of [...a.traces].sort((x, y) => y.durationMs - x.durationMs)) {
    const k = JSON.stringify([t.service, t.endpoint]);
    if (!slowest.has(k)) slowest.set(k, t.traceId);
  }
  const maxMean = Math.max(...a.endpoints.map(meanMs));
  let sortKey = 'total';
  let descending = true;
  const tbody = h('tbody');
  const headRow = h('tr');
  const draw = (): void => {
    const col = COLUMNS.find((c) => c.key === sortKey)!;
    const rows = [...a.endpoints].sort((x, y) => {
      const vx = col.value(x);
      const vy = col.value(y);
      const cmp = typeof vx === 'number' && typeof vy === 'number' ? vx - vy : String(vx).localeCompare(String(vy));
      return descending ? -cmp : cmp;
    });
    clear(tbody);
    for (const e of rows) {
      const traceId = slowest.get(JSON.stringify([e.service, e.name]));
      tbody.appendChild(
        h(
          'tr',
          null,
          h('td', null, e.service),
          h('td', { class: 'ep-name' }, e.name),
          h('td', { class: 'num' }, fmtCount(e.count)),
          h('td', { class: 'num' }, e.errors ? fmtCount(e.errors) : '0'),
          h('td', { class: 'num' }, fmtMs(e.p50Ms)),
          h('td', { class: 'num' }, fmtMs(e.p95Ms)),
          h('td', { class: 'num' }, fmtMs(meanMs(e) * e.count)),
          h('td', { class: 'bar-cell' }, stackedBar(e.meanBreakdown, { small: true, scaleMs: maxMean }), h('span', { class: 'muted small' }, `${fmtMs(meanMs(e))} mean`)),
          h(
            'td',
            null,
            traceId
              ? h('button', { class: 'link-button', attrs: { type: 'button', 'aria-label': `Open slowest trace of ${e.name}` }, on: { click: () => openTrace(traceId, []) } }, 'trace')
              : h('span', { class: 'muted small' }, '—'),
          ),
        ),
      );
    }
    for (const th of Array.from(headRow.querySelectorAll('th[data-key]'))) {
      const k = th.getAttribute('data-key');
      th.setAttribute('aria-sort', k === sortKey ? (descending ? 'descending' : 'ascending') : 'none');
    }
  };
  for (const c of COLUMNS) {
    const btn = h(
      'button',
      {
        class: 'sort',
        attrs: { type: 'button' },
        on: {
          click: () => {
            if (sortKey === c.key) descending = !descending;
            else {
              sortKey = c.key;
              descending = c.numeric;
            }
            draw();
          },
        },
      },
      c.label,
    );
    headRow.appendChild(h('th', { class: c.numeric ? 'num' : '', attrs: { 'data-key': c.key, scope: 'col' } }, btn));
  }
  headRow.append(h('th', { attrs: { scope: 'col' } }, 'Mean critical path per request'), h('th', { attrs: { scope: 'col' } }, h('span', { class: 'sr-only' }, 'Slowest trace')));
  const table = h('table', { class: 'endpoints' }, h('thead', null, headRow), tbody);
  draw();
  s.appendChild(h('div', { class: 'table-wrap' }, table));
  return s;
}
