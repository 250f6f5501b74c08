/**
 * Progress on stderr: a redrawn bar when stderr is a terminal, a few plain lines otherwise (CI logs),
 * nothing with --quiet. Never writes to stdout, which may carry --json output.
 */
export interface Progress {
  stage(name: string): void;
  bytes(done: number, total: number): void;
  done(): void;
}

const silent: Progress = { stage() {}, bytes() {}, done() {} };

export function createProgress(opts: { quiet: boolean; stream?: NodeJS.WriteStream }): Progress {
  const out = opts.stream ?? process.stderr;
  if (opts.quiet) return silent;
  if (!out.isTTY) {
    return {
      stage: (name) => out.write(`[timesink] ${name}\n`),
      bytes() {},
      done() {},
    };
  }
  let stage = '';
  let lastDraw = 0;
  const clear = (): void => {
    out.write('\r\x1b[2K');
  };
  return {
    stage(name) {
      clear();
      stage = name;
      out.write(`${name}…`);
    },
    bytes(done, total) {
      const now = Date.now();
      if (now - lastDraw < 100 && done < total) return;
      lastDraw = now;
      const f = total > 0 ? Math.min(1, done / total) : 0;
      const width = 24;
      const filled = Math.round(f * width);
      clear();
      out.write(`${stage} [${'#'.repeat(filled)}${' '.repeat(width - filled)}] ${(f * 100).toFixed(0).padStart(3)} % ${(done / 1e6).toFixed(1)}/${(total / 1e6).toFixed(1)} MB`);
    },
    done() {
      clear();
    },
  };
}
