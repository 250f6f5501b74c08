import type { DetectorId } from '../../analyzer/model/analysis.js';

/** samples/apps/<app>/truth.json: what was planted and how to compute the expected result. */
export interface Truth {
  app: string;
  server: string;
  /** The detector that must rank first; null for the control. */
  detector: DetectorId | null;
  database: boolean;
  env: Record<string, string>;
  load: { connections: number; amount: number; paths: string[]; client?: import('../load.mjs').LoadClient };
  planted: Record<string, string>;
  truth: Record<string, string>;
}

export declare const APPS: string[];
export declare const ROOT: string;
export declare function loadTruth(app: string): Truth;
export declare function serverPath(app: string): string;
