import { spawn } from 'node:child_process';

/** `--open`: hand the report to the desktop's opener; failing to open is not worth failing the run for. */
export function openInBrowser(path: string): void {
  const opener = process.platform === 'darwin' ? 'open' : process.platform === 'win32' ? 'explorer' : 'xdg-open';
  try {
    const child = spawn(opener, [path], { stdio: 'ignore', detached: true });
    child.on('error', () => process.stderr.write(`[timesink] could not run ${opener}; open ${path} yourself\n`));
    child.unref();
  } catch {
    process.stderr.write(`[timesink] could not open ${path}\n`);
  }
}
