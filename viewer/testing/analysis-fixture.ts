import { CATEGORIES, emptyBreakdown, fractionsOf, type Breakdown, type Category, type SpanClass } from '../../analyzer/model/categories.js';
import type {
  Analysis,
  EndpointSummary,
  Fix,
  FlameNode,
  HotFunction,
  PathSegment,
  ServiceSummary,
  Timeline,
  TraceDetail,
  WaterfallSpan,
} from '../../analyzer/model/analysis.js';
import type { FrameOrigin } from '../../analyzer/model/profile.js';
import type { Language, SpanKind } from '../../analyzer/model/span.js';
import { xss } from './xss-corpus.js';
import { seededRandom } from '../../test/testing/seeded-random.mjs';

/**
 * A realistic, internally consistent Analysis built by hand for the viewer's tests and screenshots:
 * every trace's critical path covers its root exactly, breakdowns are the sums of the path segments,
 * fixes point at spans that exist in included traces. Deterministic for a given seed.
 */
export interface FixtureOptions {
  seed?: number;
  /** Put hostile strings in every text field (names, attributes, services, titles, warnings...). */
  hostile?: boolean;
  /** Extra copies of each endpoint (the large synthetic analysis uses ~6 → 42 endpoints). */
  endpointCopies?: number;
  /** Multiply the number of I/O steps per trace (bigger waterfalls). */
  stepsScale?: number;
  /** Extra synthetic stacks in the flamegraph. */
  extraStacks?: number;
  /** Timeline seconds (one point per second). */
  timelineSeconds?: number;
  /** Multiply every I/O duration (the "after" of a diff). Per detector substring → factor. */
  slowdown?: number;
  /** Leave out the profile / timelines to exercise the "absent" sentences. */
  withProfile?: boolean;
  withTimelines?: boolean;
  partial?: boolean;
  /** Drop these fix detectors (to build the "after" side of a diff). */
  dropFixes?: string[];
}

type Rng = () => number;

interface Step {
  name: string;
  cls: SpanClass;
  kind: SpanKind;
  ms: number;
  attributes?: Record<string, string | number | boolean>;
  /** Queued time on the loop before this step continues (Node services only). */
  queuedBeforeMs?: number;
  /** Steps sharing a group id start together (Promise.all); the longest is on the path. */
  group?: number;
  tag?: string;
}

interface EndpointSpec {
  service: string;
  language: Language;
  name: string;
  count: number;
  kind: SpanKind;
  steps: (r: Rng, scale: number) => Step[];
}

const r3 = (x: number): number => Math.round(x * 1000) / 1000;
const jitter = (r: Rng, ms: number, spread = 0.25): number => r3(ms * (1 - spread + 2 * spread * r()));

