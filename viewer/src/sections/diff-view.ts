import type { Analysis } from '../../../analyzer/model/analysis.js';
import type { AnalysisDiff, CategoryChange, FixDiff, ValueChange } from '../../../analyzer/diff/types.js';
import { emptyBreakdown } from '../../../analyzer/model/categories.js';
import { absent, h, section } from '../dom.js';
import { fmtCount, fmtMs, fmtPct, fmtSignedMs, fmtTime } from '../format.js';
import { CATEGORY_LABEL } from '../palette.js';
import { stackedBar, swatch } from '../stacked-bar.js';

/** The diff page: verdict, overall numbers side by side, per-category and per-endpoint changes, fixes resolved/new/open. */
export function renderDiffView(before: Analysis, after: Analysis, d: AnalysisDiff): HTMLElement[] {
  return [sides(before, after), verdict(d), overall(d), categories(d), endpoints(d), fixes(d)];
}

function sides(before: Analysis, after: Analysis): HTMLElement {
  const s = section('inputs', 'Before and after');
  const side = (label: string, a: Analysis): HTMLElement =>
    h(
      'div',
      { class: 'side' },
      h('h3', null, label),
      h(
        'dl',
        { class: 'facts' },
        h('dt', null, 'Requests'),
        h('dd', null, fmtCount(a.summary.traces)),
        h('dt', null, 'Services'),
        h('dd', null, a.inputs.services.join(', ') || 'none named'),
        h('dt', null, 'Window'),
        h('dd', null, `${fmtTime(a.inputs.startEpochMs)} → ${fmtTime(a.inputs.endEpochMs)}`),
        h('dt', null, 'Files'),
        h('dd', null, a.inputs.files.map((f) => f.path).join(', ') || '–'),
      ),
      a.partial ? h('p', { class: 'banner partial' }, 'Partial results: some input was unreadable or cut short.') : null,
      a.warnings.length ? h('ul', { class: 'warnings small' }, ...a.warnings.map((w) => h('li', null, w.message))) : null,
      h('p', { class: 'verdict small' }, a.summary.verdict),
    );
  s.appendChild(h('div', { class: 'side-by-side' }, side('Before', before), side('After', after)));
  return s;
}

function verdict(d: AnalysisDiff): HTMLElement {
  const s = section('answer', 'Did it get better?');
  const t = d.thresholds;
  if (d.regressed) {
    s.appendChild(h('div', { class: 'banner regressed', attrs: { role: 'alert' } }, h('strong', null, 'Regressed. '), h('ul', null, ...d.reasons.map((r) => h('li', null, r)))));
  } else {
    s.appendChild(h('div', { class: 'banner ok' }, h('strong', null, 'No regression. '), d.improvements.length ? h('ul', null, ...d.improvements.map((r) => h('li', null, r))) : 'Nothing moved beyond the thresholds.'));
  }
  s.appendChild(
    h(
      'p',
      { class: 'muted small' },
      `Rule: regressed when p95 or the mean critical path per request (overall, or p95 of an endpoint with at least ${t.minEndpointCount} requests on both sides) is worse by more than ${fmtPct(t.relative)} and more than ${fmtMs(t.absoluteMs)}, or when a new high-confidence fix appears.`,
    ),
  );
  return s;
}

function changeCells(c: ValueChange | undefined): HTMLElement[] {
  if (!c) return [h('td', { class: 'num' }, '–'), h('td', { class: 'num' }, '–'), h('td', { class: 'num' }, '–')];
  // Colour only changes a reader should notice: more than 2 % and more than 0.05 ms.
  const notable = Math.abs(c.deltaMs) > 0.05 && (c.beforeMs <= 0 || Math.abs(c.deltaMs) > c.beforeMs * 0.02);
  const cls = !notable ? '' : c.deltaMs > 0 ? 'worse' : 'better';
  return [
    h('td', { class: 'num' }, fmtMs(c.beforeMs)),
    h('td', { class: 'num' }, fmtMs(c.afterMs)),
    h('td', { class: `num ${cls}` }, fmtSignedMs(c.deltaMs), c.ratio !== null && c.beforeMs > 0 ? h('span', { class: 'muted small' }, ` (${c.ratio >= 1 ? '+' : ''}${fmtPct(c.ratio - 1)})`) : null),
  ];
}

