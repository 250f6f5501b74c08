// Drives a running app with autocannon under a fixed load: `connections` concurrent clients send exactly
// `amount` requests to each path in turn, so the request count, and with it the truth, is deterministic.
// `client: 'fetch' | 'fetch-unlimited' | 'agent'` drives it with pooled clients instead (lib/pooled-load.mjs).
//
//   node samples/load.mjs --url http://127.0.0.1:3000 --connections 4 --amount 100 --path /orders [--path /x]
import autocannon from 'autocannon';
import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';
import { runPooledLoad, SENT_HEADER, sentNow } from './lib/pooled-load.mjs';

/**
 * @param {{ url: string, connections: number, amount: number, paths: string[], client?: import('./load.mjs').LoadClient }} load
 * @returns {Promise<{ path: string, requests: number, errors: number, non2xx: number, durationMs: number, latencyMeanMs: number }[]>}
 */
export async function runLoad({ url, connections, amount, paths, client = 'autocannon' }) {
  const results = [];
  for (const path of paths) {
    if (client !== 'autocannon') {
      results.push(await runPooledLoad({ url, client, connections, amount, path }));
      continue;
    }
    // Each request stamped when it is built, right before it is written (an app may time the wait from there).
    const stamp = (req) => ({ ...req, headers: { ...req.headers, [SENT_HEADER]: sentNow() } });
    const r = await autocannon({ url: new URL(path, url).href, connections, amount, timeout: 30, requests: [{ setupRequest: stamp }] });
    const requests = r['2xx'] + r.non2xx;
    results.push({
      path,
      requests,
      errors: r.errors + r.timeouts,
      non2xx: r.non2xx,
      durationMs: r.duration * 1000,
      latencyMeanMs: r.latency.mean,
    });
  }
  const bad = results.filter((r) => r.errors > 0 || r.non2xx > 0 || r.requests !== amount);
  if (bad.length) throw new Error(`load failed: ${JSON.stringify(bad)}`);
  return results;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const { values } = parseArgs({
    options: {
      url: { type: 'string' },
      connections: { type: 'string', default: '4' },
      amount: { type: 'string', default: '100' },
      path: { type: 'string', multiple: true, default: ['/'] },
      client: { type: 'string', default: 'autocannon' },
    },
  });
  if (!values.url) throw new Error('--url is required');
  const results = await runLoad({
    url: values.url,
    connections: Number(values.connections),
    amount: Number(values.amount),
    paths: values.path,
    client: values.client,
  });
  for (const r of results) console.log(`${r.path}: ${r.requests} requests, mean ${r.latencyMeanMs.toFixed(1)} ms, ${r.durationMs.toFixed(0)} ms total`);
}
