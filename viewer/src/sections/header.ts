import type { Analysis } from '../../../analyzer/model/analysis.js';
import { h } from '../dom.js';
import { fmtCount, fmtMs, fmtTime } from '../format.js';

/** What was analyzed, what went wrong while reading it, and whether the results are partial. */
export function renderHeader(a: Analysis): HTMLElement {
  const i = a.inputs;
  const windowMs = i.endEpochMs - i.startEpochMs;
  const wrap = h('section', { id: 'inputs', class: 'section header-section', attrs: { 'aria-labelledby': 'inputs-title' } });
  wrap.appendChild(h('h2', { id: 'inputs-title' }, 'What was analyzed'));
  if (a.partial) {
    wrap.appendChild(
      h('p', { class: 'banner partial', attrs: { role: 'alert' } }, h('strong', null, 'Partial results. '), 'Some input was unreadable or cut short, so these numbers cover only what could be read. See the warnings below.'),
    );
  }
  const facts = h('dl', { class: 'facts' });
  const fact = (k: string, v: string | Node): void => {
    facts.append(h('dt', null, k), h('dd', null, v));
  };
  fact('Requests (traces)', fmtCount(a.summary.traces));
  fact('Spans', fmtCount(a.summary.spans));
  fact('Services', i.services.length ? i.services.join(', ') : 'none named');
  fact('Languages', i.languages.join(', ') || 'unknown');
  fact('Time window', `${fmtTime(i.startEpochMs)} → ${fmtTime(i.endEpochMs)}${windowMs > 0 ? ` (${fmtMs(windowMs)})` : ''}`);
  fact('Runtime data', i.hasRuntimeData ? (i.hasOnThreadData ? 'event loop, GC and on-thread time recorded' : 'event loop and GC recorded') : 'none (foreign traces)');
  wrap.appendChild(facts);

  if (i.files.length) {
    const list = h('ul', { class: 'files' });
    for (const f of i.files) {
      list.appendChild(h('li', null, h('code', null, f.path), ` — ${f.format}, ${fmtCount(f.spans)} spans`, f.partial ? h('span', { class: 'badge warn' }, 'partial') : null));
    }
    wrap.appendChild(h('details', { class: 'files-details' }, h('summary', null, `${i.files.length} input file${i.files.length === 1 ? '' : 's'}`), list));
  }

  if (a.warnings.length) {
    const list = h('ul', { class: 'warnings' });
    for (const w of a.warnings) {
      list.appendChild(
        // "(N times)" only where the sentence does not already give the number.
        h('li', null, w.message, w.count !== undefined && w.count > 1 && !w.message.includes(fmtCount(w.count)) ? ` (${fmtCount(w.count)} times)` : null, w.file ? h('span', { class: 'muted' }, ' in ', h('code', null, w.file)) : null),
      );
    }
    wrap.appendChild(h('div', { class: 'banner warnings-box', attrs: { role: 'note' } }, h('strong', null, `About the data (${a.warnings.length} warning${a.warnings.length === 1 ? '' : 's'}):`), list));
  }
  if (a.redacted) wrap.appendChild(h('p', { class: 'muted small' }, 'Statement literals, URLs credentials and auth headers are redacted.'));
  return wrap;
}
