'use strict';
// The gateway's upstream services, played by one plain HTTP server in a separate, unrecorded process.
// Each route answers after a fixed delay; /search has a heavy tail: every TAIL_EVERY-th call takes TAIL_MS.
const http = require('node:http');

const DELAYS = {
  '/profile': Number(process.env.PROFILE_MS ?? 60),
  '/inventory': Number(process.env.INVENTORY_MS ?? 80),
  '/pricing': Number(process.env.PRICING_MS ?? 100),
};
const SEARCH_MS = Number(process.env.SEARCH_MS ?? 60);
const TAIL_MS = Number(process.env.TAIL_MS ?? 600);
const TAIL_EVERY = Number(process.env.TAIL_EVERY ?? 10);

let searches = 0;
const server = http.createServer((req, res) => {
  const path = (req.url ?? '/').split('?')[0];
  let delay = DELAYS[path];
  if (path === '/search') {
    searches += 1;
    delay = searches % TAIL_EVERY === 0 ? TAIL_MS : SEARCH_MS;
  }
  if (delay === undefined) {
    res.writeHead(404).end();
    return;
  }
  setTimeout(() => {
    res.writeHead(200, { 'content-type': 'application/json' });
    // When the answer left, on the wall clock the gateway reads too: its own, timesink-independent measure of
    // how long it waited for this upstream (the accuracy truth's waiting).
    res.end(JSON.stringify({ path, delay, answeredMs: performance.timeOrigin + performance.now() }));
  }, delay);
});
server.keepAliveTimeout = 5_000;
server.listen(Number(process.env.PORT ?? 0), '127.0.0.1', () => console.log(`listening on 127.0.0.1:${server.address().port}`));
const stop = () => server.close(() => process.exit(0));
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
