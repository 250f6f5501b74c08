export interface PathLoadResult {
  path: string;
  requests: number;
  errors: number;
  non2xx: number;
  durationMs: number;
  latencyMeanMs: number;
}

/** autocannon (each caller its own connection) or a pooled client: fetch on an undici Agent, or an http.Agent with keepAlive. */
export type LoadClient = 'autocannon' | 'fetch' | 'fetch-unlimited' | 'agent';

export declare function runLoad(load: { url: string; connections: number; amount: number; paths: string[]; client?: LoadClient }): Promise<PathLoadResult[]>;
