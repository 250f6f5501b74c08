'use strict';
// Quiet: a sub-millisecond service with nothing worth changing. GET /status/:id answers from memory with a small
// JSON document; the handler's own JavaScript is a few hundred microseconds at most. Any fix proposed here would
// save less than a millisecond per request: the analyzer must say "nothing worth changing", not rank the
// handler's own code as a fix (issue 16: "Make (anonymous) cheaper — 19.4 %" on a 0.7 ms service).
const express = require('express');
const { serve, Series } = require('../../lib/serve.cjs');

const ITEMS = Number(process.env.ITEMS ?? 50);
const catalog = new Map();
for (let i = 0; i < 100; i++) {
  catalog.set(String(i), {
    id: i,
    name: `service ${i}`,
    healthy: i % 7 !== 0,
    checks: Array.from({ length: ITEMS }, (_, k) => ({ name: `check-${k}`, ok: (i + k) % 11 !== 0, ms: (i * k) % 13 })),
  });
}

const handler = new Series();
const app = express();
app.get('/status/:id', (req, res) => {
  const t0 = performance.now();
  const entry = catalog.get(req.params.id);
  if (!entry) {
    res.status(404).json({ error: 'unknown' });
    return;
  }
  // The handler's whole work: summarise the checks (a few µs per check), then send.
  const failing = entry.checks.filter((c) => !c.ok).map((c) => c.name);
  const body = { id: entry.id, name: entry.name, healthy: entry.healthy && failing.length === 0, failing, checks: entry.checks.length };
  handler.add(performance.now() - t0);
  res.json(body);
});

serve(app, { name: 'quiet', stats: () => ({ handler }) });
