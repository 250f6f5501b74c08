import type { FrameOrigin, Profile } from '../../model/profile.js';
import { ProfileBuilder } from './builder.js';

/*
 * Folded stacks (Brendan Gregg's stackcollapse output, py-spy `--format raw`): "root;child;leaf 12" per line,
 * the count being samples. Counts are converted at 100 Hz (py-spy's default rate; perf's usual 99 Hz).
 */
export const FOLDED_SAMPLE_US = 10_000;
const LINE = /^(.+?)\s+(\d+(?:\.\d+)?)$/;
// py-spy frame: "function (path/to/file.py:12)".
const PYSPY_FRAME = /^(.*) \((.+?):(\d+)\)$/;

/** Folded frames usually carry no file: judge by the name (perf marks native code with [brackets] or ::). */
function bareOrigin(name: string): FrameOrigin {
  if (/node_modules|site-packages|dist-packages/.test(name)) return 'dependency';
  if (/^\[|^\(|::|^native |^node:/.test(name)) return 'runtime';
  return 'app';
}

export class FoldedReader {
  private readonly b: ProfileBuilder;
  bad = 0;
  firstBadLine = 0;

  constructor(source: string) {
    this.b = new ProfileBuilder(source, 'folded');
  }

  line(text: string, lineNo: number): void {
    const t = text.trim();
    if (!t || t.startsWith('#')) return;
    const m = LINE.exec(t);
    if (!m) {
      if (this.bad++ === 0) this.firstBadLine = lineNo;
      return;
    }
    const frames = m[1]!.split(';').map((f) => {
      const py = PYSPY_FRAME.exec(f);
      return py ? this.b.frame(py[1]!, py[2], Number(py[3])) : this.b.frame(f, undefined, undefined, undefined, bareOrigin(f));
    });
    this.b.sample(this.b.stack(frames), Number(m[2]) * FOLDED_SAMPLE_US);
  }

  result(): Profile {
    return this.b.profile;
  }
}
