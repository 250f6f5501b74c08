import './styles.css';
import { SCHEMA_VERSION } from '../../analyzer/model/analysis.js';
import { append, h } from './dom.js';
import { DATA_ELEMENT_ID, type Payload } from './payload.js';
import { readPayload } from './read-payload.js';
import { renderAnswer } from './sections/answer.js';
import { renderDiffView } from './sections/diff-view.js';
import { renderEndpoints } from './sections/endpoints.js';
import { renderFixes } from './sections/fixes.js';
import { renderFlamegraph } from './sections/flamegraph.js';
import { renderHeader } from './sections/header.js';
import { renderTimelines } from './sections/timelines.js';
import { renderWaterfall, type Waterfall } from './sections/waterfall.js';
import { themeToggle } from './theme.js';

declare global {
  interface Window {
    /** performance.now() when the report finished its first render (read by the tests). */
    __timesinkReadyMs?: number;
  }
}

interface Part {
  element: HTMLElement;
  /** Drawing that needs the element in the document (its width). */
  init?: () => void;
}

/** A section that throws shows a message instead of taking the whole report down. */
function guarded(name: string, build: () => HTMLElement | Part): Part {
  try {
    const built = build();
    return built instanceof HTMLElement ? { element: built } : built;
  } catch (err) {
    console.error(`timesink: the ${name} section failed`, err);
    return { element: h('section', { class: 'section' }, h('h2', null, name), h('p', { class: 'banner regressed' }, `This section could not be drawn: ${String(err)}`)) };
  }
}

/** Reports from a newer timesink may carry fields this viewer does not know; say so rather than guess. */
function schemaNotice(schemaVersion: unknown): HTMLElement | null {
  if (schemaVersion === SCHEMA_VERSION) return null;
  return h('p', { class: 'banner warnings-box' }, `This report's data has schema version ${String(schemaVersion)}; this viewer knows version ${SCHEMA_VERSION}. Some parts may be missing.`);
}

function nav(title: string, links: [string, string][]): HTMLElement {
  return h(
    'header',
    { class: 'topbar' },
    h('a', { class: 'skip', attrs: { href: '#answer' } }, 'Skip to the answer'),
    h('span', { class: 'brand' }, title),
    h('nav', { attrs: { 'aria-label': 'Sections' } }, ...links.map(([id, label]) => h('a', { attrs: { href: `#${id}` } }, label))),
    themeToggle(),
  );
}

async function main(): Promise<void> {
  const app = document.getElementById('app');
  const dataEl = document.getElementById(DATA_ELEMENT_ID);
  if (!app || !dataEl) return;
  let payload: Payload;
  try {
    payload = await readPayload(dataEl);
    performance.mark('timesink:data-read');
  } catch (err) {
    console.error('timesink: cannot read the report data', err);
    app.appendChild(h('p', { class: 'banner regressed' }, `This report's data could not be read (${String(err)}). Large reports need a browser with DecompressionStream (Chrome 80, Firefox 113, Safari 16.4 or later).`));
    return;
  }
  const content = h('main', { id: 'content' });
  const afterMount: (() => void)[] = [];

  if (payload.kind === 'diff') {
    app.appendChild(nav('timesink diff', [['answer', 'Verdict'], ['overall', 'Latency'], ['categories', 'Categories'], ['endpoints', 'Endpoints'], ['fixes', 'Fixes']]));
    append(content, schemaNotice(payload.before.schemaVersion), schemaNotice(payload.after.schemaVersion));
    const { before, after, diff } = payload;
    let views: HTMLElement[];
    try {
      views = renderDiffView(before, after, diff);
    } catch (err) {
      console.error('timesink: the diff failed', err);
      views = [h('p', { class: 'banner regressed' }, `The comparison could not be drawn: ${String(err)}`)];
    }
    append(content, ...views);
  } else {
    const a = payload.analysis;
    app.appendChild(
      nav('timesink report', [
        ['answer', 'Answer'],
        ['fixes', 'Fixes'],
        ['endpoints', 'Endpoints'],
        ['waterfall', 'Traces'],
        ['flamegraph', 'Profile'],
        ['timelines', 'Runtime'],
      ]),
    );
    // Built below, after the sections whose buttons open it; they call it only on click.
    let waterfall: Waterfall | null = null;
    const open = (traceId: string, spanIds: string[]): void => {
      waterfall?.show(traceId, spanIds);
    };
    const parts = [
      guarded('What was analyzed', () => renderHeader(a)),
      guarded('Waiting or computing?', () => renderAnswer(a)),
      guarded('What to change first', () => renderFixes(a, open)),
      guarded('Endpoints', () => renderEndpoints(a, open)),
      guarded('Trace waterfall', () => (waterfall = renderWaterfall(a))),
      guarded('CPU profile', () => renderFlamegraph(a)),
      guarded('Runtime over time', () => renderTimelines(a)),
    ];
    append(content, schemaNotice(a.schemaVersion), ...parts.map((p) => p.element));
    for (const p of parts) if (p.init) afterMount.push(p.init);
  }
  content.appendChild(h('footer', { class: 'muted small' }, 'Made by timesink. This file is self-contained: it loads nothing from the network.'));
  app.appendChild(content);
  for (const fn of afterMount) {
    try {
      fn();
    } catch (err) {
      console.error('timesink: a chart failed to draw', err);
    }
  }
  window.__timesinkReadyMs = performance.now();
  document.documentElement.dataset.ready = 'true';
}

void main();