function specs(h: (i: number, plain: string) => string): EndpointSpec[] {
  return [
    {
      service: h(1, 'checkout-api'),
      language: 'nodejs',
      name: h(2, 'GET /orders/:id'),
      count: 420,
      kind: 'server',
      steps: (r, scale) => [
        { name: 'pg.query:SELECT orders', cls: 'db', kind: 'client', ms: jitter(r, 3.2), attributes: { 'db.system': 'postgresql', 'db.statement': h(3, 'SELECT * FROM orders WHERE id = $1') } },
        ...Array.from({ length: 12 * scale }, (): Step => ({
          name: 'pg.query:SELECT order_items',
          cls: 'db',
          kind: 'client',
          ms: jitter(r, 1.6),
          attributes: { 'db.system': 'postgresql', 'db.statement': 'SELECT * FROM order_items WHERE order_id = $1', 'code.filepath': 'src/orders/items.js', 'code.lineno': 42 },
          tag: 'n+1',
        })),
        { name: h(4, 'redis-GET'), cls: 'cache', kind: 'client', ms: jitter(r, 0.7), attributes: { 'db.system': 'redis', 'db.statement': 'GET order:[redacted]' } },
      ],
    },
    {
      service: h(1, 'checkout-api'),
      language: 'nodejs',
      name: 'POST /checkout',
      count: 180,
      kind: 'server',
      steps: (r, scale) => [
        { name: 'pool.acquire', cls: 'pool', kind: 'internal', ms: jitter(r, 9), tag: 'pool' },
        { name: 'pg.query:INSERT carts', cls: 'db', kind: 'client', ms: jitter(r, 4), attributes: { 'db.statement': 'INSERT INTO carts (user_id) VALUES ($1)' } },
        ...Array.from({ length: scale }, (): Step[] => [
          { name: 'POST payments', cls: 'network', kind: 'client', ms: jitter(r, 46), queuedBeforeMs: jitter(r, 6), attributes: { 'http.request.method': 'POST', 'url.full': h(5, 'https://payments.internal/charge'), 'http.response.status_code': 200 }, tag: 'seq' },
          { name: 'POST inventory/reserve', cls: 'network', kind: 'client', ms: jitter(r, 31), attributes: { 'url.full': 'http://inventory:8000/reserve' }, tag: 'seq' },
          { name: 'GET shipping/quote', cls: 'network', kind: 'client', ms: jitter(r, 24), attributes: { 'url.full': 'http://shipping/quote' }, tag: 'seq' },
        ]).flat(),
        { name: 'dns.lookup', cls: 'dns', kind: 'client', ms: jitter(r, 2.5), attributes: { 'dns.hostname': 'mail.internal' } },
      ],
    },
    {
      service: h(1, 'checkout-api'),
      language: 'nodejs',
      name: 'GET /reports/daily',
      count: 40,
      kind: 'server',
      steps: (r, scale) => [
        { name: 'fs.readFile', cls: 'fs', kind: 'internal', ms: jitter(r, 5), attributes: { 'file.path': h(6, '/srv/templates/daily.hbs') } },
        ...Array.from({ length: scale }, (): Step => ({
          name: h(7, 'renderReport'),
          cls: 'in_process',
          kind: 'internal',
          ms: jitter(r, 120, 0.1),
          queuedBeforeMs: jitter(r, 14),
          attributes: { 'code.function': 'renderReport', 'code.filepath': 'src/reports/render.js', 'code.lineno': 88 },
          tag: 'block',
        })),
      ],
    },
    {
      service: h(1, 'checkout-api'),
      language: 'nodejs',
      name: 'GET /health',
      count: 900,
      kind: 'server',
      steps: () => [],
    },
    {
      service: h(8, 'inventory'),
      language: 'python',
      name: h(9, 'GET /inventory/{sku}'),
      count: 300,
      kind: 'server',
      steps: (r, scale) => [
        ...Array.from({ length: scale }, (): Step => ({ name: 'SELECT stock', cls: 'db', kind: 'client', ms: jitter(r, 38), attributes: { 'db.system': 'mysql', 'db.statement': h(10, 'SELECT qty FROM stock WHERE sku = %s FOR UPDATE') }, tag: 'slow' })),
        { name: 'redis GET', cls: 'cache', kind: 'client', ms: jitter(r, 1.1), group: 1 },
        { name: 'GET pricing', cls: 'network', kind: 'client', ms: jitter(r, 7), group: 1, attributes: { 'url.full': 'http://pricing/v1' } },
      ],
    },
    {
      service: h(1, 'checkout-api'),
      language: 'nodejs',
      name: h(11, 'orders.process'),
      count: 60,
      kind: 'consumer',
      steps: (r, scale) => [
        { name: 'kafka.receive', cls: 'messaging', kind: 'consumer', ms: jitter(r, 12), attributes: { 'messaging.system': 'kafka', 'messaging.destination.name': h(12, 'orders') } },
        ...Array.from({ length: scale }, (): Step => ({ name: 'mutex.lock inventory', cls: 'lock', kind: 'internal', ms: jitter(r, 21) })),
        { name: 'setTimeout retry', cls: 'timer', kind: 'internal', ms: jitter(r, 10) },
      ],
    },
  ];
}

interface BuiltTrace {
  detail: TraceDetail;
  stepSpans: { step: Step; spanId: string }[];
  handlerId: string;
}

