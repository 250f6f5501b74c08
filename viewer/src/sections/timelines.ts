import { area, axisBottom, axisLeft, bisector, curveStepAfter, curveLinear, line, max, pointer, scaleLinear, select, type ScaleLinear } from 'd3';
import type { Analysis, Timeline } from '../../../analyzer/model/analysis.js';
import { absent, h, section } from '../dom.js';
import { fmtClock, fmtMs } from '../format.js';

interface Series {
  label: string;
  color: string;
  points: [number, number][];
  kind: 'line' | 'area' | 'bars';
  /** Counts change in steps (requests in flight); samples are interpolated. */
  step?: boolean;
}

export interface Timelines {
  element: HTMLElement;
  init(): void;
}

/** Event-loop delay, utilisation, GC pauses and requests in flight over each recorded process's lifetime. */
export function renderTimelines(a: Analysis): Timelines {
  const s = section('timelines', 'Runtime over time');
  if (a.timelines.length === 0) {
    s.appendChild(absent('No runtime samples in these inputs (foreign traces carry none) — record with ', 'node --require timesink/register app.js'));
    return { element: s, init: () => undefined };
  }
  const hosts: { host: HTMLElement; t: Timeline }[] = [];
  for (const t of a.timelines) {
    const host = h('div', { class: 'timeline' });
    s.append(h('h3', null, `Process ${t.pid}`), host);
    if (t.profilerActive) s.appendChild(h('p', { class: 'muted small' }, 'The CPU profiler ran during this recording: event-loop utilisation reads a little high while it samples.'));
    hosts.push({ host, t });
  }
  const init = (): void => {
    for (const { host, t } of hosts) drawTimeline(host, t);
  };
  return { element: s, init };
}

function drawTimeline(host: HTMLElement, t: Timeline): void {
  const width = Math.max(600, host.clientWidth || 900);
  const end = Math.max(max(t.points, (p) => p.tMs) ?? 0, max(t.concurrency, (c) => c.tMs) ?? 0, max(t.gc, (g) => g.tMs + g.durationMs) ?? 0, 1);
  const domain: [number, number] = [0, end];
  if (t.points.length) {
    host.appendChild(
      chart('Event-loop delay (ms)', width, domain, [
        { label: 'p99', color: '#4477AA', kind: 'line', points: t.points.map((p) => [p.tMs, p.loopDelayP99Ms]) },
        { label: 'max', color: '#EE6677', kind: 'line', points: t.points.map((p) => [p.tMs, p.loopDelayMaxMs]) },
      ]),
    );
    host.appendChild(
      chart('Utilisation (%)', width, domain, [
        { label: 'event-loop utilisation', color: '#AA3377', kind: 'area', points: t.points.map((p) => [p.tMs, p.elu * 100]) },
        { label: 'CPU', color: '#228833', kind: 'line', points: t.points.map((p) => [p.tMs, p.cpuPct]) },
      ], 100),
    );
    host.appendChild(chart('Heap used (MB)', width, domain, [{ label: 'heap', color: '#CCBB44', kind: 'area', points: t.points.map((p) => [p.tMs, p.heapUsedMb]) }]));
  }
  if (t.gc.length) host.appendChild(chart('GC pauses (ms)', width, domain, [{ label: 'pause', color: '#EE7733', kind: 'bars', points: t.gc.map((g) => [g.tMs, g.durationMs]) }]));
  if (t.concurrency.length) host.appendChild(chart('Requests in flight', width, domain, [{ label: 'in flight', color: '#66CCEE', kind: 'area', step: true, points: t.concurrency.map((c) => [c.tMs, c.inFlight]) }]));
}

