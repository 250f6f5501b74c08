'use strict';
// Saturated: many small requests, each only a few milliseconds of synchronous JavaScript (a price quote computed
// on the event loop), none long enough to count as blocking. Under concurrent load the loop is busy all the time and
// every request waits for the ones ahead of it, before its first span: one process has reached its capacity. The
// answer is capacity (event-loop time per request and the rate it allows), not a single slow call.
const express = require('express');
const { serve, Series } = require('../../lib/serve.cjs');

const QUOTE_MS = Number(process.env.QUOTE_MS ?? 3);
const PRICE_MS = Number(process.env.PRICE_MS ?? 1);

/** Prices `ms` milliseconds of wall time' worth of a small Monte Carlo: real JavaScript, bounded by time. */
function monteCarloPrice(seed, ms) {
  const end = performance.now() + ms;
  let x = seed;
  let sum = 0;
  let n = 0;
  while (performance.now() < end) {
    for (let i = 0; i < 200; i++) {
      x = (x * 1103515245 + 12345) & 0x7fffffff;
      sum += Math.exp(-((x / 0x7fffffff) ** 2));
      n++;
    }
  }
  return sum / n;
}

async function main() {
  // All of each handler's synchronous JavaScript, per route and together; and each request, handler start to finish.
  const handler = new Series();
  const quote = new Series();
  const price = new Series();
  const request = new Series();
  // From when the client sent the request (its x-timesink-sent-us stamp, same machine, same clock) to the app's first
  // middleware: the wait before the first span, parsing included, that no span shows.
  const beforeHandler = new Series();
  // The event loop's own measure of its busy time (libuv: time not spent waiting for I/O), first request to last
  // response: everything the loop ran for the requests (HTTP parsing, express, the handlers, the recorder), per request.
  let eluAtFirst;
  let eluServing;
  const app = express();
  // The first thing the app runs for a request, right after Node emits it (when the server span starts).
  app.use((req, _res, next) => {
    const sentUs = Number(req.headers['x-timesink-sent-us']);
    if (sentUs > 0) beforeHandler.add(Math.max(0, (performance.timeOrigin + performance.now()) * 1000 - sentUs) / 1000);
    next();
  });
  const route = (path, ms, series) =>
    app.get(path, (req, res) => {
      const t0 = performance.now();
      eluAtFirst ??= performance.eventLoopUtilization();
      res.on('finish', () => {
        request.add(performance.now() - t0);
        eluServing = performance.eventLoopUtilization(eluAtFirst);
      });
      const value = monteCarloPrice(Number(req.params.id) + 1, ms);
      res.json({ id: req.params.id, value });
      const spent = performance.now() - t0;
      handler.add(spent);
      series.add(spent);
    });
  route('/quote/:id', QUOTE_MS, quote);
  route('/price/:id', PRICE_MS, price);

  serve(app, {
    name: 'saturated',
    stats: () => ({
      handler,
      quote,
      price,
      request,
      beforeHandler,
      loop: { activeMs: eluServing?.active ?? 0, utilization: eluServing?.utilization ?? 0, requests: request.count },
    }),
  });
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