function buildTrace(spec: EndpointSpec, steps: Step[], traceNo: number, startEpochMs: number, why: TraceDetail['why'], r: Rng, slowdown: number, hostileKey?: string): BuiltTrace {
  const traceId = (traceNo + 1).toString(16).padStart(8, '0').repeat(4);
  let nextId = 1;
  const id = (): string => (traceNo * 4096 + nextId++).toString(16).padStart(16, '0');
  const node = spec.language === 'nodejs';
  const gapCategory: Category = node ? 'cpu' : 'in_process_unattributed';
  const spans: WaterfallSpan[] = [];
  const path: PathSegment[] = [];
  const rootId = id();
  const handlerId = id();
  const rootOnThread: [number, number][] = [];
  const handlerOnThread: [number, number][] = [];
  const handlerQueued: [number, number][] = [];

  const gap = (spanId: string, t: number, ms: number, slices: [number, number][]): number => {
    path.push({ spanId, startMs: r3(t), endMs: r3(t + ms), category: gapCategory });
    if (node) slices.push([r3(t), r3(ms)]);
    return r3(t + ms);
  };

  let t = gap(rootId, 0, jitter(r, 0.6), rootOnThread);
  const handlerStart = t;
  t = gap(handlerId, t, jitter(r, 0.4), handlerOnThread);
  const stepSpans: BuiltTrace['stepSpans'] = [];
  let i = 0;
  while (i < steps.length) {
    const step = steps[i]!;
    // A group of steps started together: all begin at t, the path follows the longest.
    let end = i + 1;
    if (step.group !== undefined) while (end < steps.length && steps[end]!.group === step.group) end++;
    const group = steps.slice(i, end);
    i = end;
    if (node && step.queuedBeforeMs) {
      const q = step.queuedBeforeMs;
      path.push({ spanId: handlerId, startMs: t, endMs: r3(t + q), category: 'queued' });
      handlerQueued.push([t, q]);
      t = r3(t + q);
    }
    let longest = 0;
    let longestId = '';
    let longestCls: SpanClass = 'in_process';
    for (const s of group) {
      const spanId = id();
      const ms = s.cls === 'in_process' ? s.ms : r3(s.ms * slowdown);
      stepSpans.push({ step: s, spanId });
      const onThread: [number, number][] | undefined = s.cls === 'in_process' && node ? [[t, ms]] : undefined;
      spans.push({
        spanId,
        parentSpanId: handlerId,
        name: s.name,
        service: spec.service,
        kind: s.kind,
        class: s.cls,
        status: r() < 0.03 ? 'error' : 'ok',
        startMs: t,
        durationMs: ms,
        attributes: s.attributes ?? {},
        ...(onThread ? { onThread } : {}),
      });
      if (ms > longest) {
        longest = ms;
        longestId = spanId;
        longestCls = s.cls;
      }
    }
    const cat: Category = longestCls === 'in_process' ? gapCategory : longestCls;
    path.push({ spanId: longestId, startMs: t, endMs: r3(t + longest), category: cat });
    t = r3(t + longest);
    t = gap(handlerId, t, jitter(r, 0.25), handlerOnThread);
  }
  const handlerEnd = t;
  t = gap(rootId, t, jitter(r, 0.3), rootOnThread);
  const rootSpan: WaterfallSpan = {
    spanId: rootId,
    name: spec.name,
    service: spec.service,
    kind: spec.kind,
    class: 'in_process',
    status: 'ok',
    startMs: 0,
    durationMs: t,
    attributes: { 'http.route': spec.name, 'server.address': 'localhost', ...(hostileKey ? { [hostileKey]: hostileKey } : {}) },
    ...(node ? { onThread: rootOnThread } : {}),
  };
  const handler: WaterfallSpan = {
    spanId: handlerId,
    parentSpanId: rootId,
    name: `request handler - ${spec.name}`,
    service: spec.service,
    kind: 'internal',
    class: 'in_process',
    status: 'ok',
    startMs: handlerStart,
    durationMs: r3(handlerEnd - handlerStart),
    attributes: { 'code.filepath': 'src/server.js', 'code.lineno': 17 },
    ...(node ? { onThread: handlerOnThread, queued: handlerQueued } : {}),
  };
  const breakdown = emptyBreakdown();
  for (const s of path) breakdown[s.category] += s.endMs - s.startMs;
  for (const c of CATEGORIES) breakdown[c] = r3(breakdown[c]);
  path.sort((a, b) => a.startMs - b.startMs);
  return {
    detail: {
      traceId,
      service: spec.service,
      endpoint: spec.name,
      durationMs: t,
      startEpochMs,
      why,
      breakdown,
      spans: [rootSpan, handler, ...spans],
      criticalPath: path,
    },
    stepSpans,
    handlerId,
  };
}

