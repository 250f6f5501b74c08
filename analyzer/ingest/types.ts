import type { Warning, InputSummary } from '../model/analysis.js';
import type { Profile } from '../model/profile.js';
import type { RuntimeData } from '../model/runtime.js';
import type { Span } from '../model/span.js';
import type { Manifest } from '../../format/recording.js';

/** Everything read from the inputs, before any analysis. The only I/O of the analyzer happens producing this. */
export interface IngestResult {
  spans: Span[];
  runtime: RuntimeData;
  profiles: Profile[];
  manifests: Manifest[];
  files: InputSummary['files'];
  warnings: Warning[];
  /** Some input was unreadable or truncated. */
  partial: boolean;
}

export interface IngestOptions {
  /** Called with bytes read so far and total bytes, for progress bars. */
  onProgress?: (doneBytes: number, totalBytes: number) => void;
  /** JSON Lines files of at least this many bytes are read by two threads (default 64 MiB; Infinity: never). */
  splitMinBytes?: number;
}

/** An input the user named that we cannot read at all: carries a message a person understands. */
export class InputError extends Error {
  constructor(
    message: string,
    readonly file?: string,
  ) {
    super(message);
    this.name = 'InputError';
  }
}
