import type { AppExit } from './lib/run-app.mjs';
import type { PathLoadResult } from './load.mjs';

export declare const CLI: string;

export type RecordMode = 'record' | 'register' | 'plain';

export declare function appCommand(
  app: string,
  opts: { out: string; mode?: RecordMode; recordArgs?: string[] },
): { command: string[]; env: Record<string, string> };

export declare function recordApp(
  app: string,
  opts?: {
    out?: string;
    mode?: RecordMode;
    env?: Record<string, string>;
    recordArgs?: string[];
    echo?: boolean;
    /** Overrides truth.json's load. */
    load?: { connections?: number; amount?: number; paths?: string[]; client?: import('./load.mjs').LoadClient };
  },
): Promise<{ app: string; out: string; load: PathLoadResult[]; exit: AppExit }>;

export declare function gzipRecording(dir: string): void;
