'use strict';
// Gateway: /dashboard calls three independent upstreams one after the other (sequential I/O: they could run
// together); /search calls an upstream with a heavy tail and no timeout (missing timeout). The upstreams run
// in a separate process this app starts, so their time is network waiting in the gateway's traces.
const path = require('node:path');
const express = require('express');
const { serve, Series } = require('../../lib/serve.cjs');
const { startHelper } = require('../../lib/child.cjs');

async function main() {
  const upstream = await startHelper(path.join(__dirname, 'upstream.cjs'), [], { PORT: '0' });
  const base = `http://${upstream.host}:${upstream.port}`;
  // The app's own timing, printed at shutdown as truth-stats: each request (handler start → response finish),
  // each upstream call from the call to its parsed body (upstream) and from the call to when the upstream sent
  // its answer (answered: the upstream stamps it on the same wall clock). upstream − answered is the reply
  // waiting for this thread (busy with other work, or not scheduled).
  const upstreamCalls = new Series();
  const answered = new Series();
  const request = new Series();
  const wallNow = () => performance.timeOrigin + performance.now();
  const getJson = async (route) => {
    const t0 = wallNow();
    const res = await fetch(`${base}${route}`);
    const body = await res.json();
    const t1 = wallNow();
    upstreamCalls.add(t1 - t0);
    answered.add(Number.isFinite(body.answeredMs) ? Math.min(t1, Math.max(t0, body.answeredMs)) - t0 : t1 - t0);
    return body;
  };
  const timeRequest = (res) => {
    const t0 = performance.now();
    res.on('finish', () => request.add(performance.now() - t0));
  };

  const app = express();
  // What running the three dashboard calls together would save, per request: their sum minus the longest.
  const parallelSaving = new Series();
  const timedJson = async (route) => {
    const t0 = performance.now();
    const body = await getJson(route);
    return { body, ms: performance.now() - t0 };
  };
  app.get('/dashboard', async (_req, res) => {
    timeRequest(res);
    const profile = await timedJson('/profile');
    const inventory = await timedJson('/inventory');
    const pricing = await timedJson('/pricing');
    const calls = [profile.ms, inventory.ms, pricing.ms];
    parallelSaving.add(calls.reduce((a, b) => a + b, 0) - Math.max(...calls));
    res.json({ profile: profile.body, inventory: inventory.body, pricing: pricing.body });
  });
  app.get('/search', async (req, res) => {
    timeRequest(res);
    // No AbortSignal.timeout(): a slow upstream holds the request as long as it likes.
    const results = await getJson(`/search?q=${encodeURIComponent(String(req.query.q ?? ''))}`);
    res.json(results);
  });

  serve(app, { name: 'gateway', stats: () => ({ upstream: upstreamCalls, answered, parallelSaving, request }), onClose: upstream.stop });
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