function chart(title: string, width: number, domain: [number, number], series: Series[], yMax?: number): HTMLElement {
  const height = 130;
  const m = { top: 8, right: 16, bottom: 22, left: 48 };
  const x = scaleLinear().domain(domain).range([m.left, width - m.right]);
  const top = yMax ?? Math.max(1e-3, ...series.flatMap((s) => s.points.map((p) => p[1])));
  const y = scaleLinear().domain([0, top]).nice().range([height - m.bottom, m.top]);
  const legend = h('div', { class: 'legend small' });
  for (const s of series) {
    const sw = h('span', { class: 'swatch', attrs: { 'aria-hidden': 'true' } });
    sw.style.background = s.color;
    legend.appendChild(h('span', { class: 'legend-item' }, sw, s.label));
  }
  const fig = h('figure', { class: 'chart' }, h('figcaption', null, title, ' ', legend));
  const peaks = series.map((s) => `${s.label} peaks at ${round(max(s.points, (p) => p[1]) ?? 0)}`).join(', ');
  const svg = select(fig).append('svg').attr('width', width).attr('height', height).attr('role', 'img').attr('aria-label', `${title} over the recording: ${peaks}`);
  svg.append('g').attr('class', 'axis').attr('transform', `translate(0,${height - m.bottom})`).call(axisBottom(x).ticks(Math.max(2, Math.floor(width / 110))).tickFormat((d) => fmtClock(Number(d), domain[1])));
  svg.append('g').attr('class', 'axis').attr('transform', `translate(${m.left},0)`).call(axisLeft(y).ticks(4));
  for (const s of series) {
    if (s.kind === 'bars') {
      svg
        .append('g')
        .selectAll('rect')
        .data(s.points)
        .join('rect')
        .attr('x', (d) => x(d[0]) - 1)
        .attr('width', 2)
        .attr('y', (d) => y(d[1]))
        .attr('height', (d) => Math.max(1, y(0) - y(d[1])))
        .attr('fill', s.color);
    } else if (s.kind === 'area') {
      svg
        .append('path')
        .datum(s.points)
        .attr('fill', s.color)
        .attr('fill-opacity', 0.35)
        .attr('stroke', s.color)
        .attr('stroke-width', 1.2)
        .attr('d', area<[number, number]>().curve(s.step ? curveStepAfter : curveLinear).x((d) => x(d[0])).y0(y(0)).y1((d) => y(d[1])));
    } else {
      svg
        .append('path')
        .datum(s.points)
        .attr('fill', 'none')
        .attr('stroke', s.color)
        .attr('stroke-width', 1.5)
        .attr('d', line<[number, number]>().x((d) => x(d[0])).y((d) => y(d[1])));
    }
  }
  addReadout(svg.node()!, series, x, m.top, height - m.bottom);
  return fig;
}

function round(v: number): string {
  return v >= 100 ? String(Math.round(v)) : String(Math.round(v * 10) / 10);
}

const byTime = bisector<[number, number], number>((p) => p[0]).center;

/** Hover readout: a vertical rule and the nearest sample of each series. */
function addReadout(svg: SVGSVGElement, series: Series[], x: ScaleLinear<number, number>, top: number, bottom: number): void {
  const root = select(svg);
  const rule = root.append('line').attr('class', 'readout-rule').attr('y1', top).attr('y2', bottom).style('display', 'none');
  const label = root.append('text').attr('class', 'readout').attr('y', top + 10).style('display', 'none');
  svg.addEventListener('mousemove', (ev) => {
    const [px] = pointer(ev, svg);
    const t = x.invert(px);
    const parts = series
      .filter((s) => s.points.length)
      .map((s) => {
        const p = s.points[byTime(s.points, t)]!;
        return `${s.label} ${round(p[1])}`;
      });
    rule.attr('x1', px).attr('x2', px).style('display', null);
    const right = px > Number(svg.getAttribute('width')) * 0.6;
    label
      .attr('x', right ? px - 6 : px + 6)
      .attr('text-anchor', right ? 'end' : 'start')
      .text(`${fmtMs(Math.max(0, t))}: ${parts.join(' · ')}`)
      .style('display', null);
  });
  svg.addEventListener('mouseleave', () => {
    rule.style('display', 'none');
    label.style('display', 'none');
  });
}
