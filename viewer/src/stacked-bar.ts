import { CATEGORIES, type Breakdown, type Category } from '../../analyzer/model/categories.js';
import { h } from './dom.js';
import { fmtMs, fmtPct } from './format.js';
import { CATEGORY_COLOR, CATEGORY_LABEL } from './palette.js';

/**
 * One horizontal bar split by category. `scaleMs` lets several bars share a scale (diff view: the
 * "after" bar is shorter when the request got faster); without it the bar fills its container.
 */
export function stackedBar(b: Breakdown, opts: { scaleMs?: number; small?: boolean; label?: string } = {}): HTMLElement {
  const total = CATEGORIES.reduce((a, c) => a + (b[c] ?? 0), 0);
  const bar = h('div', { class: opts.small ? 'sbar small' : 'sbar', attrs: { role: 'img', 'aria-label': opts.label ?? describeBreakdown(b) } });
  const scale = opts.scaleMs && opts.scaleMs > 0 ? opts.scaleMs : total;
  if (total <= 0 || scale <= 0) {
    bar.classList.add('empty');
    return bar;
  }
  for (const c of CATEGORIES) {
    const v = b[c] ?? 0;
    if (v <= 0) continue;
    const seg = h('span', { class: `seg cat-${c}`, title: `${CATEGORY_LABEL[c]}: ${fmtMs(v)} (${fmtPct(v / total)})` });
    seg.style.width = `${(100 * v) / scale}%`;
    seg.style.background = CATEGORY_COLOR[c];
    bar.appendChild(seg);
  }
  return bar;
}

export function describeBreakdown(b: Breakdown): string {
  const total = CATEGORIES.reduce((a, c) => a + (b[c] ?? 0), 0);
  if (total <= 0) return 'no time recorded';
  return CATEGORIES.filter((c) => (b[c] ?? 0) / total >= 0.01)
    .sort((x, y) => b[y] - b[x])
    .map((c) => `${CATEGORY_LABEL[c]} ${fmtPct(b[c] / total)}`)
    .join(', ');
}

export function swatch(c: Category): HTMLElement {
  const s = h('span', { class: 'swatch', attrs: { 'aria-hidden': 'true' } });
  s.style.background = CATEGORY_COLOR[c];
  return s;
}
