export interface PathLoadResult {
  path: string;
  requests: number;
  errors: number;
  non2xx: number;
  durationMs: number;
  latencyMeanMs: number;
}

export declare function runLoad(load: { url: string; connections: number; amount: number; paths: string[] }): Promise<PathLoadResult[]>;
