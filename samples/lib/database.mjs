// The database for the sample apps: real PostgreSQL when DATABASE_URL is set, otherwise an embedded PGlite
// served over a socket by a child process (see pglite-server.mjs).
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);
const { startHelper } = require('./child.cjs');

/**
 * @returns {Promise<{ url: string, kind: 'postgres' | 'pglite', stop: () => Promise<void> }>}
 */
export async function startDatabase() {
  if (process.env.DATABASE_URL) return { url: process.env.DATABASE_URL, kind: 'postgres', stop: async () => {} };
  const helper = await startHelper(fileURLToPath(new URL('./pglite-server.mjs', import.meta.url)));
  // PGlite accepts any user and database name; there is one database.
  return { url: `postgres://postgres@${helper.host}:${helper.port}/postgres`, kind: 'pglite', stop: helper.stop };
}

/** A connection string safe to print: the password, if any, replaced. */
export function redactUrl(url) {
  return url.replace(/\/\/([^:/@]+):[^@/]*@/, '//$1:***@');
}
