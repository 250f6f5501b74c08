import { describe, expect, it } from 'vitest';
import { queueingBeforeFirstSpan } from './before-first-span.js';
import { buildThreadIndex } from './thread-index.js';
import { mkSpan, mkTrace } from '../critical-path/testing/spans.js';
import { emptyRuntime } from '../model/runtime.js';
import type { Span } from '../model/span.js';
import type { Trace } from '../model/trace.js';

/** A request (server root) on pid 1 running [start, end) on the thread, optionally on a client connection (port). */
function request(id: string, start: number, end: number, port?: number): Trace {
  const attrs: Span['attributes'] = port === undefined ? {} : { 'network.peer.address': '127.0.0.1', 'network.peer.port': port };
  return mkTrace([mkSpan(id, undefined, start, end, { pid: 1, attributes: attrs, onThread: [{ startUs: start, endUs: end }] })], id);
}

describe('queueingBeforeFirstSpan', () => {
  it('a request that starts right after another one\'s CPU work may have waited all of it', () => {
    // A burns [0, 50 ms); B starts at 50 ms, on a new connection: up to 50 ms unseen.
    const traces = [request('a', 0, 50_000, 5001), request('b', 50_000, 51_000, 5002)];
    const b = queueingBeforeFirstSpan(traces, buildThreadIndex(traces, emptyRuntime()));
    expect(b).toMatchObject({ requests: 1, totalUs: 50_000, maxUs: 50_000, unboundedRequests: 1, bound: 'estimate' });
  });

  it('on a keep-alive connection the next request cannot predate the previous response: the bound is cut there', () => {
    // One connection (port 5001): A [0, 10 ms), then B from the same client starts at 60 ms; C (another connection)
    // burned [10, 60 ms). B was sent when A's response ended (10 ms) at the earliest: up to 50 ms, not 60.
    const traces = [request('a', 0, 10_000, 5001), request('c', 10_000, 60_000, 5002), request('b', 60_000, 61_000, 5001)];
    const b = queueingBeforeFirstSpan(traces, buildThreadIndex(traces, emptyRuntime()));
    // C, first on its connection, right after A's 10 ms: up to 10 ms; B: 50 ms.
    expect(b).toMatchObject({ requests: 2, totalUs: 60_000, maxUs: 50_000, unboundedRequests: 1 });
    // The same, with B sent 45 ms after A's response (the client's think time): only 5 ms can be queueing.
    const late = [request('a', 0, 10_000, 5001), request('c', 10_000, 60_000, 5002), request('b', 60_000, 61_000, 5001)];
    late[0]!.root.endUs = 55_000;
    late[0]!.root.onThread = [{ startUs: 0, endUs: 10_000 }];
    expect(queueingBeforeFirstSpan(late, buildThreadIndex(late, emptyRuntime()))).toMatchObject({
      requests: 2,
      totalUs: 15_000,
      maxUs: 10_000,
      unboundedRequests: 1,
    });
  });

  it('start-up work before the first request is nobody\'s wait', () => {
    // 80 ms of untraced start-up work, then two requests read together: the first waited for nothing, the second
    // for the first one's 5 ms at most.
    const traces = [request('a', 80_000, 85_000, 5001), request('b', 85_000, 86_000, 5002)];
    const rt = emptyRuntime();
    rt.untracedBusy.set(1, [{ startUs: 0, endUs: 80_000 }]);
    expect(queueingBeforeFirstSpan(traces, buildThreadIndex(traces, rt))).toMatchObject({ requests: 1, totalUs: 5000, maxUs: 5000, unboundedRequests: 1 });
  });

  it('nothing when the loop was idle before each request (a service that is not saturated)', () => {
    const traces = [request('a', 0, 5000), request('b', 20_000, 25_000), request('c', 40_000, 45_000)];
    expect(queueingBeforeFirstSpan(traces, buildThreadIndex(traces, emptyRuntime()))).toMatchObject({
      requests: 0,
      totalUs: 0,
      maxUs: 0,
      unboundedRequests: 0,
    });
  });

  it('clients that send on the connection that just answered: an estimate, no late request', () => {
    // Two callers, each on its own connection, 10 ms requests back to back, 0.5 ms between a response and the next send.
    const traces: Trace[] = [];
    for (let i = 0; i < 8; i++) traces.push(request(`r${i}`, i * 10_500, i * 10_500 + 10_000, 5001 + (i % 2)));
    const b = queueingBeforeFirstSpan(traces, buildThreadIndex(traces, emptyRuntime()));
    expect(b).toMatchObject({ boundedRequests: 6, lateRequests: 0, bound: 'estimate' });
  });

  it('a pool rotating two callers over three connections: late requests show where the loop was free, and the total is an upper bound', () => {
    // 10 ms requests with 5 ms of idle loop between them, on connections 5001, 5002, 5003, 5001, …: each request came
    // after the loop had been free for a while past its connection's previous response (35 ms earlier).
    const traces: Trace[] = [];
    for (let i = 0; i < 9; i++) traces.push(request(`r${i}`, i * 15_000, i * 15_000 + 10_000, 5001 + (i % 3)));
    const b = queueingBeforeFirstSpan(traces, buildThreadIndex(traces, emptyRuntime()));
    expect(b).toMatchObject({ boundedRequests: 6, lateRequests: 6, bound: 'upper' });
  });

  it('a few late requests among many (a client pausing now and then) keep it an estimate', () => {
    const traces: Trace[] = [];
    let t = 0;
    for (let i = 0; i < 20; i++) {
      // Every tenth request comes 5 ms late; the others 0.5 ms after the previous response.
      t += i % 10 === 9 ? 5000 : 500;
      traces.push(request(`r${i}`, t, t + 10_000, 5001));
      t += 10_000;
    }
    const b = queueingBeforeFirstSpan(traces, buildThreadIndex(traces, emptyRuntime()));
    expect(b).toMatchObject({ boundedRequests: 19, lateRequests: 2, bound: 'estimate' });
  });
});
