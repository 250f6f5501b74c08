import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The shared corpora (real trace files written by other tools) live beside the repository, in `../shared/corpora`,
 * where a checkout of the steering repo puts them. A clone anywhere else has no such folder: the tests that read
 * the corpora are skipped there, with one line saying so, and every other test uses fixtures the project writes.
 */
const REPOSITORY_ROOT = fileURLToPath(new URL('../..', import.meta.url));

export const CORPORA_DIR = join(REPOSITORY_ROOT, '..', 'shared', 'corpora');
export const HAVE_CORPORA = existsSync(join(CORPORA_DIR, 'README.md'));

/** A describe title that says why the suite is skipped when the corpora are absent. */
export function corporaSuite(title: string): string {
  return HAVE_CORPORA ? title : `${title} (skipped: no ../shared/corpora beside this clone)`;
}

/** The path of a corpus file, e.g. corpus('zipkin/skew.json'). */
export function corpus(relativePath: string): string {
  return join(CORPORA_DIR, relativePath);
}
