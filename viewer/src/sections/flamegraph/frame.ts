import type { FlameNode } from '../../../../analyzer/model/analysis.js';
import { matchesQuery, selfMs } from '../../flame-tree.js';
import { fmtMs, fmtPct } from '../../format.js';
import { ORIGIN_COLOR, ORIGIN_LABEL } from '../../palette.js';
import type { FlameFrame } from './layout.js';

const SVG = 'http://www.w3.org/2000/svg';
/** Height of one frame, px. */
export const ROW = 18;

/**
 * One frame as an SVG group at its place: a rect coloured by origin, a tooltip with its times, its name when it
 * fits, and an accessible name. Frames that match the search are marked, the others dimmed.
 */
export function drawFrame(d: FlameFrame, x0Px: number, widthPx: number, query: string, totalMs: number): SVGGElement {
  const g = document.createElementNS(SVG, 'g');
  g.setAttribute('transform', `translate(${x0Px},${d.depth * ROW})`);
  const match = matchesQuery(d.data, query);
  g.setAttribute('class', `frame origin-${d.data.origin}${query ? (match ? ' match' : ' dim') : ''}`);
  const rect = document.createElementNS(SVG, 'rect');
  rect.setAttribute('width', String(Math.max(0.5, widthPx - 0.5)));
  rect.setAttribute('height', String(ROW - 1));
  rect.setAttribute('fill', frameColor(d.data));
  g.appendChild(rect);
  const title = document.createElementNS(SVG, 'title');
  const value = d.data.valueMs;
  title.textContent = `${d.data.name}${d.data.location ? ` — ${d.data.location}` : ''}\n${fmtMs(value)} total (${fmtPct(totalMs ? value / totalMs : 0, 1)}), ${fmtMs(selfMs(d.data))} self · ${ORIGIN_LABEL[d.data.origin]}`;
  g.appendChild(title);
  if (widthPx > 36) {
    const text = document.createElementNS(SVG, 'text');
    text.setAttribute('x', '4');
    text.setAttribute('y', String(ROW - 5));
    const maxChars = Math.floor((widthPx - 8) / 6.5);
    text.textContent = d.data.name.length > maxChars ? `${d.data.name.slice(0, Math.max(1, maxChars - 1))}…` : d.data.name;
    g.appendChild(text);
  }
  // Roving tabindex: the flamegraph is one Tab stop (frame-keys.ts).
  g.setAttribute('tabindex', '-1');
  g.setAttribute('role', 'button');
  g.setAttribute('aria-label', `${d.data.name}, ${fmtMs(value)}, ${ORIGIN_LABEL[d.data.origin]}`);
  return g;
}

/** Origin hue, lightness varied by name so neighbours stay distinguishable. */
function frameColor(n: FlameNode): string {
  let hash = 0;
  for (let i = 0; i < n.name.length; i++) hash = (hash * 31 + n.name.charCodeAt(i)) | 0;
  const shade = (Math.abs(hash) % 5) * 0.06;
  return `color-mix(in srgb, ${ORIGIN_COLOR[n.origin]} ${Math.round(100 - shade * 100)}%, white)`;
}
