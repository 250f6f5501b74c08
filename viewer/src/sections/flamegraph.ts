import type { Analysis, FlameNode } from '../../../analyzer/model/analysis.js';
import { absent, clear, h, section } from '../dom.js';
import { filterOrigins, matchedMs } from '../flame-tree.js';
import { fmtMs, fmtPct } from '../format.js';
import { drawFlame } from './flamegraph/draw-flame.js';
import { hotTable } from './flamegraph/hot-table.js';
import { layoutFlame, pathTo } from './flamegraph/layout.js';
import { originFilters } from './flamegraph/origin-filters.js';

export interface Flamegraph {
  element: HTMLElement;
  init(): void;
}

/**
 * Icicle flamegraph (root on top) drawn from d3-hierarchy's partition, with search, click-to-zoom and origin filters,
 * and the hot-functions table below. The pieces live in flamegraph/: the layout and zoom (layout.ts), the drawing
 * (draw-flame.ts, frame.ts), the keyboard (frame-keys.ts), the filters (origin-filters.ts) and the table
 * (hot-table.ts). This file holds the state — filtered tree, search, zoom — and wires them together.
 */
export function renderFlamegraph(a: Analysis): Flamegraph {
  const s = section('flamegraph', 'CPU profile');
  const p = a.profile;
  if (!p) {
    s.appendChild(absent('No CPU profile in these inputs — record with ', 'timesink record -- node app.js'));
    return { element: s, init: () => undefined };
  }
  if (!(p.totalMs > 0) || !(p.flamegraph.valueMs > 0)) {
    s.appendChild(absent(`The CPU profile (${p.source}) holds no samples, so there is nothing to draw.`));
    return { element: s, init: () => undefined };
  }
  s.appendChild(
    h(
      'p',
      { class: 'intro' },
      `${fmtMs(p.totalMs)} of samples from ${p.format} (${p.source}). ${sampleSplit(p)} Click a frame to zoom (keyboard: Tab into the graph, arrows to move, Enter to zoom); wider is more time.`,
    ),
  );
  let query = '';
  let tree: FlameNode = p.flamegraph;
  /** The zoomed-into frame, as the keys of the frames from the root down to it (survives filtering and search). */
  let focusPath: string[] = [];

  const search = h('input', { id: 'flame-search', attrs: { type: 'search', placeholder: 'Search functions or files', 'aria-label': 'Search the flamegraph' } });
  const status = h('span', { class: 'muted small', attrs: { 'aria-live': 'polite' } });
  const reset = h('button', { attrs: { type: 'button' } }, 'Reset zoom');
  const filters = originFilters((keep) => {
    tree = filterOrigins(p.flamegraph, keep);
    focusPath = [];
    draw();
  });
  const host = h('div', { class: 'flame-host' });
  s.append(h('div', { class: 'flame-controls' }, search, reset, filters, status), host);

  const draw = (): void => {
    clear(host);
    const widthPx = Math.max(600, host.clientWidth || s.clientWidth || 960);
    const layout = layoutFlame(tree, focusPath, widthPx);
    host.appendChild(
      drawFlame(layout, widthPx, query, (frame) => {
        focusPath = pathTo(frame);
        draw();
        host.querySelector<SVGGElement>('g.frame[tabindex="0"]')?.focus({ preventScroll: true });
      }),
    );
    const totalMs = layout.root.value ?? 0;
    const m = matchedMs(tree, query);
    status.textContent = query ? `“${query}”: ${fmtMs(m)} (${fmtPct(totalMs ? m / tree.valueMs : 0, 1)} of samples)` : focusPath.length ? `Zoomed into ${layout.focus.data.name}` : '';
  };
  search.addEventListener('input', () => {
    query = search.value.trim();
    draw();
  });
  reset.addEventListener('click', () => {
    focusPath = [];
    draw();
  });

  s.appendChild(
    hotTable(p.hotFunctions, p.timed, (name) => {
      search.value = name;
      query = name;
      draw();
      host.scrollIntoView({ block: 'nearest' });
    }),
  );
  return { element: s, init: draw };
}

/**
 * Whose time the samples were: the CPU split by origin, and what is not the app's CPU (idle, GC, the recorder, the
 * thread blocked in synchronous calls). Older analyses have no cpuMs: their origin split is of all samples.
 */
function sampleSplit(p: NonNullable<Analysis['profile']>): string {
  const cpu = p.cpuMs ?? p.totalMs;
  const origins = `App code ${fmtPct((p.byOrigin.app ?? 0) / cpu)}, dependencies ${fmtPct((p.byOrigin.dependency ?? 0) / cpu)}, Node core and runtime ${fmtPct((p.byOrigin.runtime ?? 0) / cpu)}`;
  if (p.cpuMs === undefined) return `${origins} of self time.`;
  const apart = (
    [
      [p.idleMs, 'idle or waiting'],
      [p.blockedMs, 'blocked in synchronous calls (waiting, not CPU)'],
      [p.gcMs, 'garbage collection'],
      [p.recorderMs, "timesink's own recording"],
    ] as [number | undefined, string][]
  )
    .filter(([ms]) => ms !== undefined && ms > 0)
    .map(([ms, what]) => `${fmtMs(ms!)} ${what}`);
  return `${fmtMs(cpu)} of it was the app's CPU: ${origins}.${apart.length > 0 ? ` Not CPU the app can cut, and not in the hot functions: ${apart.join(', ')}.` : ''}`;
}
