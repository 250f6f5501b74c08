import type { Profile } from '../../model/profile.js';
import { ProfileBuilder, medianDelta } from './builder.js';

/*
 * 0x --collect-only output: a folder holding `isolate-<addr>-<pid>-<tid>-v8.log.json`, the V8 tick log
 * preprocessed by `node --prof-process --preprocess`: { code: [...], ticks: [{tm, vm, s}], functions, scripts }.
 * `tm` is µs since the V8 logger started; `vm` is V8's StateTag; `s` lists (code index, pc offset) pairs,
 * innermost frame first, with -1 for an address no code entry covers.
 */

interface CodeEntry {
  name: string;
  type: string;
  kind?: string;
}
interface Tick {
  tm: number;
  vm: number;
  s: number[];
}
export interface ZeroXTicksJson {
  code: CodeEntry[];
  ticks: Tick[];
}

// v8/include/v8-unwinder.h StateTag order.
const VM_STATES = ['js', 'gc', 'parser', 'bytecode-compiler', 'compiler', 'other', 'external', 'atomics-wait', 'idle', 'logging'];

export function isZeroXTicks(v: unknown): v is ZeroXTicksJson {
  const o = v as Partial<ZeroXTicksJson> | null;
  return !!o && typeof o === 'object' && Array.isArray(o.code) && Array.isArray(o.ticks);
}

/** The pid in an isolate log name (`isolate-0x5581...-12345-12345-v8.log.json`). */
export function pidFromIsolateName(path: string): number | undefined {
  const m = /isolate-0x[0-9a-f]+-(\d+)-\d+-v8\.log(\.json)?$/.exec(path);
  return m ? Number(m[1]) : undefined;
}

export function convertZeroX(doc: ZeroXTicksJson, source: string, pid?: number, offsetUs?: number): Profile {
  const b = new ProfileBuilder(source, '0x', pid);
  const frameOfCode = new Map<number, number>();
  const frameFor = (ci: number): number => {
    let f = frameOfCode.get(ci);
    if (f === undefined) {
      f = codeFrame(b, doc.code[ci]);
      frameOfCode.set(ci, f);
    }
    return f;
  };
  const ticks = doc.ticks;
  const typical = medianDelta(ticks.map((t) => t.tm));
  for (let i = 0; i < ticks.length; i++) {
    const tick = ticks[i]!;
    const frames: number[] = [];
    for (let j = tick.s.length - 2; j >= 0; j -= 2) {
      const ci = tick.s[j]!;
      if (ci >= 0 && ci < doc.code.length) frames.push(frameFor(ci));
    }
    if (frames.length === 0) frames.push(b.frame('(unknown)', undefined, undefined, undefined, 'runtime'));
    // A tick stands for the time to the next tick, capped so a pause in sampling is not charged to one stack.
    const next = i + 1 < ticks.length ? ticks[i + 1]!.tm - tick.tm : typical;
    const weight = Math.min(Math.max(next, 0), 4 * typical);
    b.sample(b.stack(frames), weight, offsetUs === undefined ? undefined : tick.tm + offsetUs, VM_STATES[tick.vm] ?? 'unknown');
  }
  b.profile.timed = offsetUs !== undefined;
  return b.profile;
}

function codeFrame(b: ProfileBuilder, c: CodeEntry | undefined): number {
  if (!c) return b.frame('(unknown)', undefined, undefined, undefined, 'runtime');
  if (c.type !== 'JS') return b.frame(c.name, undefined, undefined, undefined, 'runtime');
  // JS names are "fn file:line:col" or " file:line:col" for anonymous functions; older logs prefix ~ or *.
  const name = c.name.replace(/^[~*^+]/, '');
  const space = name.lastIndexOf(' ');
  const fn = space > 0 ? name.slice(0, space) : '(anonymous)';
  const loc = space >= 0 ? name.slice(space + 1) : name;
  const m = /^(.*):(\d+):(\d+)$/.exec(loc);
  if (!m) return b.frame(name.trim() || '(anonymous)', undefined, undefined, undefined, loc.startsWith('node:') ? 'runtime' : undefined);
  return b.frame(fn, m[1]!.replace(/^file:\/\//, ''), Number(m[2]), Number(m[3]));
}
