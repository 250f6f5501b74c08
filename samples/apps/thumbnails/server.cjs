'use strict';
// Thumbnails: each request blurs its source image synchronously on the event loop for BURN_MS (real work,
// bounded by time). Under concurrent load every other request queues behind that work. The sources are held in
// memory, as an image cache would: a file read per request would add thread-pool waiting under load, and the
// sample's truth is "computing and queued, no waiting". The handler yields once before the blur, as any
// await would (middleware, a cache lookup): that is where a request starts to queue behind the others' blurs.
const { setImmediate: yieldToLoop } = require('node:timers/promises');
const express = require('express');
const { serve, Series } = require('../../lib/serve.cjs');
const { blurFor, samplePixels } = require('./burn.cjs');

const BURN_MS = Number(process.env.BURN_MS ?? 10);

async function main() {
  const sources = Array.from({ length: 8 }, (_, i) => samplePixels(i + 1));

  const burn = new Series();
  // All of the handler's synchronous JavaScript: the burn, plus the statements before the yield and the
  // response (JSON, headers, the socket write). Computing is this, not only the planted burn.
  const handler = new Series();
  const request = new Series();
  const app = express();
  app.get('/thumbnail/:id', async (req, res) => {
    const t0 = performance.now();
    res.on('finish', () => request.add(performance.now() - t0));
    const pending = yieldToLoop(sources[Number(req.params.id) % 8]);
    const beforeYield = performance.now() - t0;
    const source = await pending;
    const b0 = performance.now();
    const { checksum } = blurFor(source, BURN_MS);
    burn.add(performance.now() - b0);
    res.json({ id: req.params.id, checksum });
    handler.add(beforeYield + performance.now() - b0);
  });

  serve(app, {
    name: 'thumbnails',
    stats: () => ({ burnTargetMs: BURN_MS, burn, handler, request }),
  });
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
