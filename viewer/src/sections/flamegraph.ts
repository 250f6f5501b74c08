import { hierarchy, partition, type HierarchyRectangularNode } from 'd3';
import type { Analysis, FlameNode, HotFunction } from '../../../analyzer/model/analysis.js';
import type { FrameOrigin } from '../../../analyzer/model/profile.js';
import { absent, clear, h, section } from '../dom.js';
import { fmtMs, fmtPct } from '../format.js';
import { filterOrigins, matchedMs, matchesQuery, selfMs } from '../flame-tree.js';
import { ORIGIN_COLOR, ORIGIN_LABEL } from '../palette.js';

const SVG = 'http://www.w3.org/2000/svg';
const ROW = 18;
const ORIGINS: FrameOrigin[] = ['app', 'dependency', 'runtime'];

export interface Flamegraph {
  element: HTMLElement;
  init(): void;
}

/** Icicle flamegraph (root on top) drawn from d3-hierarchy's partition, with search, click-to-zoom and origin filters. */
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
  const keep = new Set<FrameOrigin>(ORIGINS);
  let query = '';
  let tree: FlameNode = p.flamegraph;
  let focusPath: string[] = [];

  const search = h('input', { id: 'flame-search', attrs: { type: 'search', placeholder: 'Search functions or files', 'aria-label': 'Search the flamegraph' } });
  const status = h('span', { class: 'muted small', attrs: { 'aria-live': 'polite' } });
  const reset = h('button', { attrs: { type: 'button' } }, 'Reset zoom');
  const filters = h('fieldset', { class: 'filters' }, h('legend', null, 'Show frames from'));
  for (const o of ORIGINS) {
    const box = h('input', { attrs: { type: 'checkbox', id: `origin-${o}` } });
    box.checked = true;
    box.addEventListener('change', () => {
      if (box.checked) keep.add(o);
      else keep.delete(o);
      tree = filterOrigins(p.flamegraph, keep);
      focusPath = [];
      draw();
    });
    const sw = h('span', { class: 'swatch', attrs: { 'aria-hidden': 'true' } });
    sw.style.background = ORIGIN_COLOR[o];
    filters.appendChild(h('label', { class: 'filter' }, box, sw, ORIGIN_LABEL[o]));
  }
  const host = h('div', { class: 'flame-host' });
  s.append(h('div', { class: 'flame-controls' }, search, reset, filters, status), host);

  const draw = (): void => {
    clear(host);
    const width = Math.max(600, host.clientWidth || s.clientWidth || 960);
    const root = hierarchy<FlameNode>(tree, (d) => d.children)
      .sum((d) => selfMs(d))
      .sort((x, y) => (y.value ?? 0) - (x.value ?? 0));
    const laid = partition<FlameNode>().size([1, 1])(root);
    // Zoom target: follow the remembered path of names from the root.
    let focus: HierarchyRectangularNode<FlameNode> = laid;
    for (const key of focusPath) {
      const next = focus.children?.find((c) => nodeKey(c.data) === key);
      if (!next) break;
      focus = next;
    }
    const span = Math.max(focus.x1 - focus.x0, 1e-12);
    const px = (v: number): number => ((v - focus.x0) / span) * width;
    const visible = laid.descendants().filter((d) => {
      if (d.x1 <= focus.x0 || d.x0 >= focus.x1) return false;
      return px(Math.min(d.x1, focus.x1)) - px(Math.max(d.x0, focus.x0)) >= 0.5;
    });
    const maxDepth = visible.reduce((m, d) => Math.max(m, d.depth), 0);
    const svg = document.createElementNS(SVG, 'svg');
    svg.setAttribute('width', String(width));
    svg.setAttribute('height', String((maxDepth + 1) * ROW));
    svg.setAttribute('class', 'flame');
    svg.setAttribute('role', 'group');
    svg.setAttribute('aria-label', 'Flamegraph');
    const total = laid.value ?? 0;
    const gByNode = new Map<HierarchyRectangularNode<FlameNode>, SVGGElement>();
    const levels = new Map<number, HierarchyRectangularNode<FlameNode>[]>();
    for (const d of visible) {
      const x0 = Math.max(0, px(d.x0));
      const x1 = Math.min(width, px(d.x1));
      const w = x1 - x0;
      const g = document.createElementNS(SVG, 'g');
      g.setAttribute('transform', `translate(${x0},${d.depth * ROW})`);
      const match = matchesQuery(d.data, query);
      g.setAttribute('class', `frame origin-${d.data.origin}${query ? (match ? ' match' : ' dim') : ''}`);
      const rect = document.createElementNS(SVG, 'rect');
      rect.setAttribute('width', String(Math.max(0.5, w - 0.5)));
      rect.setAttribute('height', String(ROW - 1));
      rect.setAttribute('fill', frameColor(d.data));
      g.appendChild(rect);
      const title = document.createElementNS(SVG, 'title');
      const value = d.data.valueMs;
      title.textContent = `${d.data.name}${d.data.location ? ` — ${d.data.location}` : ''}\n${fmtMs(value)} total (${fmtPct(total ? value / total : 0, 1)}), ${fmtMs(selfMs(d.data))} self · ${ORIGIN_LABEL[d.data.origin]}`;
      g.appendChild(title);
      if (w > 36) {
        const text = document.createElementNS(SVG, 'text');
        text.setAttribute('x', '4');
        text.setAttribute('y', String(ROW - 5));
        const maxChars = Math.floor((w - 8) / 6.5);
        text.textContent = d.data.name.length > maxChars ? `${d.data.name.slice(0, Math.max(1, maxChars - 1))}…` : d.data.name;
        g.appendChild(text);
      }
      // Roving tabindex: the flamegraph is one Tab stop; arrows walk the tree (up: caller, down: biggest callee).
      g.setAttribute('tabindex', '-1');
      g.setAttribute('role', 'button');
      g.setAttribute('aria-label', `${d.data.name}, ${fmtMs(value)}, ${ORIGIN_LABEL[d.data.origin]}`);
      gByNode.set(d, g);
      const zoom = (): void => {
        focusPath = d.ancestors().reverse().slice(1).map((n) => nodeKey(n.data));
        draw();
        host.querySelector<SVGGElement>('g.frame[tabindex="0"]')?.focus({ preventScroll: true });
      };
      g.addEventListener('click', zoom);
      g.addEventListener('keydown', (ev) => {
        if (ev.key === 'Enter' || ev.key === ' ') {
          ev.preventDefault();
          zoom();
          return;
        }
        let target: HierarchyRectangularNode<FlameNode> | undefined;
        if (ev.key === 'ArrowUp') target = d.parent ?? undefined;
        else if (ev.key === 'ArrowDown') target = d.children?.find((c) => gByNode.has(c));
        else if (ev.key === 'ArrowLeft' || ev.key === 'ArrowRight') {
          const row = levels.get(d.depth) ?? [];
          target = row[row.indexOf(d) + (ev.key === 'ArrowLeft' ? -1 : 1)];
        } else return;
        ev.preventDefault();
        const next = target && gByNode.get(target);
        if (next) next.focus();
      });
      g.addEventListener('focus', () => {
        svg.querySelector('g.frame[tabindex="0"]')?.setAttribute('tabindex', '-1');
        g.setAttribute('tabindex', '0');
      });
      svg.appendChild(g);
    }
    for (const d of visible) {
      const row = levels.get(d.depth);
      if (row) row.push(d);
      else levels.set(d.depth, [d]);
    }
    for (const row of levels.values()) row.sort((x, y) => x.x0 - y.x0);
    (gByNode.get(focus) ?? gByNode.get(laid))?.setAttribute('tabindex', '0');
    host.appendChild(svg);
    const m = matchedMs(tree, query);
    status.textContent = query ? `“${query}”: ${fmtMs(m)} (${fmtPct(total ? m / tree.valueMs : 0, 1)} of samples)` : focusPath.length ? `Zoomed into ${focus.data.name}` : '';
  };
  search.addEventListener('input', () => {
    query = search.value.trim();
    draw();
  });
  reset.addEventListener('click', () => {
    focusPath = [];
    draw();
  });

  s.appendChild(hotTable(p.hotFunctions, p.timed, (name) => {
    search.value = name;
    query = name;
    draw();
    host.scrollIntoView({ block: 'nearest' });
  }));
  return { element: s, init: draw };
}

function nodeKey(n: FlameNode): string {
  return `${n.name}\u0000${n.location ?? ''}`;
}

/** Origin hue, lightness varied by name so neighbours stay distinguishable. */
function frameColor(n: FlameNode): string {
  let hash = 0;
  for (let i = 0; i < n.name.length; i++) hash = (hash * 31 + n.name.charCodeAt(i)) | 0;
  const shade = (Math.abs(hash) % 5) * 0.06;
  return `color-mix(in srgb, ${ORIGIN_COLOR[n.origin]} ${Math.round(100 - shade * 100)}%, white)`;
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

function hotTable(fns: HotFunction[], timed: boolean, find: (name: string) => void): HTMLElement {
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
