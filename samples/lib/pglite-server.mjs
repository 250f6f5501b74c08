// An embedded PostgreSQL (PGlite, WebAssembly) served over the wire protocol, so the apps use the real `pg`
// driver. It runs in its own process: PGlite executes on the calling thread, and pg_sleep inside the app's
// process would block the app's event loop and turn a database wait into on-thread time.
import { PGlite } from '@electric-sql/pglite';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';

const db = await PGlite.create();
// PGlite runs one statement at a time; the server multiplexes connections onto it.
const server = new PGLiteSocketServer({ db, host: '127.0.0.1', port: 0, maxConnections: 64 });
await server.start();
console.log(`listening on ${server.getServerConn()}`);

let stopping = false;
async function stop() {
  if (stopping) return;
  stopping = true;
  await server.stop();
  await db.close();
  process.exit(0);
}
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
