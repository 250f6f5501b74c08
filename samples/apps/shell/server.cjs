'use strict';
// Shell: each request runs a short external command with execSync on the event loop (as a handler shelling out to
// `git`, `convert` or a script would). The thread is blocked in the synchronous spawn, not computing: the command
// sleeps in its own process. Under concurrent load every other request waits behind the block.
const { execSync } = require('node:child_process');
const { setImmediate: nextTurn } = require('node:timers/promises');
const express = require('express');
const { serve, Series } = require('../../lib/serve.cjs');

const SLEEP_MS = Number(process.env.SLEEP_MS ?? 30);
const COMMAND = `sleep ${(SLEEP_MS / 1000).toFixed(3)}`;

async function main() {
  // The app's own timing of each blocking call (blocking), of each request from handler start to response finish
  // (request), and of the queueing each block causes: its duration × the other requests in flight (delayed).
  const blocking = new Series();
  const request = new Series();
  const delayed = new Series();
  let inFlight = 0;
  const app = express();
  app.get('/status', async (req, res) => {
    const t0 = performance.now();
    inFlight += 1;
    res.on('finish', () => {
      inFlight -= 1;
      request.add(performance.now() - t0);
    });
    // One turn of the event loop first, as a handler awaiting a session would: requests overlap and queue.
    await nextTurn();
    const b0 = performance.now();
    const out = execSync(COMMAND, { encoding: 'utf8' }); // the planted blocking call
    const blockMs = performance.now() - b0;
    blocking.add(blockMs);
    delayed.add(blockMs * (inFlight - 1));
    res.json({ ok: true, bytes: out.length });
  });

  serve(app, { name: 'shell', stats: () => ({ sleepMs: SLEEP_MS, blocking, delayed, request }) });
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
