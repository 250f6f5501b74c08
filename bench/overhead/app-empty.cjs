// The near-empty service: one trivial `SELECT 1` per request through a pg Pool, so any per-request cost of
// recording (span creation, context propagation, export) shows up as large as it can ever be.
//   PORT=3901 node bench/overhead/app-empty.cjs
const http = require('node:http');
const { Pool } = require('pg');

const pool = new Pool({ host: process.env.PGHOST ?? '127.0.0.1', port: 5432, user: process.env.PGUSER ?? 'postgres', database: 'test', max: 10 });

const server = http.createServer((req, res) => {
  pool.query('SELECT 1 AS one').then(
    (r) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ one: r.rows[0].one }));
    },
    (err) => {
      res.writeHead(500);
      res.end(String(err.message));
    },
  );
});
server.keepAliveTimeout = 65_000;
server.listen(Number(process.env.PORT ?? 3901), '127.0.0.1');
