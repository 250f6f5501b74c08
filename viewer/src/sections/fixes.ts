import type { Analysis, Fix } from '../../../analyzer/model/analysis.js';
import { absent, h, section } from '../dom.js';
import { noFixSentence, fmtCount, fmtMs, fmtPct, shortId } from '../format.js';

export type OpenTrace = (traceId: string, spanIds: string[]) => void;

/** Ranked fixes, one card each, with evidence buttons that open the trace waterfall at the spans. */
export function renderFixes(a: Analysis, openTrace: OpenTrace): HTMLElement {
  const s = section('fixes', 'What to change first', 'Ranked by the time each change would save on the critical path, measured by replaying the recorded traces with the change applied.');
  if (a.fixes.length === 0) {
    s.appendChild(absent(`${noFixSentence(a.saturation?.saturated)} The breakdown above still shows where the time goes.`));
    return s;
  }
  const included = new Set(a.traces.map((t) => t.traceId));
  const list = h('ol', { class: 'fix-list' });
  for (const f of [...a.fixes].sort((x, y) => x.rank - y.rank)) list.appendChild(h('li', null, fixCard(f, included, openTrace)));
  s.appendChild(list);
  return s;
}

export function fixCard(f: Fix, included: ReadonlySet<string>, openTrace: OpenTrace | null): HTMLElement {
  const card = h('article', { class: `fix-card conf-${f.confidence}`, attrs: { 'aria-label': `Fix ${f.rank}: ${f.title}` } });
  card.appendChild(
    h(
      'header',
      { class: 'fix-head' },
      h('span', { class: 'fix-rank', attrs: { 'aria-hidden': 'true' } }, `#${f.rank}`),
      h('h3', { class: 'fix-title' }, f.title),
      h('span', { class: 'fix-saving' }, h('strong', null, `saves ${fmtMs(f.savingMs)}`), ` (${fmtPct(f.savingFraction, f.savingFraction < 0.1 ? 1 : 0)})`),
    ),
  );
  card.appendChild(
    h(
      'p',
      { class: 'fix-meta' },
      h('span', { class: `badge conf conf-${f.confidence}` }, `${f.confidence} confidence`),
      h('span', { class: 'badge' }, f.detectorName ?? f.detector),
      h('span', { class: 'muted' }, ` ${f.service}${f.endpoint ? ` · ${f.endpoint}` : ''} · ${fmtCount(f.affectedTraces)} request${f.affectedTraces === 1 ? '' : 's'}`),
      f.standaloneSavingMs > f.savingMs * 1.05 ? h('span', { class: 'muted' }, ` · ${fmtMs(f.standaloneSavingMs)} if applied alone`) : null,
    ),
  );
  card.appendChild(h('p', { class: 'fix-why' }, f.why));
  if (f.queueSavingMs && f.queueSavingMs > 0) {
    card.appendChild(
      h(
        'p',
        { class: 'fix-queue muted' },
        `${f.loopTimeSavedMs ? `Frees ${fmtMs(f.loopTimeSavedMs)} of event-loop time; with it ` : 'With it, '}requests also queue ~${fmtMs(f.queueSavingMs)} less in total, before their first span included (queueing model: clients that wait for their answers).`,
      ),
    );
  }
  const lang = f.advice.language !== 'unknown' ? h('span', { class: 'lang' }, f.advice.language) : null;
  const advice = h('div', { class: 'advice' }, h('p', null, lang, lang ? ' ' : null, f.advice.text));
  if (f.advice.sketch) advice.appendChild(h('pre', { class: 'sketch', attrs: { tabindex: '0', 'aria-label': 'code sketch' } }, h('code', null, f.advice.sketch)));
  card.appendChild(advice);

  const locations = [...new Set(f.evidence.map((e) => e.location).filter((l): l is string => Boolean(l)))];
  if (locations.length) card.appendChild(h('p', { class: 'locations' }, 'Code: ', ...locations.flatMap((l, i) => [i ? ', ' : '', h('code', null, l)])));
  if (f.details && Object.keys(f.details).length) {
    const dl = h('dl', { class: 'details' });
    for (const [k, v] of Object.entries(f.details)) dl.append(h('dt', null, k), h('dd', null, String(v)));
    card.appendChild(dl);
  }
  if (f.evidence.length) {
    const ev = h('div', { class: 'evidence' }, h('span', { class: 'muted' }, 'Evidence: '));
    for (const e of f.evidence.slice(0, 6)) {
      const n = e.spanIds.length;
      const label = `trace ${shortId(e.traceId)} · ${n} span${n === 1 ? '' : 's'}`;
      if (openTrace && included.has(e.traceId)) {
        ev.appendChild(
          h('button', { class: 'evidence-link', attrs: { type: 'button', 'data-trace': e.traceId }, on: { click: () => openTrace(e.traceId, e.spanIds) } }, `Open ${label}`),
        );
      } else {
        ev.appendChild(h('span', { class: 'evidence-missing', title: 'this trace was not included in the report' }, label));
      }
    }
    if (f.evidence.length > 6) ev.appendChild(h('span', { class: 'muted small' }, `and ${f.evidence.length - 6} more`));
    card.appendChild(ev);
  }
  return card;
}
