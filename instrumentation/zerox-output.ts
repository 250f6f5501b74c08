/**
 * What `record` keeps of 0x's --collect-only output. 0x leaves the raw V8 log (isolate-…-v8.log), a filtered copy
 * of it (.preprocess-ready), meta.json and the log preprocessed by `node --prof-process --preprocess`
 * (isolate-…-v8.log.json). The analyzer reads only the last, and of it only the ticks and the code entries they
 * point at — a few % of its `code` array, which is mostly every C++ symbol of the node binary. So: find the clock
 * anchor, compact the .log.json to what ticks reference, delete the rest (tens of MB → well under 1 MB).
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

export interface PreprocessedCode {
  name: string;
  type: string;
  kind?: string;
  /** µs on the V8 log clock when the code was created (JS code only). */
  tm?: number;
}

export interface PreprocessedLog {
  code: PreprocessedCode[];
  ticks: { tm: number; vm: number; s: number[] }[];
  functions?: unknown[];
  scripts?: unknown[];
}

export const ZEROX_TICKS_FILE = /^isolate-.*-v8\.log\.json$/;

/** Log time (µs) of the anchor function's first code creation, if the log has it. */
export function findAnchorInPreprocessed(log: PreprocessedLog, anchorName: string): number | undefined {
  let first: number | undefined;
  for (const c of log.code) {
    // JS names are "<function> <file>:<line>:<col>"; the anchor is compiled from a string, so it has no file.
    if (typeof c.tm !== 'number' || c.name.split(' ')[0]!.replace(/^[~*^+]/, '') !== anchorName) continue;
    if (first === undefined || c.tm < first) first = c.tm;
  }
  return first;
}

/**
 * The same profile with only the code entries some tick's stack refers to (renumbered, keeping name/type/kind) and
 * no functions/scripts tables. Ticks, their times, states and pc offsets are unchanged; -1 stays -1.
 */
export function compactPreprocessed(log: PreprocessedLog): PreprocessedLog {
  const newIndex = new Map<number, number>();
  const code: PreprocessedCode[] = [];
  const ticks = log.ticks.map((t) => {
    const s = t.s.slice();
    for (let i = 0; i < s.length; i += 2) {
      const old = s[i]!;
      const c = old >= 0 ? log.code[old] : undefined;
      if (!c) {
        s[i] = -1;
        continue;
      }
      let n = newIndex.get(old);
      if (n === undefined) {
        n = code.length;
        newIndex.set(old, n);
        code.push(c.kind === undefined ? { name: c.name, type: c.type } : { name: c.name, type: c.type, kind: c.kind });
      }
      s[i] = n;
    }
    return { tm: t.tm, vm: t.vm, s };
  });
  return { code, ticks, functions: [], scripts: [] };
}

export interface ZeroXOutput {
  /** The kept file's name (the compacted .log.json, in the 0x folder); undefined when there is no profile. */
  ticksFile?: string;
  /** Anchor's log time, µs, when found. */
  anchorLogUs?: number;
  /** Bytes of 0x's output for this pid before and after. */
  bytesBefore: number;
  bytesAfter: number;
}

function sizeOf(file: string): number {
  try {
    return fs.statSync(file).size;
  } catch {
    return 0;
  }
}

/** Converts a raw V8 log the way 0x does: lines of 1024+ chars (script sources) dropped, they crash --preprocess. */
function preprocess(rawLog: string, outFile: string): void {
  const ready = `${rawLog}.preprocess-ready`;
  const text = fs.readFileSync(rawLog, 'utf8');
  fs.writeFileSync(ready, text.split('\n').filter((l) => l.length < 1024).join('\n'));
  const out = fs.openSync(`${outFile}.tmp`, 'w');
  try {
    const r = spawnSync(process.execPath, ['--prof-process', '--preprocess', ready], { stdio: ['ignore', out, 'pipe'], env: { ...process.env, NODE_OPTIONS: '' } });
    if (r.status !== 0) throw new Error(`node --prof-process failed (${r.status ?? r.signal}): ${String(r.stderr).slice(0, 300)}`);
  } finally {
    fs.closeSync(out);
    fs.rmSync(ready, { force: true });
  }
  fs.renameSync(`${outFile}.tmp`, outFile);
}

/**
 * Reduces a 0x --collect-only folder to one compacted tick JSON: the app's main thread. The app process has more
 * than one isolate when it runs a thread (the ES module loader hooks thread does) and 0x converts whichever log its
 * directory listing names first; so the log holding our clock anchor's code creation is the app's (else the
 * largest), converted here if 0x picked another. Raw logs are looked for in `dir` and in `workingDir` (where 0x
 * leaves the logs it did not pick).
 */
export function finishZeroXFolder(dir: string, workingDir: string, pid: number | undefined, anchorName: string | undefined): ZeroXOutput {
  const ofPid = (f: string): boolean => pid === undefined || f.includes(`-${pid}-`);
  const list = (d: string): string[] => (fs.existsSync(d) ? fs.readdirSync(d).filter((f) => f.startsWith('isolate-') && ofPid(f)).map((f) => path.join(d, f)) : []);
  const isolateFiles = [...new Set([...list(dir), ...list(workingDir)])];
  const sideFiles = ['meta.json', 'ticks.json'].map((f) => path.join(dir, f)).filter((f) => fs.existsSync(f));
  const bytesBefore = [...isolateFiles, ...sideFiles].reduce((n, f) => n + sizeOf(f), 0);

  const rawLogs = isolateFiles.filter((f) => f.endsWith('-v8.log'));
  const hasAnchor = (f: string): boolean => anchorName !== undefined && fs.readFileSync(f, 'utf8').includes(`,${anchorName} `);
  const appLog = rawLogs.find(hasAnchor) ?? rawLogs.sort((a, b) => sizeOf(b) - sizeOf(a))[0];
  let ticksPath: string | undefined;
  if (appLog) {
    ticksPath = path.join(dir, `${path.basename(appLog)}.json`);
    if (!fs.existsSync(ticksPath)) preprocess(appLog, ticksPath);
  } else {
    ticksPath = isolateFiles.find((f) => ZEROX_TICKS_FILE.test(path.basename(f)));
  }

  let anchorLogUs: number | undefined;
  if (ticksPath) {
    const log = JSON.parse(fs.readFileSync(ticksPath, 'utf8')) as PreprocessedLog;
    if (anchorName) anchorLogUs = findAnchorInPreprocessed(log, anchorName);
    fs.writeFileSync(`${ticksPath}.tmp`, JSON.stringify(compactPreprocessed(log)));
    fs.renameSync(`${ticksPath}.tmp`, ticksPath);
    // Only once the kept JSON is safely written: nothing reads the rest.
    for (const f of [...isolateFiles, ...sideFiles]) if (f !== ticksPath) fs.rmSync(f, { force: true });
  }
  return { ticksFile: ticksPath && path.basename(ticksPath), anchorLogUs, bytesBefore, bytesAfter: ticksPath ? sizeOf(ticksPath) : 0 };
}
