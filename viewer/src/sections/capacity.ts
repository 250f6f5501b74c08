import type { Saturation } from '../../../analyzer/model/analysis.js';
import { h } from '../dom.js';
import { fmtMs, fmtPct } from '../format.js';

const perSec = (x: number): string => (Number.isFinite(x) ? `${Math.round(x).toLocaleString('en-US')} req/s` : 'no limit');

/**
 * The event loop's load and what it allows: first in the answer when the loop is saturated (then the bottleneck is
 * the loop itself, and the ways out are less event-loop time per request or more processes), a quiet line otherwise.
 */
export function renderCapacity(s: Saturation): HTMLElement {
  const box = h('div', { class: `capacity${s.saturated ? ' saturated' : ''}`, attrs: { 'aria-label': 'Event-loop capacity' } });
  const cores = s.coresAvailable !== undefined ? ` of ${s.coresAvailable}` : '';
  const facts: [string, string][] = [
    ['event loop busy', fmtPct(s.utilization) + (s.eluMean !== undefined ? ` (runtime samples: ${fmtPct(s.eluMean)})` : '')],
    ['queued, before first spans included', fmtPct(s.queuedShare)],
    ['event-loop time per request', fmtMs(s.cpuMsPerRequest) + (s.outsideSpansMsPerRequest > 0 ? ` (${fmtMs(s.outsideSpansMsPerRequest)} of it outside any span)` : '')],
    ['one process saturates at', `~${perSec(s.saturationPerSec)}`],
    ['served', `${perSec(s.throughputPerSec)} with ${s.processes === 1 ? '1 process' : `${s.processes} processes`}, ${s.coresUsed.toFixed(1)}${cores} cores busy`],
  ];
  if (s.beforeFirstSpan.totalMs > 0) {
    facts.push([
      'queued before the first span',
      `${s.beforeFirstSpan.bound === 'upper' ? 'at most ' : '~'}${fmtMs(s.beforeFirstSpan.totalMs / Math.max(1, s.requests))} per request${s.beforeFirstSpan.bound === 'upper' ? ' (an upper bound: the clients pool connections or pause)' : ''}`,
    ]);
  }
  box.appendChild(h('h3', null, s.saturated ? 'Saturated: the event loop is the bottleneck' : 'Event-loop capacity'));
  const dl = h('dl', { class: 'capacity-facts' });
  for (const [k, v] of facts) dl.append(h('dt', null, k), h('dd', null, v));
  box.appendChild(dl);
  if (s.endpoints.length > 1) {
    const body = h('tbody');
    for (const e of s.endpoints.slice(0, 8)) {
      body.appendChild(h('tr', null, h('td', null, e.endpoint), h('td', { class: 'num' }, e.requests.toLocaleString('en-US')), h('td', { class: 'num' }, fmtMs(e.cpuMsPerRequest)), h('td', { class: 'num' }, fmtPct(e.cpuShare))));
    }
    box.appendChild(
      h('table', { class: 'capacity-endpoints' }, h('thead', null, h('tr', null, h('th', null, 'endpoint'), h('th', { class: 'num' }, 'requests'), h('th', { class: 'num' }, 'event-loop time / request'), h('th', { class: 'num' }, 'share'))), body),
    );
  }
  if (!s.saturated) return box;
  const ways = h('ul', { class: 'ways-out' });
  const where = s.hotFunctions.length ? ` — where it goes: ${s.hotFunctions.map((f) => `${f.name}${f.location ? ` (${f.location})` : ''} ${fmtPct(f.selfFraction)}`).join(', ')}` : '';
  ways.append(
    h('li', null, h('strong', null, 'Less CPU per request'), where),
    h('li', null, h('strong', null, 'More processes'), `: cluster, worker threads or replicas${s.coresAvailable !== undefined && s.coresAvailable > s.processes ? ` (${s.coresAvailable - s.processes} more cores on the recording machine)` : ''}`),
  );
  box.appendChild(h('p', null, 'Two ways out:'));
  box.appendChild(ways);
  const p = s.projection;
  if (p) {
    const n = Math.max(1, s.requests);
    box.appendChild(
      h(
        'p',
        { class: 'projection' },
        `With ${p.fixRanks.map((r) => `#${r}`).join(' and ')}, one process saturates at ~${perSec(p.saturationPerSec)} instead of ${perSec(s.saturationPerSec)}, ` +
          `and requests queue ~${fmtMs(p.queueSavingMs / n)} less each (clients that wait for their answers; up to ${fmtMs(p.queueSavingOpenLoopMs / n)} at a fixed arrival rate).`,
      ),
    );
  }
  return box;
}
