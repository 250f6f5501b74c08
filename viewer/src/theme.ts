import { h } from './dom.js';

const KEY = 'timesink-theme';

/** Light/dark: follows prefers-color-scheme until the reader picks one with the toggle (remembered if storage works). */
export function themeToggle(): HTMLButtonElement {
  const root = document.documentElement;
  let stored: string | null = null;
  try {
    stored = localStorage.getItem(KEY);
  } catch {
    // file:// in some browsers forbids storage; the toggle still works for this page view.
  }
  if (stored === 'dark' || stored === 'light') root.dataset.theme = stored;
  const current = (): 'dark' | 'light' =>
    (root.dataset.theme as 'dark' | 'light' | undefined) ?? (window.matchMedia?.('(prefers-color-scheme: dark)').matches ? 'dark' : 'light');
  const btn = h('button', { class: 'theme-toggle', attrs: { type: 'button' } });
  const label = (): void => {
    const next = current() === 'dark' ? 'light' : 'dark';
    btn.textContent = next === 'dark' ? 'Dark theme' : 'Light theme';
    btn.setAttribute('aria-label', `Switch to the ${next} theme`);
  };
  btn.addEventListener('click', () => {
    const next = current() === 'dark' ? 'light' : 'dark';
    root.dataset.theme = next;
    try {
      localStorage.setItem(KEY, next);
    } catch {
      // see above
    }
    label();
  });
  label();
  return btn;
}
