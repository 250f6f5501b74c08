// Runs one command under /usr/bin/time -v and returns wall time and peak RSS.
// Wall time is ours (hrtime around spawn→exit); peak RSS is the kernel's maxrss of the child tree's largest process.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * @param {string} cmd
 * @param {string[]} args
 * @param {{ cwd?: string, env?: NodeJS.ProcessEnv, timeoutMs?: number }} [opts]
 * @returns {Promise<{ wallMs: number, peakRssMb: number, code: number | null, stdout: string, stderr: string }>}
 */
export async function measure(cmd, args, opts = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'bench-time-'));
  const timeFile = join(dir, 'time.txt');
  const t0 = process.hrtime.bigint();
  const child = spawn('/usr/bin/time', ['-v', '-o', timeFile, cmd, ...args], { cwd: opts.cwd, env: opts.env ?? process.env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => (stdout += d));
  child.stderr.on('data', (d) => (stderr += d));
  const timer = opts.timeoutMs ? setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs) : undefined;
  const code = await new Promise((res) => child.on('close', (c) => res(c)));
  clearTimeout(timer);
  const wallMs = Number(process.hrtime.bigint() - t0) / 1e6;
  let peakRssMb = NaN;
  try {
    const m = /Maximum resident set size \(kbytes\): (\d+)/.exec(readFileSync(timeFile, 'utf8'));
    if (m) peakRssMb = Number(m[1]) / 1024;
  } catch {
    // time(1) did not get to write: the command was killed; NaN says "unknown".
  }
  rmSync(dir, { recursive: true, force: true });
  return { wallMs, peakRssMb, code, stdout, stderr };
}
