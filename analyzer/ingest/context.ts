import { StringInterner } from './intern.js';
import { WarningSink } from './warnings.js';

/** What a format converter needs besides its input: shared string table, the warning sink, the file name. */
export interface ConvertContext {
  interner: StringInterner;
  warnings: WarningSink;
  /** The file being read, for messages. */
  file: string;
  /** The last trace id seen, raw and normalized (consecutive spans usually share it). */
  lastTraceId: { raw: unknown; hex: string | undefined };
}

export function newContext(file: string, warnings = new WarningSink(), interner = new StringInterner()): ConvertContext {
  return { interner, warnings, file, lastTraceId: { raw: undefined, hex: undefined } };
}
