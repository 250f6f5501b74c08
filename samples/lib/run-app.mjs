// Starts a sample app (directly, or wrapped by `timesink record`), waits for its `listening on` line,
// collects its output, and stops it with SIGTERM. Shared by record-all, demo and the accuracy suite.
import { spawn } from 'node:child_process';

const LISTENING = /^listening on ([\d.]+):(\d+)$/m;
const TRUTH_STATS = /^truth-stats (.*)$/m;

// Each app runs in its own process group, so that when it has to be killed its helpers (the recorder's
// profiler, the PGlite server, the fake upstream) go with it instead of living on and holding our pipes open.
const live = new Set();
function killGroup(child, signal) {
  try {
    process.kill(-child.pid, signal);
  } catch {
    // already gone
  }
}
process.once('exit', () => {
  for (const child of live) killGroup(child, 'SIGKILL');
});
for (const sig of ['SIGINT', 'SIGTERM']) {
  // Only when nobody else handles the signal (a script, not a test runner): stop the apps, then die of it.
  if (process.listenerCount(sig) > 0) continue;
  process.once(sig, () => {
    for (const child of live) killGroup(child, 'SIGTERM');
    process.kill(process.pid, sig);
  });
}

/**
 * @param {{ command: string[], env?: Record<string, string>, cwd?: string, timeoutMs?: number, echo?: boolean }} opts
 * @returns {Promise<{
 *   url: string, pid: number, output: () => string,
 *   stop: () => Promise<{ code: number | null, signal: string | null, output: string, truthStats?: object }>,
 * }>}
 */
export function startApp({ command, env = {}, cwd, timeoutMs = 60_000, echo = false }) {
  const [cmd, ...args] = command;
  const child = spawn(cmd, args, { cwd, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  live.add(child);
  let output = '';
  const onData = (chunk) => {
    output += chunk;
    if (echo) process.stderr.write(chunk);
  };
  child.stdout.on('data', onData);
  child.stderr.on('data', onData);
  const exited = new Promise((resolve) =>
    child.once('exit', (code, signal) => {
      live.delete(child);
      resolve({ code, signal });
    }),
  );

  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      killGroup(child, 'SIGKILL');
      reject(new Error(`${command.join(' ')} did not print "listening on" within ${timeoutMs} ms:\n${output}`));
    }, timeoutMs);
    void exited.then(({ code, signal }) => {
      clearTimeout(timer);
      reject(new Error(`${command.join(' ')} exited (${code ?? signal}) before listening:\n${output}`));
    });
    const check = () => {
      const m = LISTENING.exec(output);
      if (!m) return;
      clearTimeout(timer);
      child.stdout.off('data', check);
      child.stderr.off('data', check);
      resolve({
        url: `http://${m[1]}:${m[2]}`,
        pid: child.pid,
        output: () => output,
        stop: (stopTimeoutMs = 120_000) => stopChild(child, exited, stopTimeoutMs).then((exit) => ({ ...exit, output, truthStats: parseTruthStats(output) })),
      });
    };
    child.stdout.on('data', check);
    child.stderr.on('data', check);
  });
}

async function stopChild(child, exited, timeoutMs) {
  // SIGTERM to the process we started only: stopping the app is its job (the recorder forwards the signal).
  if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
  // The recorder may need a while after the app exits (writing the profile); only then give up.
  const timer = setTimeout(() => killGroup(child, 'SIGKILL'), timeoutMs);
  const exit = await exited;
  clearTimeout(timer);
  // Whatever is left of the group (an orphaned helper) would keep our end of the pipes open.
  killGroup(child, 'SIGKILL');
  child.stdout.destroy();
  child.stderr.destroy();
  return exit;
}

/** The app's own measurement of its planted work (printed at shutdown), if it prints one. */
export function parseTruthStats(output) {
  const m = TRUTH_STATS.exec(output);
  return m ? JSON.parse(m[1]) : undefined;
}