function scaleBd(b: Breakdown, k: number): Breakdown {
  const out = emptyBreakdown();
  for (const c of CATEGORIES) out[c] = r3(b[c] * k);
  return out;
}

const STACKS: { frames: [string, FrameOrigin, string?][]; ms: number }[] = [
  { frames: [['processTicksAndRejections', 'runtime', 'node:internal/process/task_queues:95'], ['handle', 'dependency', 'node_modules/express/lib/router/layer.js:95'], ['getOrder', 'app', 'src/orders/get.js:12'], ['Query.handleRowDescription', 'dependency', 'node_modules/pg/lib/query.js:88']], ms: 180 },
  { frames: [['processTicksAndRejections', 'runtime', 'node:internal/process/task_queues:95'], ['handle', 'dependency', 'node_modules/express/lib/router/layer.js:95'], ['getOrder', 'app', 'src/orders/get.js:12'], ['parseRow', 'dependency', 'node_modules/pg-protocol/dist/parser.js:140']], ms: 140 },
  { frames: [['processTicksAndRejections', 'runtime', 'node:internal/process/task_queues:95'], ['handle', 'dependency', 'node_modules/express/lib/router/layer.js:95'], ['dailyReport', 'app', 'src/reports/daily.js:30'], ['renderReport', 'app', 'src/reports/render.js:88'], ['formatRow', 'app', 'src/reports/render.js:140']], ms: 2900 },
  { frames: [['processTicksAndRejections', 'runtime', 'node:internal/process/task_queues:95'], ['handle', 'dependency', 'node_modules/express/lib/router/layer.js:95'], ['dailyReport', 'app', 'src/reports/daily.js:30'], ['renderReport', 'app', 'src/reports/render.js:88'], ['JSON.stringify', 'runtime']], ms: 1100 },
  { frames: [['processTicksAndRejections', 'runtime', 'node:internal/process/task_queues:95'], ['handle', 'dependency', 'node_modules/express/lib/router/layer.js:95'], ['dailyReport', 'app', 'src/reports/daily.js:30'], ['compile', 'dependency', 'node_modules/handlebars/dist/cjs/handlebars/compiler/compiler.js:506']], ms: 420 },
  { frames: [['processTicksAndRejections', 'runtime', 'node:internal/process/task_queues:95'], ['handle', 'dependency', 'node_modules/express/lib/router/layer.js:95'], ['checkout', 'app', 'src/checkout/index.js:22'], ['pbkdf2Sync', 'runtime', 'node:internal/crypto/pbkdf2:61']], ms: 650 },
  { frames: [['listOnTimeout', 'runtime', 'node:internal/timers:573'], ['flushMetrics', 'app', 'src/metrics.js:9']], ms: 90 },
  { frames: [['(garbage collector)', 'runtime']], ms: 310 },
  { frames: [['(idle)', 'runtime']], ms: 800 },
  { frames: [['onStreamRead', 'runtime', 'node:internal/stream_base_commons:190'], ['Parser.parse', 'dependency', 'node_modules/pg-protocol/dist/parser.js:39']], ms: 230 },
];

