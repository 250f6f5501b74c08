import type { FlameFrame } from './layout.js';

/** The drawn frames, for moving between them. */
export interface FrameIndex {
  elementOf: ReadonlyMap<FlameFrame, SVGGElement>;
  /** Drawn frames per depth, left to right. */
  levels: ReadonlyMap<number, FlameFrame[]>;
}

/** Drawn frames grouped by depth and sorted left to right. */
export function levelsOf(frames: FlameFrame[]): Map<number, FlameFrame[]> {
  const levels = new Map<number, FlameFrame[]>();
  for (const d of frames) {
    const row = levels.get(d.depth);
    if (row) row.push(d);
    else levels.set(d.depth, [d]);
  }
  for (const row of levels.values()) row.sort((x, y) => x.x0 - y.x0);
  return levels;
}

/**
 * Keyboard for one frame: Enter or Space zooms into it; arrows walk the tree (Up: the caller, Down: the widest
 * drawn callee, Left/Right: the neighbour at the same depth). The graph is one Tab stop (roving tabindex).
 */
export function attachFrameKeys(g: SVGGElement, svg: SVGSVGElement, d: FlameFrame, index: FrameIndex, zoom: () => void): void {
  g.addEventListener('keydown', (ev) => {
    if (ev.key === 'Enter' || ev.key === ' ') {
      ev.preventDefault();
      zoom();
      return;
    }
    let target: FlameFrame | undefined;
    if (ev.key === 'ArrowUp') target = d.parent ?? undefined;
    else if (ev.key === 'ArrowDown') target = d.children?.find((c) => index.elementOf.has(c));
    else if (ev.key === 'ArrowLeft' || ev.key === 'ArrowRight') {
      const row = index.levels.get(d.depth) ?? [];
      target = row[row.indexOf(d) + (ev.key === 'ArrowLeft' ? -1 : 1)];
    } else return;
    ev.preventDefault();
    const next = target && index.elementOf.get(target);
    if (next) next.focus();
  });
  g.addEventListener('focus', () => {
    svg.querySelector('g.frame[tabindex="0"]')?.setAttribute('tabindex', '-1');
    g.setAttribute('tabindex', '0');
  });
}