/** "before → after" in one cell and the change in the next: narrower than three columns. */
function compactCells(c: ValueChange | undefined): HTMLElement[] {
  const [before, after, change] = changeCells(c);
  const fromTo = h('td', { class: 'num' }, before!.textContent === '–' ? '–' : `${before!.textContent} → ${after!.textContent}`);
  return [fromTo, change!];
}

function overall(d: AnalysisDiff): HTMLElement {
  const s = section('overall', 'Latency');
  const o = d.overall;
  const row = (label: string, c: ValueChange): HTMLElement => h('tr', null, h('th', { attrs: { scope: 'row' } }, label), ...changeCells(c));
  s.appendChild(
    h(
      'div',
      { class: 'table-wrap' },
      h(
        'table',
        { class: 'diff-table' },
        h('thead', null, h('tr', null, h('th', null, ''), h('th', { class: 'num' }, 'Before'), h('th', { class: 'num' }, 'After'), h('th', { class: 'num' }, 'Change'))),
        h(
          'tbody',
          null,
          h('tr', null, h('th', { attrs: { scope: 'row' } }, 'Requests'), h('td', { class: 'num' }, fmtCount(o.beforeTraces)), h('td', { class: 'num' }, fmtCount(o.afterTraces)), h('td', null, '')),
          row('p50', o.p50),
          row('p95', o.p95),
          row('p99', o.p99),
          row('Critical path per request (mean)', o.meanMs),
        ),
      ),
    ),
  );
  return s;
}

function categories(d: AnalysisDiff): HTMLElement {
  const s = section('categories', 'Where the time per request went', 'Both bars share one scale: a shorter "after" bar is a faster request.');
  const before = emptyBreakdown();
  const after = emptyBreakdown();
  for (const c of d.overall.categories) {
    before[c.category] = c.beforeMs;
    after[c.category] = c.afterMs;
  }
  const scale = Math.max(d.overall.meanMs.beforeMs, d.overall.meanMs.afterMs);
  s.append(
    h('div', { class: 'bar-row' }, h('span', { class: 'bar-label' }, 'Before'), stackedBar(before, { scaleMs: scale }), h('span', { class: 'num' }, fmtMs(d.overall.meanMs.beforeMs))),
    h('div', { class: 'bar-row' }, h('span', { class: 'bar-label' }, 'After'), stackedBar(after, { scaleMs: scale }), h('span', { class: 'num' }, fmtMs(d.overall.meanMs.afterMs))),
  );
  const moved = d.overall.categories.filter((c) => c.beforeMs > 0 || c.afterMs > 0).sort((x, y) => Math.abs(y.deltaMs) - Math.abs(x.deltaMs));
  const body = h('tbody', null, ...moved.map((c) => h('tr', null, h('th', { attrs: { scope: 'row' } }, swatch(c.category), CATEGORY_LABEL[c.category]), ...changeCells(c))));
  s.appendChild(h('div', { class: 'table-wrap' }, h('table', { class: 'diff-table' }, h('thead', null, h('tr', null, h('th', null, 'Category (ms per request)'), h('th', { class: 'num' }, 'Before'), h('th', { class: 'num' }, 'After'), h('th', { class: 'num' }, 'Change'))), body)));
  return s;
}

