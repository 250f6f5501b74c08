import type { Span } from '../model/span.js';
import type { AnalyzedTrace } from '../model/trace.js';
import type { Detector, DetectorContext, Finding } from './types.js';
import { setting } from './support/config.js';
import { callLabel, callTemplate, classOf, durationUs, locationOf, statementOf } from './support/spans.js';
import { locationFallback } from './support/location-fallback.js';
import { findingOf, groupBy, traceCount, type Occurrence } from './support/occurrences.js';
import { fmtUs, median, sum } from './support/stats.js';
import { subtreeOnPathUs } from './support/path.js';
import type { Change } from '../replay/change.js';
import { serializedGroups } from './support/serialized.js';
import { memoTest } from '../classify/memo-regex.js';

/** Statements that *wait for a lock* as their main job. Row locks (FOR UPDATE) count when they run long. */
const LOCK_STATEMENT = /\b(?:pg_advisory(?:_xact)?_lock|get_lock\s*\(|lock\s+tables?\b|for\s+update\b|for\s+share\b)/i;

// Every span's statement is tested (twice): statements repeat, so each distinct text is scanned once.
const isLockStatement = memoTest(LOCK_STATEMENT);

/**
 * lock-contention: lock waits on the critical path — lock-class spans (mutex, semaphore, advisory locks), and
 * locking statements that take far longer than the same statement's fastest run (the rest was waiting for another
 * holder), and calls to one shared resource that serves concurrent requests one at a time (support/serialized.ts).
 * Change: remove the lock-class wait; shorten a locking statement to its fastest observed duration, and a serialised
 * call to the resource's uncontended service time.
 */
export const lockContention: Detector<'lock-contention'> = {
  id: 'lock-contention',
  name: 'lock contention',
  advice: {
    generic: { text: 'Requests queue for a shared lock: hold it for less time, shard it, or replace it with a lock-free structure or a queue.' },
    byLanguage: {
      nodejs: { text: 'Shorten the critical section (do the awaits outside the lock), shard the lock by key, or replace row locks (SELECT … FOR UPDATE) with atomic updates.', sketch: "await db.query('UPDATE stock SET qty = qty - $1 WHERE id = $2 AND qty >= $1', [n, id]);" },
      python: { text: 'Keep the critical section short, shard the lock by hash(key) % N, or accumulate per thread/task and merge.', sketch: 'locks = [threading.Lock() for _ in range(16)]\nwith locks[hash(key) % 16]:\n    counts[key] += 1' },
      go: { text: 'Shorten the critical section, shard the mutex by key, or use sync/atomic or a channel owner goroutine.' },
      java: { text: 'Shorten the synchronized section, use ConcurrentHashMap / LongAdder, or stripe locks by key.' },
    },
  },
  detect(ctx: DetectorContext): Finding[] {
    const fallback = locationFallback(ctx.traces);
    const minWaitUs = setting(ctx, 'lock-contention.minWaitMs') * 1000;
    // One pass over every span keeps the few lock-class spans and locking statements (the second loop below goes
    // over those only), and the fastest run of each locking statement template: its uncontended cost.
    const fastest = new Map<string, number>();
    const lockAts: AnalyzedTrace[] = [];
    const lockSpans: Span[] = [];
    for (const at of ctx.traces)
      for (const s of at.trace.spans) {
        const sql = statementOf(s);
        const locking = sql !== undefined && isLockStatement(sql);
        if (locking) {
          const k = `${s.service}\u0000${callTemplate(s)}`;
          fastest.set(k, Math.min(fastest.get(k) ?? Number.POSITIVE_INFINITY, durationUs(s)));
        }
        if (locking || classOf(s) === 'lock') {
          lockAts.push(at);
          lockSpans.push(s);
        }
      }
    const occs: (Occurrence & { key: string; name: string; waitUs: number })[] = [];
    const claimed = new Set<string>();
    for (let i = 0; i < lockSpans.length; i++) {
      const at = lockAts[i];
      const span = lockSpans[i];
      let change: Change | undefined;
      let waitUs = 0;
      const sql = statementOf(span);
      if (classOf(span) === 'lock') {
        waitUs = durationUs(span);
        change = { type: 'remove', spanIds: [span.spanId] };
      } else if (sql && isLockStatement(sql)) {
        const base = fastest.get(`${span.service}\u0000${callTemplate(span)}`) ?? durationUs(span);
        waitUs = durationUs(span) - base;
        change = { type: 'shorten', spanId: span.spanId, byUs: waitUs };
      }
      // The path check last: it walks the span's subtree.
      if (!change || waitUs < minWaitUs || subtreeOnPathUs(at, span.spanId) <= 0) continue;
      claimed.add(span.spanId);
      const name = sql ? callLabel(span) : span.name;
      occs.push({
        at,
        key: `${at.service}\u0000${name}`,
        name,
        waitUs,
        changes: [change],
        evidence: { traceId: at.trace.traceId, parentSpanId: span.parentSpanId, spanIds: [span.spanId], location: locationOf([span], fallback) },
        spentUs: waitUs,
        language: span.language,
      });
    }
    // One shared resource serving concurrent requests one at a time (support/serialized.ts).
    const serialized = new Set<string>();
    for (const g of serializedGroups(ctx.traces, setting(ctx, 'lock-contention.minSerializedCalls'))) {
      for (const { at, span } of g.calls) {
        if (claimed.has(span.spanId)) continue; // already a lock wait above: one change per span
        const waitUs = durationUs(span) - g.baseUs;
        if (waitUs < minWaitUs || subtreeOnPathUs(at, span.spanId) <= 0) continue;
        const name = callLabel(span);
        serialized.add(`${at.service}\u0000${name}`);
        occs.push({
          at,
          key: `${at.service}\u0000${name}`,
          name,
          waitUs,
          changes: [{ type: 'shorten', spanId: span.spanId, byUs: waitUs }],
          evidence: { traceId: at.trace.traceId, parentSpanId: span.parentSpanId, spanIds: [span.spanId], location: locationOf([span], fallback) },
          spentUs: waitUs,
          language: span.language,
        });
      }
    }
    const findings: Finding[] = [];
    for (const group of groupBy(occs, (o) => o.key).values()) {
      const first = group[0];
      const queue = serialized.has(first.key);
      findings.push(
        findingOf(lockContention, group, {
          title: queue ? `Concurrent requests are served one at a time by "${first.name}"` : `Requests queue for a lock (${first.name})`,
          why: `${traceCount(group)} requests of ${first.at.service} wait for "${first.name}": ${fmtUs(median(group.map((o) => o.waitUs)))} median, ${fmtUs(sum(group.map((o) => o.waitUs)))} in total.`,
          // Serialisation is inferred from timing alone: the resource may be slow under load for other reasons.
          confidence: queue ? 'low' : 'medium',
          details: { waits: group.length, ...(queue ? { serialized: true } : {}) },
        }),
      );
    }
    return findings;
  },
};
