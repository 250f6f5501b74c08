/**
 * Clock anchor for 0x (V8 --prof) profiles. Their tick times count µs from the V8 logger's start, a moment we cannot
 * read from JavaScript. So we compile a uniquely named function at a known epoch time: V8 logs its code-creation
 * event with a log timestamp (kept as the code entry's `tm` in 0x's preprocessed .log.json), and `record` later pairs
 * the two (profileOffsetUs = epochUs - logUs).
 */
import fs from 'node:fs';
import path from 'node:path';
import { PROFILE_DIR } from '../format/recording.js';
import { nowUs } from './clock.js';

const { writeFileSync, mkdirSync } = fs;

export interface ProfileAnchor {
  pid: number;
  name: string;
  /** Epoch µs bracketing the first call (which compiles the function). */
  beforeUs: number;
  afterUs: number;
}

export function anchorFile(outDir: string, pid: number): string {
  return path.join(outDir, PROFILE_DIR, `clock-anchor-${pid}.json`);
}

export function anchorFunctionName(pid: number): string {
  return `__timesink_clock_anchor_${pid}`;
}

export function writeProfileAnchor(outDir: string): void {
  const name = anchorFunctionName(process.pid);
  // new Function: a fresh function whose name we choose, compiled lazily on the call we time.
  const fn = new Function(`return function ${name}() { return 1; }`)() as () => number;
  const beforeUs = nowUs();
  fn();
  const afterUs = nowUs();
  const anchor: ProfileAnchor = { pid: process.pid, name, beforeUs, afterUs };
  mkdirSync(path.join(outDir, PROFILE_DIR), { recursive: true });
  writeFileSync(anchorFile(outDir, process.pid), JSON.stringify(anchor));
}