function buildFlame(
  r: Rng,
  extra: number,
  h: (i: number, s: string) => string,
): { root: FlameNode; hot: HotFunction[]; byOrigin: Record<FrameOrigin, number>; totalMs: number } {
  const root: FlameNode = { name: '(root)', origin: 'runtime', valueMs: 0, children: [] };
  const stacks = STACKS.map((s) => ({ frames: s.frames, ms: s.ms }));
  stacks[2]!.frames = stacks[2]!.frames.map(([n, o, l]) => [n === 'formatRow' ? h(13, 'formatRow') : n, o, l]);
  for (let k = 0; k < extra; k++) {
    const depth = 3 + Math.floor(r() * 12);
    const frames: [string, FrameOrigin, string?][] = [['processTicksAndRejections', 'runtime', 'node:internal/process/task_queues:95']];
    for (let d = 0; d < depth; d++) {
      const origin: FrameOrigin = r() < 0.5 ? 'app' : r() < 0.7 ? 'dependency' : 'runtime';
      // A small vocabulary so that stacks share prefixes, as real ones do, and survive pruning.
      const n = Math.floor(r() * 5);
      frames.push([`${origin === 'app' ? 'app' : origin === 'dependency' ? 'lib' : 'core'}Fn${d}_${n}`, origin, `${origin === 'dependency' ? 'node_modules/lib' + n : 'src/m' + n}.js:${d * 10 + n}`]);
    }
    stacks.push({ frames, ms: r3(1 + r() * 20) });
  }
  const self = new Map<string, HotFunction>();
  for (const s of stacks) {
    root.valueMs += s.ms;
    let node = root;
    for (const [name, origin, location] of s.frames) {
      let child = node.children.find((c) => c.name === name && c.location === location);
      if (!child) {
        child = { name, origin, valueMs: 0, children: [], ...(location ? { location } : {}) };
        node.children.push(child);
      }
      child.valueMs = r3(child.valueMs + s.ms);
      node = child;
    }
    const [leafName, leafOrigin, leafLoc] = s.frames[s.frames.length - 1]!;
    const key = `${leafName}@${leafLoc ?? ''}`;
    const hf = self.get(key) ?? { name: leafName, origin: leafOrigin, selfMs: 0, totalMs: 0, selfFraction: 0, ...(leafLoc ? { location: leafLoc } : {}) };
    hf.selfMs = r3(hf.selfMs + s.ms);
    self.set(key, hf);
  }
  const totalMs = r3(root.valueMs);
  root.valueMs = totalMs;
  const total = (n: FlameNode, key: string, acc: { v: number }): void => {
    if (`${n.name}@${n.location ?? ''}` === key) {
      acc.v += n.valueMs;
      return;
    }
    for (const c of n.children) total(c, key, acc);
  };
  const hot = [...self.entries()]
    .sort((a, b) => b[1].selfMs - a[1].selfMs)
    .slice(0, 30)
    .map(([key, hf]) => {
      const acc = { v: 0 };
      total(root, key, acc);
      return { ...hf, totalMs: r3(acc.v), selfFraction: r3(hf.selfMs / totalMs), onCriticalPathMs: r3(hf.selfMs * 0.6) };
    });
  // Like the analyzer: drop nodes under 0.1 % of the total to bound the report.
  const prune = (n: FlameNode): void => {
    n.children = n.children.filter((c) => c.valueMs >= totalMs * 0.001);
    for (const c of n.children) prune(c);
  };
  prune(root);
  const byOrigin: Record<FrameOrigin, number> = { app: 0, dependency: 0, runtime: 0 };
  for (const s of stacks) byOrigin[s.frames[s.frames.length - 1]![1]] += s.ms;
  for (const k of Object.keys(byOrigin) as FrameOrigin[]) byOrigin[k] = r3(byOrigin[k]);
  return { root, hot, byOrigin, totalMs };
}

function buildTimeline(r: Rng, pid: number, startEpochMs: number, seconds: number, h: (i: number, s: string) => string): Timeline {
  const points = [];
  const gc = [];
  const concurrency = [];
  for (let s = 0; s < seconds; s++) {
    const busy = s % 30 > 20; // a report burst every 30 s
    const loop = busy ? 40 + r() * 80 : 10 + r() * 3;
    points.push({
      tMs: s * 1000,
      loopDelayP99Ms: r3(loop),
      loopDelayMaxMs: r3(loop * (1.2 + r())),
      elu: r3(busy ? 0.75 + r() * 0.2 : 0.15 + r() * 0.15),
      cpuPct: r3(busy ? 85 + r() * 15 : 12 + r() * 20),
      heapUsedMb: r3(60 + (s % 45) * 1.4 + r() * 4),
      rssMb: r3(140 + s * 0.05),
      openSpans: Math.round(busy ? 40 + r() * 20 : 8 + r() * 6),
    });
    concurrency.push({ tMs: s * 1000, inFlight: Math.round(busy ? 25 + r() * 15 : 3 + r() * 5) });
    if (r() < 0.6) gc.push({ tMs: r3(s * 1000 + r() * 1000), durationMs: r3(0.3 + r() * 2), kind: h(14, 'minor') });
    if (s % 45 === 44) gc.push({ tMs: r3(s * 1000 + 500), durationMs: r3(18 + r() * 10), kind: 'major' });
  }
  return { pid, startEpochMs, points, gc, concurrency, profilerActive: true };
}

