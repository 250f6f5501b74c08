import { hierarchy, partition, type HierarchyRectangularNode } from 'd3';
import type { FlameNode } from '../../../../analyzer/model/analysis.js';
import { selfMs } from '../../flame-tree.js';

export type FlameFrame = HierarchyRectangularNode<FlameNode>;

/** The icicle laid out for one width: the whole tree, the frame zoomed into, and the frames wide enough to draw. */
export interface FlameLayout {
  root: FlameFrame;
  focus: FlameFrame;
  /** Frames inside the zoomed-into frame's range and at least half a pixel wide, root first. */
  visible: FlameFrame[];
  /** Partition coordinate (0..1 over the whole tree) to px, zoomed. */
  px(v: number): number;
}

/** A frame's identity among its siblings, kept across redraws to remember the zoom. */
export function nodeKey(n: FlameNode): string {
  return `${n.name}\u0000${n.location ?? ''}`;
}

/** The keys from the root down to a frame (the root itself excluded): what zooming into it remembers. */
export function pathTo(frame: FlameFrame): string[] {
  return frame.ancestors().reverse().slice(1).map((n) => nodeKey(n.data));
}

/**
 * Lays out the tree with d3-hierarchy's partition (widths by total time, callees sorted widest first) and zooms
 * into the frame reached by following `focusPath` from the root, as far as it still exists.
 */
export function layoutFlame(tree: FlameNode, focusPath: string[], widthPx: number): FlameLayout {
  const root = partition<FlameNode>().size([1, 1])(
    hierarchy<FlameNode>(tree, (d) => d.children)
      .sum((d) => selfMs(d))
      .sort((x, y) => (y.value ?? 0) - (x.value ?? 0)),
  );
  let focus: FlameFrame = root;
  for (const key of focusPath) {
    const next = focus.children?.find((c) => nodeKey(c.data) === key);
    if (!next) break;
    focus = next;
  }
  const span = Math.max(focus.x1 - focus.x0, 1e-12);
  const px = (v: number): number => ((v - focus.x0) / span) * widthPx;
  const visible = root.descendants().filter((d) => {
    if (d.x1 <= focus.x0 || d.x0 >= focus.x1) return false;
    return px(Math.min(d.x1, focus.x1)) - px(Math.max(d.x0, focus.x0)) >= 0.5;
  });
  return { root, focus, visible, px };
}
