// Closed-loop load from clients that pool their connections, as browsers, proxies and service clients do: `connections`
// concurrent callers share a pool of keep-alive connections and each request goes out on whichever connection is
// free, not on the caller's own (autocannon gives each caller its own connection). Loopback, bounded in count and time.
//   fetch: Node's fetch on an undici Agent limited to `connections` connections per origin;
//   fetch-unlimited: Node's fetch on an undici Agent with no limit, as the global fetch has: when a caller sends again
//     before the connection that just answered is free, the pool opens another, and then rotates its callers over more
//     connections than it has callers;
//   agent: http.request on an http.Agent with keepAlive and maxSockets = `connections`.
import http from 'node:http';
import { Agent } from 'undici';

/**
 * Header carrying when the client sent the request (epoch µs, this machine's clock): an app on the same machine can
 * time the wait from there to its handler's start, which no span shows (samples/apps/saturated).
 */
export const SENT_HEADER = 'x-timesink-sent-us';
/** Now, epoch µs, as a header value. */
export const sentNow = () => String(Math.round((performance.timeOrigin + performance.now()) * 1000));

/** One request through `client`; resolves when the whole body has been read. */
function requester(client, connections) {
  if (client === 'fetch' || client === 'fetch-unlimited') {
    const dispatcher = new Agent({ ...(client === 'fetch' ? { connections } : {}), keepAliveTimeout: 30_000 });
    return {
      send: async (url, signal) => {
        const res = await fetch(url, { dispatcher, signal, headers: { [SENT_HEADER]: sentNow() } });
        await res.arrayBuffer();
        return res.status;
      },
      close: () => dispatcher.close(),
    };
  }
  if (client === 'agent') {
    const agent = new http.Agent({ keepAlive: true, maxSockets: connections });
    return {
      send: (url, signal) =>
        new Promise((resolve, reject) => {
          const req = http.get(url, { agent, signal, headers: { [SENT_HEADER]: sentNow() } }, (res) => {
            res.on('data', () => {});
            res.on('end', () => resolve(res.statusCode ?? 0));
            res.on('error', reject);
          });
          req.on('error', reject);
        }),
      close: async () => agent.destroy(),
    };
  }
  throw new Error(`unknown pooled client ${client}; known: fetch, fetch-unlimited, agent`);
}

/**
 * `amount` requests to `path`, `connections` callers at a time, each sending its next request as soon as its previous
 * one is answered. Gives up after `timeoutMs` in all.
 * @param {{ url: string, client: 'fetch' | 'fetch-unlimited' | 'agent', connections: number, amount: number, path: string, timeoutMs?: number }} load
 * @returns {Promise<{ path: string, requests: number, errors: number, non2xx: number, durationMs: number, latencyMeanMs: number }>}
 */
export async function runPooledLoad({ url, client, connections, amount, path, timeoutMs = 60_000 }) {
  const { send, close } = requester(client, connections);
  const target = new URL(path, url).href;
  const signal = AbortSignal.timeout(timeoutMs);
  let issued = 0;
  let ok = 0;
  let non2xx = 0;
  let errors = 0;
  let latencyTotalMs = 0;
  const started = performance.now();
  const caller = async () => {
    while (issued < amount && !signal.aborted) {
      issued++;
      const t0 = performance.now();
      try {
        const status = await send(target, signal);
        latencyTotalMs += performance.now() - t0;
        if (status >= 200 && status < 300) ok++;
        else non2xx++;
      } catch {
        errors++;
      }
    }
  };
  try {
    await Promise.all(Array.from({ length: connections }, caller));
  } finally {
    await close();
  }
  const requests = ok + non2xx;
  return {
    path,
    requests,
    errors,
    non2xx,
    durationMs: performance.now() - started,
    latencyMeanMs: requests > 0 ? latencyTotalMs / requests : 0,
  };
}