function percentile(sorted: number[], q: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
}

export function buildAnalysis(options: FixtureOptions = {}): Analysis {
  const { seed = 7, hostile = false, endpointCopies = 1, stepsScale = 1, extraStacks = 0, timelineSeconds = 120, slowdown = 1 } = options;
  const withProfile = options.withProfile ?? true;
  const withTimelines = options.withTimelines ?? true;
  const r: Rng = seededRandom(seed);
  const h = (i: number, plain: string): string => (hostile ? `${plain} ${xss(i)}` : plain);
  const start = Date.UTC(2026, 10, 23, 14, 0, 0);

  const endpoints: EndpointSummary[] = [];
  const traces: TraceDetail[] = [];
  const evidenceTraces = new Map<string, BuiltTrace>();
  let traceNo = 0;
  let totalSpans = 0;

  const base = specs(h);
  const all: EndpointSpec[] = [];
  for (let c = 0; c < endpointCopies; c++) {
    for (const s of base) all.push(c === 0 ? s : { ...s, name: `${s.name} #${c + 1}`, count: Math.max(5, Math.round(s.count / (c + 1))) });
  }

  for (const spec of all) {
    // Per-request samples: a handful of traces stand in for the endpoint's distribution.
    const samples: BuiltTrace[] = [];
    for (let k = 0; k < 6; k++) samples.push(buildTrace(spec, spec.steps(r, stepsScale), traceNo++, start + r() * 100_000, 'representative', r, slowdown * (k === 5 ? 1.6 : 1), hostile ? xss(k + 30) : undefined));
    const durations = samples.map((s) => s.detail.durationMs).sort((a, b) => a - b);
    const mean = emptyBreakdown();
    for (const s of samples) for (const c of CATEGORIES) mean[c] += s.detail.breakdown[c] / samples.length;
    const meanBd = scaleBd(mean, 1);
    const p95Bd = emptyBreakdown();
    for (const c of CATEGORIES) p95Bd[c] = r3(Math.max(...samples.map((s) => s.detail.breakdown[c])));
    const bd = scaleBd(mean, spec.count);
    endpoints.push({
      service: spec.service,
      name: spec.name,
      language: spec.language,
      count: spec.count,
      errors: Math.round(spec.count * 0.01),
      p50Ms: r3(percentile(durations, 0.5)),
      p95Ms: r3(percentile(durations, 0.95)),
      p99Ms: r3(durations[durations.length - 1]!),
      breakdown: bd,
      fractions: fractionsOf(bd),
      meanBreakdown: meanBd,
      p95Breakdown: p95Bd,
    });
    const slowest = samples[5]!;
    slowest.detail.why = 'slowest';
    traces.push(slowest.detail, samples[2]!.detail);
    totalSpans += spec.count * (slowest.detail.spans.length - 1);
    if (!evidenceTraces.has(spec.name)) evidenceTraces.set(spec.name, slowest);
  }

  const summaryBd = emptyBreakdown();
  for (const e of endpoints) for (const c of CATEGORIES) summaryBd[c] += e.breakdown[c];
  const criticalPathMs = r3(CATEGORIES.reduce((a, c) => a + summaryBd[c], 0));
  const totalTraces = endpoints.reduce((a, e) => a + e.count, 0);
  const allP95 = endpoints.map((e) => e.p95Ms).sort((a, b) => a - b);

  const ev = (endpointName: string, tag: string): Fix['evidence'] => {
    const bt = evidenceTraces.get(endpointName);
    if (!bt) return [];
    const ids = bt.stepSpans.filter((s) => s.step.tag === tag).map((s) => s.spanId);
    const loc = bt.stepSpans.find((s) => s.step.tag === tag)?.step.attributes?.['code.filepath'];
    const line = bt.stepSpans.find((s) => s.step.tag === tag)?.step.attributes?.['code.lineno'];
    return [{ traceId: bt.detail.traceId, parentSpanId: bt.handlerId, spanIds: ids, ...(loc ? { location: `${loc}:${line}` } : {}) }];
  };
  const [orders, checkout, reports, , inventory, consumer] = base;
  const fixList: Omit<Fix, 'rank' | 'savingFraction'>[] = [
    {
      detector: 'n-plus-one',
      detectorName: 'N+1 queries',
      title: h(15, 'Batch the 12 order_items queries in GET /orders/:id'),
      why: h(16, 'Each request runs SELECT * FROM order_items 12 times in a row, 19 ms of its 26 ms critical path.'),
      savingMs: 6800,
      standaloneSavingMs: 6800,
      confidence: 'high',
      service: orders!.service,
      endpoint: orders!.name,
      affectedTraces: 420,
      advice: {
        language: 'nodejs',
        text: h(17, 'Load the items of all orders in one query with = ANY($1), or use a DataLoader.'),
        sketch: h(18, "const { rows } = await pool.query(\n  'SELECT * FROM order_items WHERE order_id = ANY($1)',\n  [orderIds],\n);"),
      },
      evidence: ev(orders!.name, 'n+1'),
      details: { calls: 12, statement: 'SELECT * FROM order_items WHERE order_id = $1', ...(hostile ? { note: xss(25) } : {}) },
    },
    {
      detector: 'sequential-io',
      detectorName: 'sequential I/O',
      title: 'Run the payments, inventory and shipping calls of POST /checkout together',
      why: 'Three independent HTTP calls wait one after the other: 101 ms in sequence, 46 ms if run together.',
      savingMs: 9500,
      standaloneSavingMs: 9900,
      confidence: 'high',
      service: checkout!.service,
      endpoint: checkout!.name,
      affectedTraces: 180,
      advice: { language: 'nodejs', text: 'Start the three requests, then await them with Promise.all.', sketch: 'const [pay, stock, quote] = await Promise.all([\n  charge(cart),\n  reserve(cart.items),\n  shippingQuote(cart.address),\n]);' },
      evidence: ev(checkout!.name, 'seq'),
      details: { calls: 3, target: 'payments.internal, inventory, shipping' },
    },
    {
      detector: 'event-loop-blocking',
      detectorName: 'event-loop blocking',
      title: h(19, 'Move renderReport off the event loop'),
      why: 'renderReport runs 120 ms on the JavaScript thread per call; every other request waits behind it (queued 14 ms on average).',
      savingMs: 4300,
      standaloneSavingMs: 4300,
      confidence: 'medium',
      service: reports!.service,
      endpoint: reports!.name,
      affectedTraces: 40,
      advice: { language: 'nodejs', text: 'Run the rendering in a worker thread (piscina) or precompute the report.', sketch: "import Piscina from 'piscina';\nconst pool = new Piscina({ filename: new URL('./render-worker.js', import.meta.url).href });\nconst html = await pool.run(data);" },
      evidence: ev(reports!.name, 'block').map((e) => ({ ...e, location: 'src/reports/render.js:88' })),
      details: { function: 'renderReport', onThreadMs: 120 },
    },
    {
      detector: 'slow-query',
      detectorName: 'slow query',
      title: 'Index stock.sku for GET /inventory/{sku}',
      why: 'SELECT qty FROM stock ... FOR UPDATE takes 38 ms at p50, 80 % of the endpoint critical path.',
      savingMs: 8100,
      standaloneSavingMs: 8100,
      confidence: 'medium',
      service: inventory!.service,
      endpoint: inventory!.name,
      affectedTraces: 300,
      advice: { language: 'python', text: 'Add an index on sku and drop FOR UPDATE if the row is only read.', sketch: 'cursor.execute(\n    "SELECT qty FROM stock WHERE sku = %s", (sku,)\n)' },
      evidence: ev(inventory!.name, 'slow'),
      details: { statement: 'SELECT qty FROM stock WHERE sku = %s FOR UPDATE' },
    },
    {
      detector: 'pool-exhaustion',
      detectorName: 'pool exhaustion',
      title: 'Raise the pg pool size (max 10) for POST /checkout',
      why: 'Requests wait 9 ms for a connection at 25 requests in flight; the pool is the queue, not the database.',
      savingMs: 1500,
      standaloneSavingMs: 1620,
      confidence: 'low',
      service: checkout!.service,
      endpoint: checkout!.name,
      affectedTraces: 180,
      advice: { language: 'nodejs', text: 'Size the pool to the concurrency you serve (new Pool({ max: 30 })) and check the database allows it.' },
      evidence: ev(checkout!.name, 'pool'),
      details: { pool: 'pg', max: 10 },
    },
    {
      detector: 'lock-contention',
      detectorName: 'lock contention',
      title: 'Shard the inventory mutex in orders.process',
      why: 'Messages wait 21 ms on one process-wide mutex.',
      savingMs: 900,
      standaloneSavingMs: 900,
      confidence: 'low',
      service: consumer!.service,
      endpoint: consumer!.name,
      affectedTraces: 60,
      advice: { language: 'nodejs', text: 'Lock per SKU (hash(sku) % N) instead of one lock for everything.' },
      evidence: [],
      details: { lock: 'inventory' },
    },
  ];
  const fixes: Fix[] = fixList
    .filter((f) => !options.dropFixes?.includes(f.detector))
    .sort((a, b) => b.savingMs - a.savingMs)
    .map((f, i) => ({ ...f, rank: i + 1, savingFraction: r3(f.savingMs / criticalPathMs) }));

  const services: ServiceSummary[] = [];
  for (const e of endpoints) {
    let s = services.find((x) => x.service === e.service);
    if (!s) {
      s = { service: e.service, language: e.language, traces: 0, spans: 0, breakdown: emptyBreakdown(), fractions: fractionsOf(emptyBreakdown()) };
      services.push(s);
    }
    s.traces += e.count;
    for (const c of CATEGORIES) s.breakdown[c] = r3(s.breakdown[c] + e.breakdown[c]);
    s.fractions = fractionsOf(s.breakdown);
  }
  for (const s of services) s.spans = Math.round(totalSpans * (s.traces / totalTraces));

  const flame = buildFlame(r, extraStacks, h);
  const fr = fractionsOf(summaryBd);
  const topWait = (['db', 'network', 'cache', 'pool', 'lock'] as const).reduce((a, b) => (summaryBd[a] >= summaryBd[b] ? a : b));
  return {
    schemaVersion: 1,
    generator: { name: 'timesink', version: '0.1.0', createdAt: '2026-11-23T15:00:00.000Z' },
    inputs: {
      files: [
        { path: h(20, 'recordings/checkout-api/spans.jsonl'), format: 'timesink', spans: Math.round(totalSpans * 0.8) },
        { path: 'traces/inventory.otlp.json', format: 'otlp-json', spans: Math.round(totalSpans * 0.2), ...(options.partial ? { partial: true } : {}) },
      ],
      services: services.map((s) => s.service),
      languages: ['nodejs', 'python'],
      startEpochMs: start,
      endEpochMs: start + timelineSeconds * 1000,
      hasRuntimeData: withTimelines,
      hasOnThreadData: true,
    },
    summary: {
      traces: totalTraces,
      spans: totalSpans,
      criticalPathMs,
      breakdown: scaleBd(summaryBd, 1),
      fractions: fr,
      p50Ms: allP95[0] ?? 0,
      p95Ms: allP95[allP95.length - 1] ?? 0,
      p99Ms: r3((allP95[allP95.length - 1] ?? 0) * 1.3),
      verdict: h(21, `Mostly waiting: ${Math.round(fr.waiting * 100)} % of the critical path is I/O, led by ${topWait}; ${Math.round(fr.computing * 100)} % computing, ${Math.round(fr.queued * 100)} % queued on the event loop.`),
    },
    endpoints,
    services,
    fixes,
    traces,
    timelines: withTimelines ? [buildTimeline(r, 4242, start, timelineSeconds, h)] : [],
    ...(withProfile
      ? { profile: { source: h(22, 'recordings/checkout-api/profile'), format: '0x', totalMs: flame.totalMs, timed: true, hotFunctions: flame.hot, flamegraph: flame.root, byOrigin: flame.byOrigin } }
      : {}),
    partial: options.partial ?? false,
    warnings: [
      { code: 'orphan-rerooted', message: h(23, '3 spans had a parent that was never recorded; they were attached to their trace root.'), count: 3 },
      { code: 'clipped-overflow', message: 'Some child spans ended after their parent; they were clipped to the parent end.', count: 11, file: 'traces/inventory.otlp.json' },
    ],
    redacted: true,
  };
}
