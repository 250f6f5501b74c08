import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { ATTR, FORMAT_VERSION, type Manifest, type RuntimeLine } from '../../format/recording.js';
import { ingest } from './index.js';
import { CPUPROFILE } from './profiles/fixtures/cpuprofile.js';
import { sid, span } from './testing/spans.js';
import { toOtlpJson } from './testing/write-formats.js';

const T0 = 1_700_000_000_000_000;
const PROFILE_OFFSET = T0 - 1000; // maps the cpuprofile's startTime (1000 µs) to T0

function manifest(p: Partial<Manifest> = {}, dropped = 0): Manifest {
  return {
    format: 'timesink-recording',
    formatVersion: FORMAT_VERSION,
    timesinkVersion: '0.1.0',
    command: ['node', 'app.js'],
    startUs: T0,
    endUs: T0 + 1_000_000,
    settings: { redact: true, onThread: true, runtimeIntervalMs: 100, profiler: 'inspector' },
    processes: [
      {
        pid: 4242,
        argv: ['node', 'app.js'],
        nodeVersion: 'v20.19.0',
        startUs: T0,
        clock: { offsetUs: T0, timeOriginMs: T0 / 1000, profileOffsetUs: PROFILE_OFFSET },
        files: ['spans-4242.jsonl', 'runtime-4242.jsonl'],
        droppedSpans: dropped,
        spansWritten: 2,
        warnings: dropped ? ['span queue overflowed'] : [],
      },
    ],
    profile: { format: 'cpuprofile', files: ['profile/4242.cpuprofile'], pid: 4242 },
    ...p,
  };
}

function writeRecording(m: Manifest, gzipSpans = false): string {
  const dir = mkdtempSync(join(tmpdir(), 'ts-rec-'));
  writeFileSync(join(dir, 'manifest.json'), JSON.stringify(m, null, 2));
  // OpenTelemetry JS times are ms-rounded; the precise values travel in timesink.* attributes.
  const root = span({ spanId: sid(1), kind: 'server', startUs: T0 + 1000, endUs: T0 + 51_000, pid: 4242 });
  root.attributes = { [ATTR.startUs]: T0 + 1234, [ATTR.durationUs]: 49_500, [ATTR.slices]: '0:300,40000:200,1000:100', [ATTR.onThreadUs]: 600 };
  const open = span({ spanId: sid(2), parentSpanId: sid(1), startUs: T0 + 2000, endUs: T0 + 90_000, pid: 4242 });
  open.attributes = { [ATTR.unfinished]: true };
  const lines = [JSON.stringify(toOtlpJson([root])), JSON.stringify(toOtlpJson([open]))].join('\n') + '\n';
  writeFileSync(join(dir, gzipSpans ? 'spans-4242.jsonl.gz' : 'spans-4242.jsonl'), gzipSpans ? gzipSync(lines) : lines);
  const runtime: RuntimeLine[] = [
    { t: 'sample', pid: 4242, ts: T0 + 200_000, loopDelay: { minMs: 1, meanMs: 2, p50Ms: 2, p99Ms: 9, maxMs: 12 }, elu: 0.5, cpuUserUs: 1000, cpuSystemUs: 100, rss: 5e7, heapUsed: 2e7, handles: 4, openSpans: 3 },
    { t: 'sample', pid: 4242, ts: T0 + 100_000, loopDelay: { minMs: 1, meanMs: 1, p50Ms: 1, p99Ms: 3, maxMs: 4 }, elu: 0.2, cpuUserUs: 500, cpuSystemUs: 50, rss: 5e7, heapUsed: 1e7, handles: 4 },
    { t: 'gc', pid: 4242, ts: T0 + 150_000, durUs: 2500, kind: 'major' },
    { t: 'busy', pid: 4242, ts: T0 + 300_000, slices: '10:5,0:3' },
    { t: 'busy', pid: 4242, ts: T0 + 400_000, slices: '0:7', by: 'recorder' },
  ];
  writeFileSync(join(dir, 'runtime-4242.jsonl'), runtime.map((l) => JSON.stringify(l)).join('\n') + '\n');
  mkdirSync(join(dir, 'profile'));
  writeFileSync(join(dir, 'profile', '4242.cpuprofile'), JSON.stringify(CPUPROFILE));
  return dir;
}

describe('ingest: timesink recordings', () => {
  it('reads precise times, on-thread slices, unfinished flags, runtime data and a timed profile', async () => {
    const dir = writeRecording(manifest());
    const r = await ingest([dir]);
    expect(r.warnings).toEqual([]);
    expect(r.partial).toBe(false);
    expect(r.manifests).toHaveLength(1);
    const root = r.spans.find((s) => s.spanId === sid(1))!;
    expect([root.startUs, root.endUs]).toEqual([T0 + 1234, T0 + 1234 + 49_500]);
    expect(root.onThread).toEqual([
      { startUs: T0 + 1234, endUs: T0 + 1534 },
      { startUs: T0 + 2234, endUs: T0 + 2334 },
      { startUs: T0 + 41_234, endUs: T0 + 41_434 },
    ]);
    expect(root.attributes).toEqual({ [ATTR.onThreadUs]: 600 });
    expect(root.pid).toBe(4242);
    expect(r.spans.find((s) => s.spanId === sid(2))!.unfinished).toBe(true);

    expect(r.runtime.samples.map((s) => s.timeUs)).toEqual([T0 + 100_000, T0 + 200_000]);
    expect(r.runtime.samples[1]).toMatchObject({ pid: 4242, elu: 0.5, rssBytes: 5e7, heapUsedBytes: 2e7, activeHandles: 4, openSpans: 3 });
    expect(r.runtime.gc).toEqual([{ pid: 4242, startUs: T0 + 150_000, durationUs: 2500, kind: 'major' }]);
    expect(r.runtime.untracedBusy.get(4242)).toEqual([
      { startUs: T0 + 300_000, endUs: T0 + 300_003 },
      { startUs: T0 + 300_010, endUs: T0 + 300_015 },
    ]);
    expect(r.runtime.recorderBusy.get(4242)).toEqual([{ startUs: T0 + 400_000, endUs: T0 + 400_007 }]);

    const p = r.profiles[0]!;
    expect(p.timed).toBe(true);
    expect(p.pid).toBe(4242);
    expect(p.samples.map((s) => s.timeUs)).toEqual([T0 + 10, T0 + 110, T0 + 210, T0 + 260]);
    expect(r.files.map((f) => f.format)).toEqual(['otlp-jsonl', 'timesink-runtime', 'cpuprofile']);
  });

  it('reads a recording of a crashed process (no endUs) and gzipped span files, and warns', async () => {
    const dir = writeRecording(manifest({ endUs: undefined }, 3), true);
    const r = await ingest([join(dir, 'manifest.json')]); // naming the manifest means the recording
    expect(r.spans).toHaveLength(2);
    const codes = Object.fromEntries(r.warnings.map((w) => [w.code, w]));
    expect(codes['recording-not-closed']!.message).toContain('recording was not closed cleanly: the process may have crashed; data up to 2023-11-14T22:13:20.400Z is used');
    expect(codes['dropped-spans']!.count).toBe(3);
    expect(codes['recorder-warning']!.message).toContain('span queue overflowed');
    expect(r.partial).toBe(true);
  });
});
