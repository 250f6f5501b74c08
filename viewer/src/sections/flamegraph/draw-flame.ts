import { attachFrameKeys, levelsOf } from './frame-keys.js';
import { drawFrame, ROW } from './frame.js';
import type { FlameFrame, FlameLayout } from './layout.js';

const SVG = 'http://www.w3.org/2000/svg';

/**
 * The laid-out icicle as one SVG: every visible frame clipped to the width, keyboard-walkable, zooming into a frame
 * on click or Enter. The zoomed-into frame (or the root) holds the graph's Tab stop.
 */
export function drawFlame(layout: FlameLayout, widthPx: number, query: string, zoomInto: (frame: FlameFrame) => void): SVGSVGElement {
  const { root, focus, visible, px } = layout;
  const maxDepth = visible.reduce((m, d) => Math.max(m, d.depth), 0);
  const svg = document.createElementNS(SVG, 'svg');
  svg.setAttribute('width', String(widthPx));
  svg.setAttribute('height', String((maxDepth + 1) * ROW));
  svg.setAttribute('class', 'flame');
  svg.setAttribute('role', 'group');
  svg.setAttribute('aria-label', 'Flamegraph');
  const totalMs = root.value ?? 0;
  const elementOf = new Map<FlameFrame, SVGGElement>();
  const index = { elementOf, levels: levelsOf(visible) };
  for (const d of visible) {
    const x0 = Math.max(0, px(d.x0));
    const x1 = Math.min(widthPx, px(d.x1));
    const g = drawFrame(d, x0, x1 - x0, query, totalMs);
    elementOf.set(d, g);
    const zoom = (): void => zoomInto(d);
    g.addEventListener('click', zoom);
    attachFrameKeys(g, svg, d, index, zoom);
    svg.appendChild(g);
  }
  (elementOf.get(focus) ?? elementOf.get(root))?.setAttribute('tabindex', '0');
  return svg;
}
