/**
 * The only way the viewer builds DOM: text goes through text nodes, never through HTML parsing, so
 * a span named `<script>` is shown as those characters. Attribute names are always ours; values from
 * data are never put in href/src/on* attributes.
 */
type Child = Node | string | number | null | undefined | false;

export interface Props {
  class?: string;
  id?: string;
  title?: string;
  attrs?: Record<string, string>;
  on?: Partial<{ [K in keyof HTMLElementEventMap]: (ev: HTMLElementEventMap[K]) => void }>;
}

export function h<K extends keyof HTMLElementTagNameMap>(tag: K, props: Props | null = null, ...children: Child[]): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  if (props) {
    if (props.class) el.className = props.class;
    if (props.id) el.id = props.id;
    if (props.title) el.title = props.title;
    if (props.attrs) for (const [k, v] of Object.entries(props.attrs)) el.setAttribute(k, v);
    if (props.on) {
      for (const [k, fn] of Object.entries(props.on)) el.addEventListener(k, fn as EventListener);
    }
  }
  append(el, ...children);
  return el;
}

export function append(el: Node, ...children: Child[]): void {
  for (const c of children) {
    if (c === null || c === undefined || c === false) continue;
    el.appendChild(typeof c === 'string' || typeof c === 'number' ? document.createTextNode(String(c)) : c);
  }
}

export function clear(el: Node): void {
  while (el.firstChild) el.removeChild(el.firstChild);
}

/** A section with a heading and an anchor the nav links to. */
export function section(id: string, title: string, intro?: string): HTMLElement {
  return h('section', { id, class: 'section', attrs: { 'aria-labelledby': `${id}-title` } }, h('h2', { id: `${id}-title` }, title), intro ? h('p', { class: 'intro' }, intro) : null);
}

/** The sentence a section shows when its data is absent. */
export function absent(text: string, code?: string): HTMLElement {
  return h('p', { class: 'absent' }, text, code ? h('code', null, code) : null, code ? '.' : null);
}
