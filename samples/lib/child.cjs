'use strict';
// Starts a helper process (database server, fake upstream) that must NOT be recorded: it plays an external
// service, so its time has to show up as a wait in the app's traces, not as spans of its own.
const { spawn } = require('node:child_process');

const LISTENING = /listening on ([\d.]+):(\d+)/;

/** Environment of the parent minus anything that would load the recorder into the child. */
function cleanEnv(extra = {}) {
  const env = { ...process.env, ...extra };
  delete env.NODE_OPTIONS;
  for (const k of Object.keys(env)) if (k.startsWith('TIMESINK_')) delete env[k];
  return env;
}

/**
 * Spawns `node script args` and resolves once it prints `listening on HOST:PORT`.
 * @returns {Promise<{ host: string, port: number, stop: () => Promise<void> }>}
 */
function startHelper(script, args = [], env = {}, timeoutMs = 30_000) {
  const child = spawn(process.execPath, [script, ...args], {
    env: cleanEnv(env),
    execArgv: [],
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return new Promise((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${script} did not start within ${timeoutMs} ms`));
    }, timeoutMs);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${script} exited with ${code} before listening`));
    });
    child.stdout.on('data', (chunk) => {
      out += chunk;
      const m = LISTENING.exec(out);
      if (!m) return;
      clearTimeout(timer);
      child.removeAllListeners('exit');
      child.stdout.removeAllListeners('data');
      child.stdout.resume();
      resolve({ host: m[1], port: Number(m[2]), stop: () => stopChild(child) });
    });
  });
}

function stopChild(child) {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const kill = setTimeout(() => child.kill('SIGKILL'), 5_000);
    child.once('exit', () => {
      clearTimeout(kill);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

module.exports = { startHelper, cleanEnv };
