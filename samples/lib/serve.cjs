'use strict';
// What every sample app shares: listen on PORT (0 = ephemeral), print a machine-readable line, stop cleanly.
const http = require('node:http');

/**
 * @param {http.RequestListener} handler  an express app or a plain listener
 * @param {{ name: string, onClose?: () => Promise<void>, stats?: () => object }} opts  stats: the app's measurement of its planted work
 */
function serve(handler, { name, onClose, stats }) {
  // Process CPU time from the first request to shutdown: how much on-thread work the app really needs per
  // request (an upper bound: it includes GC and libuv threads), printed with the truth-stats.
  let served = 0;
  let cpuAtFirst;
  const server = http.createServer((req, res) => {
    if (served++ === 0) cpuAtFirst = process.cpuUsage();
    handler(req, res);
  });
  // Keep-alive connections from the load driver must not hold the shutdown open.
  server.keepAliveTimeout = 5_000;
  const port = Number(process.env.PORT ?? 3000);
  server.listen(port, '127.0.0.1', () => {
    const addr = server.address();
    console.log(`listening on 127.0.0.1:${addr.port}`);
  });
  let stopping = false;
  async function shutdown(signal) {
    if (stopping) return;
    stopping = true;
    // The app's own measurement of its planted work: the accuracy suite computes the truth from it.
    const cpu = cpuAtFirst ? process.cpuUsage(cpuAtFirst) : { user: 0, system: 0 };
    const process_ = { requests: served, cpuMsPerRequest: served ? (cpu.user + cpu.system) / 1000 / served : 0 };
    console.log(`truth-stats ${JSON.stringify({ ...(stats ? stats() : {}), process: process_ })}`);
    server.closeIdleConnections?.();
    await new Promise((resolve) => server.close(() => resolve()));
    if (onClose) await onClose();
    console.log(`${name} stopped (${signal})`);
    process.exitCode = 0;
  }
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  process.on('SIGINT', () => void shutdown('SIGINT'));
  return server;
}

/** Mean and count of a series of durations, for truth-stats lines. */
class Series {
  constructor() {
    this.count = 0;
    this.sum = 0;
  }
  add(ms) {
    this.count += 1;
    this.sum += ms;
  }
  mean() {
    return this.count ? this.sum / this.count : 0;
  }
  toJSON() {
    return { count: this.count, meanMs: this.mean(), totalMs: this.sum };
  }
}

module.exports = { serve, Series };
