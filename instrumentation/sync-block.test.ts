/**
 * Known answer: a request span whose code is one timed synchronous block of readFileSync calls. The request's and its
 * fs children's on-thread slices must cover the block the app measured, without holes (the analyzer reads a hole as
 * an idle loop).
 */
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { ATTR } from '../format/recording.js';
import { FIXTURES, REGISTER_CJS, parseSlices, readSpans, runNode, tempDir, type FlatSpan } from './testing/support.js';

const N = 200; // more children than the old default slice cap (64) allowed the parent; the cap is 256 now

describe('a synchronous block of fs child spans', () => {
  const dir = tempDir();
  let facts: { blockStartUs: number; blockEndUs: number; n: number };
  let request: FlatSpan;
  let children: FlatSpan[];

  beforeAll(async () => {
    const run = await runNode(['--require', REGISTER_CJS, path.join(FIXTURES, 'sync-block-app.cjs')], { env: { TIMESINK_OUT: dir, N: String(N) } });
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    facts = JSON.parse(run.stdout.trim()) as typeof facts;
    const spans = readSpans(dir);
    request = spans.find((s) => s.name === 'request')!;
    expect(request).toBeDefined();
    children = spans.filter((s) => s.name === 'fs readFileSync' && s.parentSpanId === request.spanId);
  });

  /** Absolute [startUs, endUs] on-thread intervals of a span. */
  const intervals = (s: FlatSpan): [number, number][] =>
    parseSlices(s.attrs[ATTR.slices] as string).map(([off, dur]) => [(s.attrs[ATTR.startUs] as number) + off, (s.attrs[ATTR.startUs] as number) + off + dur]);

  it('records every read as a child span and drops no slice', () => {
    expect(children).toHaveLength(N);
    expect(request.attrs[ATTR.slicesDropped]).toBeUndefined();
  });

  it('starts each child span\'s on-thread time at its start and keeps nearly all of its duration', () => {
    let onThread = 0;
    let duration = 0;
    for (const c of children) {
      const [first] = intervals(c);
      expect(first![0] - (c.attrs[ATTR.startUs] as number)).toBeLessThanOrEqual(1);
      onThread += c.attrs[ATTR.onThreadUs] as number;
      duration += c.attrs[ATTR.durationUs] as number;
    }
    // What is left is OpenTelemetry's span.end() after the instrumented call returned: the parent's code, on-thread.
    expect(onThread / duration).toBeGreaterThan(0.75);
  });

  it('covers the measured block with the request and its children, no gap over 0.2 ms', () => {
    const { blockStartUs: a, blockEndUs: b } = facts;
    const all = [request, ...children].flatMap(intervals).sort((x, y) => x[0] - y[0]);
    let covered = 0;
    let cursor = a;
    let maxGap = 0;
    for (const [s, e] of all) {
      if (e <= cursor || s >= b) continue;
      if (s > cursor) maxGap = Math.max(maxGap, s - cursor);
      covered += Math.min(e, b) - Math.max(s, cursor);
      cursor = Math.min(e, b);
    }
    maxGap = Math.max(maxGap, b - cursor);
    expect(covered / (b - a)).toBeGreaterThan(0.97);
    expect(maxGap).toBeLessThan(200);
  });
});

/**
 * Known answer: a loop of tiny reads, where OpenTelemetry's and the recorder's fixed cost is most of each call. The
 * span of each call must hold nearly all of the call as the app times it: what lies outside (the SDK building the
 * span before the recorder's start stamp, the recorder encoding the span after its end) the analyzer calls the
 * caller's JavaScript while the app calls it file time. Before the create-hook stamp and the deferred encoding a
 * span held 63 % of its call; after, 95 % (median of 1,000 calls).
 */
describe('a loop of tiny readFileSync calls', () => {
  const dir = tempDir();
  const N_TINY = 1000;
  let callUs: number[];
  let children: FlatSpan[];

  beforeAll(async () => {
    const run = await runNode(['--require', REGISTER_CJS, path.join(FIXTURES, 'sync-block-app.cjs')], {
      env: { TIMESINK_OUT: dir, N: String(N_TINY), SIZE: '40', TIMESINK_MAX_SLICES: '2048' },
    });
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    callUs = (JSON.parse(run.stdout.trim()) as { callUs: number[] }).callUs;
    const spans = readSpans(dir);
    const request = spans.find((s) => s.name === 'request')!;
    children = spans
      .filter((s) => s.name === 'fs readFileSync' && s.parentSpanId === request.spanId)
      .sort((a, b) => (a.attrs[ATTR.startUs] as number) - (b.attrs[ATTR.startUs] as number));
  });

  it('gives each call a span that holds at least 85 % of the call as the app timed it (median)', () => {
    expect(children).toHaveLength(N_TINY);
    // Per call, so a preemption in one call cannot move the answer; the median of the ratios.
    const ratios = children.map((c, i) => (c.attrs[ATTR.durationUs] as number) / callUs[i]!).sort((a, b) => a - b);
    expect(ratios[ratios.length >> 1]).toBeGreaterThan(0.85);
  });
});
