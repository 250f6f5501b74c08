import type { FrameOrigin } from '../../../../analyzer/model/profile.js';
import { h } from '../../dom.js';
import { ORIGIN_COLOR, ORIGIN_LABEL } from '../../palette.js';

export const ORIGINS: FrameOrigin[] = ['app', 'dependency', 'runtime'];

/** One checkbox per frame origin, all checked; `onChange` gets the origins still checked after each change. */
export function originFilters(onChange: (keep: ReadonlySet<FrameOrigin>) => void): HTMLFieldSetElement {
  const keep = new Set<FrameOrigin>(ORIGINS);
  const filters = h('fieldset', { class: 'filters' }, h('legend', null, 'Show frames from'));
  for (const o of ORIGINS) {
    const box = h('input', { attrs: { type: 'checkbox', id: `origin-${o}` } });
    box.checked = true;
    box.addEventListener('change', () => {
      if (box.checked) keep.add(o);
      else keep.delete(o);
      onChange(keep);
    });
    const sw = h('span', { class: 'swatch', attrs: { 'aria-hidden': 'true' } });
    sw.style.background = ORIGIN_COLOR[o];
    filters.appendChild(h('label', { class: 'filter' }, box, sw, ORIGIN_LABEL[o]));
  }
  return filters;
}
