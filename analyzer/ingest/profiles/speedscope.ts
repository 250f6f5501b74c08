import type { Profile } from '../../model/profile.js';
import { ProfileBuilder } from './builder.js';

/*
 * speedscope's file format (https://www.speedscope.app/file-format-schema.json), as written by py-spy
 * `--format speedscope`: shared frames, then profiles that are either sampled (stacks + weights) or
 * evented (open/close events). Times are untimed here: speedscope values are relative to the profile start.
 */

interface SFrame {
  name: string;
  file?: string;
  line?: number;
  col?: number;
}
interface Sampled {
  type: 'sampled';
  name?: string;
  unit: string;
  samples: number[][];
  weights: number[];
}
interface Evented {
  type: 'evented';
  name?: string;
  unit: string;
  startValue: number;
  endValue: number;
  events: { type: 'O' | 'C'; frame: number; at: number }[];
}
export interface SpeedscopeJson {
  $schema?: string;
  shared: { frames: SFrame[] };
  profiles: (Sampled | Evented)[];
}

export function isSpeedscope(v: unknown): v is SpeedscopeJson {
  const o = v as Partial<SpeedscopeJson> | null;
  return !!o && typeof o === 'object' && Array.isArray(o.profiles) && !!o.shared && Array.isArray(o.shared.frames);
}

/** Microseconds per unit; 'none' (sample counts) assumes py-spy's default 100 Hz. */
function unitUs(unit: string): number {
  switch (unit) {
    case 'nanoseconds':
      return 1e-3;
    case 'microseconds':
      return 1;
    case 'milliseconds':
      return 1e3;
    case 'seconds':
      return 1e6;
    default:
      return 1e4;
  }
}

/** One Profile per speedscope profile (py-spy writes one per thread). */
export function convertSpeedscope(doc: SpeedscopeJson, source: string): Profile[] {
  const out: Profile[] = [];
  for (const p of doc.profiles) {
    const b = new ProfileBuilder(p.name ? `${source}#${p.name}` : source, 'speedscope');
    const frameIdx = new Map<number, number>();
    const frame = (i: number): number => {
      let f = frameIdx.get(i);
      if (f === undefined) {
        const sf = doc.shared.frames[i] ?? { name: '(unknown)' };
        f = b.frame(sf.name || '(anonymous)', sf.file, sf.line, sf.col);
        frameIdx.set(i, f);
      }
      return f;
    };
    const k = unitUs(p.unit);
    if (p.type === 'sampled') {
      for (let i = 0; i < p.samples.length; i++) b.sample(b.stack(p.samples[i]!.map(frame)), (p.weights[i] ?? 1) * k);
    } else if (p.type === 'evented') {
      const open: number[] = [];
      let last = p.startValue;
      for (const e of p.events) {
        if (open.length > 0 && e.at > last) b.sample(b.stack(open), (e.at - last) * k);
        last = e.at;
        if (e.type === 'O') open.push(frame(e.frame));
        else {
          // Close the matching frame (speedscope requires proper nesting; tolerate a mismatch by searching).
          const f = frame(e.frame);
          const at = open.lastIndexOf(f);
          if (at >= 0) open.length = at;
        }
      }
    }
    out.push(b.profile);
  }
  return out;
}
