/** timesink's own version: injected by the bundler, or read from package.json when running from source (tests). */
import { readFileSync } from 'node:fs';

declare const __TIMESINK_VERSION__: string | undefined;

function fromPackageJson(): string {
  try {
    const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string };
    return pkg.version;
  } catch {
    return '0.0.0-dev';
  }
}

export const VERSION: string = typeof __TIMESINK_VERSION__ === 'string' ? __TIMESINK_VERSION__ : fromPackageJson();
