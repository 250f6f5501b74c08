import type { WaterfallSpan } from '../../../../analyzer/model/analysis.js';

/** What a row's keys can do to it. */
export interface RowActions {
  span: WaterfallSpan;
  hasChildren: boolean;
  isFolded(): boolean;
  open(): void;
  toggle(): void;
}

/** How far each moving key goes, given the number of rows. */
const STEP = new Map<string, (rows: number) => number>([
  ['ArrowDown', () => 1],
  ['ArrowUp', () => -1],
  ['PageDown', () => 10],
  ['PageUp', () => -10],
  ['Home', (rows) => -rows],
  ['End', (rows) => rows],
]);

/**
 * Keyboard for one waterfall row, as a tree view: Enter or Space opens the span's details, Right unfolds, Left folds
 * (or goes to the parent of a leaf or folded span), Up/Down/PageUp/PageDown/Home/End move between rows. The trace
 * is one Tab stop (roving tabindex): the focused row holds tabindex 0, every other row -1.
 */
export function attachRowKeys(node: SVGGElement, svg: SVGSVGElement, row: RowActions): void {
  node.addEventListener('keydown', (ev) => {
    if (ev.key === 'Enter' || ev.key === ' ') {
      ev.preventDefault();
      row.open();
    } else if (ev.key === 'ArrowRight' || ev.key === 'ArrowLeft') {
      ev.preventDefault();
      const folded = row.isFolded();
      if (row.hasChildren && (ev.key === 'ArrowRight' ? folded : !folded)) row.toggle();
      else if (ev.key === 'ArrowLeft' && row.span.parentSpanId) rowOf(svg, row.span.parentSpanId)?.focus();
    } else {
      const step = STEP.get(ev.key);
      if (!step) return;
      ev.preventDefault();
      const all = Array.from(svg.querySelectorAll<SVGGElement>('g.wf-row'));
      const at = all.indexOf(node);
      all[Math.max(0, Math.min(all.length - 1, at + step(all.length)))]?.focus();
    }
  });
  node.addEventListener('focus', () => {
    svg.querySelector('g.wf-row[tabindex="0"]')?.setAttribute('tabindex', '-1');
    node.setAttribute('tabindex', '0');
  });
}

/** The row of a span, if it is drawn. */
export function rowOf(host: Element, spanId: string): SVGGElement | null {
  return host.querySelector<SVGGElement>(`g.wf-row[data-span="${CSS.escape(spanId)}"]`);
}
