'use strict';
// Files: renders a page from a template and hundreds of tiny partials, read with readFileSync on the request
// path. Each read is quick, but together they block the event loop, and concurrent requests queue behind.
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { setImmediate: nextTurn } = require('node:timers/promises');
const express = require('express');
const { serve, Series } = require('../../lib/serve.cjs');

const PARTIALS = Number(process.env.PARTIALS ?? 100);
const PAGES = { home: { title: 'Home' } };

function seed(dir) {
  fs.writeFileSync(path.join(dir, 'layout.html'), '<html><body>{{body}}</body></html>\n'.repeat(2000));
  fs.mkdirSync(path.join(dir, 'partials'), { recursive: true });
  for (let i = 0; i < PARTIALS; i++) fs.writeFileSync(path.join(dir, 'partials', `p${i}.html`), `<div class="p${i}">item ${i}</div>\n`);
}

async function main() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'timesink-files-'));
  seed(dir);

  const layoutPath = path.join(dir, 'layout.html');
  const partialPaths = Array.from({ length: PARTIALS }, (_, i) => path.join(dir, 'partials', `p${i}.html`));
  const blocking = new Series();
  const request = new Series();
  // Each block holds up every other request in flight (between handler start and response finish): their
  // callbacks cannot run until it ends. delayed sums block × (requests in flight - 1): the queueing the
  // synchronous reads cause, measured by the app, which asynchronous reads would remove.
  const delayed = new Series();
  let inFlight = 0;
  const app = express();
  app.get('/page/:name', async (req, res) => {
    const t0 = performance.now();
    inFlight += 1;
    res.on('finish', () => {
      inFlight -= 1;
      request.add(performance.now() - t0);
    });
    // One turn of the event loop first (as a handler awaiting a session or a cache would), so requests overlap
    // and the ones in flight queue behind each other's blocks. Not an async read: the thread pool's time under CPU
    // load is real file-system waiting that the app cannot time, and the truth would leave it out.
    await nextTurn();
    // The timed block is the synchronous reads and nothing else (paths are ready, the joining comes after),
    // so that all of it is file-system time.
    const b0 = performance.now();
    const layout = fs.readFileSync(layoutPath, 'utf8');
    const parts = [];
    for (const p of partialPaths) parts.push(fs.readFileSync(p, 'utf8'));
    const blockMs = performance.now() - b0;
    blocking.add(blockMs);
    delayed.add(blockMs * (inFlight - 1));
    const body = parts.join('');
    const page = PAGES[req.params.name] ?? PAGES.home;
    res.type('html').send(layout.slice(0, 200).replace('{{body}}', `<h1>${page.title}</h1>${body.length}`));
  });

  serve(app, {
    name: 'files',
    stats: () => ({ partials: PARTIALS, blocking, delayed, request }),
    onClose: async () => fs.rmSync(dir, { recursive: true, force: true }),
  });
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