function endpoints(d: AnalysisDiff): HTMLElement {
  const s = section('endpoints', 'Endpoints');
  if (d.endpoints.length === 0) {
    s.appendChild(absent('Neither side has endpoints.'));
    return s;
  }
  const rows = [...d.endpoints].sort((x, y) => Number(y.regressed) - Number(x.regressed) || Math.abs(y.p95?.deltaMs ?? 0) - Math.abs(x.p95?.deltaMs ?? 0));
  const maxMean = Math.max(0, ...d.endpoints.flatMap((e) => (e.meanMs ? [e.meanMs.beforeMs, e.meanMs.afterMs] : [])));
  const body = h('tbody');
  for (const e of rows) {
    const presence = e.presence === 'both' ? null : h('span', { class: 'badge' }, e.presence === 'before-only' ? 'gone' : 'new');
    body.appendChild(
      h(
        'tr',
        { class: e.regressed ? 'regressed-row' : '' },
        h('td', { class: 'nowrap' }, e.service),
        h('td', null, e.name, ' ', presence, e.regressed ? h('span', { class: 'badge bad' }, 'regressed') : null),
        h('td', { class: 'num' }, `${fmtCount(e.beforeCount)} → ${fmtCount(e.afterCount)}`),
        ...compactCells(e.p95),
        ...compactCells(e.meanMs),
        h('td', { class: 'bar-cell' }, ...pairOfBars(e.categories, maxMean)),
      ),
    );
  }
  const head = h(
    'tr',
    null,
    ...['Service', 'Endpoint', 'Requests', 'p95', 'p95 change', 'Mean', 'Mean change'].map((t, i) => h('th', { class: i >= 2 ? 'num' : '', attrs: { scope: 'col' } }, t)),
    h('th', { attrs: { scope: 'col' } }, 'Mean per request, before / after'),
  );
  s.appendChild(h('div', { class: 'table-wrap' }, h('table', { class: 'diff-table' }, h('thead', null, head), body)));
  return s;
}

function fixes(d: AnalysisDiff): HTMLElement {
  const s = section('fixes', 'Fixes');
  if (d.fixes.length === 0) {
    s.appendChild(absent('No fixes were proposed on either side.'));
    return s;
  }
  const col = (title: string, status: FixDiff['status'], empty: string): HTMLElement => {
    const items = d.fixes.filter((f) => f.status === status);
    return h(
      'div',
      { class: `fix-col fix-${status}` },
      h('h3', null, `${title} (${items.length})`),
      items.length
        ? h(
            'ul',
            null,
            ...items.map((f) =>
              h(
                'li',
                null,
                h('strong', null, f.title),
                h('div', { class: 'muted small' }, `${f.detector} · ${f.service}${f.endpoint ? ` · ${f.endpoint}` : ''}`),
                h('div', { class: 'small' }, savingText(f)),
              ),
            ),
          )
        : h('p', { class: 'muted small' }, empty),
    );
  };
  s.appendChild(h('div', { class: 'fix-cols' }, col('Resolved', 'resolved', 'Nothing resolved.'), col('New', 'new', 'Nothing new.'), col('Still open', 'still-open', 'Nothing left open.')));
  return s;
}

function savingText(f: FixDiff): string {
  const b = f.before;
  const a = f.after;
  if (b && a) return `saving ${fmtMs(b.savingMs)} → ${fmtMs(a.savingMs)}, ${a.confidence} confidence`;
  if (a) return `would save ${fmtMs(a.savingMs)}, ${a.confidence} confidence`;
  if (b) return `was worth ${fmtMs(b.savingMs)}`;
  return '';
}


/** Two small bars on one scale, before above after: where an endpoint's time moved. */
function pairOfBars(cats: CategoryChange[], scaleMs: number): HTMLElement[] {
  if (cats.length === 0) return [h('span', { class: 'muted small' }, 'on one side only')];
  const before = emptyBreakdown();
  const after = emptyBreakdown();
  for (const c of cats) {
    before[c.category] = c.beforeMs;
    after[c.category] = c.afterMs;
  }
  return [stackedBar(before, { small: true, scaleMs }), stackedBar(after, { small: true, scaleMs })];
}
