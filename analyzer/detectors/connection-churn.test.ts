import { describe, expect, it } from 'vitest';
import { connectionChurn } from './connection-churn.js';
import { TraceBuilder, analyzeAll, contextOf, http } from './testing/builder.js';
import { fixOf } from './testing/fixes.js';

/** A request at `s` whose outbound call opens a new TCP connection (10 ms) before its 30 ms exchange. */
function request(s: number) {
  const b = new TraceBuilder();
  const root = b.root({ name: 'GET /weather', route: '/weather', start: s, end: s + 50 });
  const call = b.add(root, http('GET', 'http://api.weather.example/now', s, s + 40, { attrs: { 'server.address': 'api.weather.example' } }));
  b.add(call, { name: 'tcp.connect', cls: 'network', start: s, end: s + 10 });
  return b.build();
}

describe('connection-churn', () => {
  it('4 connects to one host: reusing the first saves the other three (10 ms each)', () => {
    const ctx = contextOf(analyzeAll([0, 100, 200, 300].map(request)));
    const [f] = connectionChurn.detect(ctx);
    expect(f.title).toBe('Reuse connections to api.weather.example');
    expect(fixOf(ctx, 'connection-churn')!.savingMs).toBeCloseTo(30, 6);
  });

  it('does not fire below 3 connects', () => {
    expect(connectionChurn.detect(contextOf(analyzeAll([0, 100].map(request))))).toHaveLength(0);
  });

  it('a pool warming up (4 connects over 20 requests) is not churn', () => {
    const warm = [0, 100, 200, 300].map(request);
    for (let k = 4; k < 20; k++) {
      const b = new TraceBuilder();
      const root = b.root({ name: 'GET /weather', route: '/weather', start: k * 100, end: k * 100 + 50 });
      b.add(root, http('GET', 'http://api.weather.example/now', k * 100, k * 100 + 30, { attrs: { 'server.address': 'api.weather.example' } }));
      warm.push(b.build());
    }
    expect(connectionChurn.detect(contextOf(analyzeAll(warm)))).toHaveLength(0);
  });

  it('counts a TCP connect inside a driver connect once', () => {
    const traces = [0, 100, 200, 300].map((s) => {
      const b = new TraceBuilder();
      const root = b.root({ name: 'GET /x', route: '/x', start: s, end: s + 50 });
      const c = b.add(root, { name: 'pg.connect', cls: 'db', start: s, end: s + 10, attrs: { 'server.address': 'db', 'server.port': 5432 } });
      b.add(c, { name: 'tcp.connect', cls: 'network', start: s + 1, end: s + 5, attrs: { 'server.address': 'db', 'server.port': 5432 } });
      return b.build();
    });
    const [f] = connectionChurn.detect(contextOf(analyzeAll(traces)));
    expect(f.details?.connects).toBe(4);
  });
});
