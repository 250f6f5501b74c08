import { CATEGORIES, COMPUTE_CATEGORIES, WAIT_CATEGORIES, type Category } from '../analyzer/model/categories.js';
import type { Analysis, DetectorId } from '../analyzer/model/analysis.js';
import { DETECTOR_IDS } from '../analyzer/detectors/registry.js';

/**
 * `--fail-on` gates: small expressions evaluated against an analysis, for CI.
 *
 *   queued>20%        share of critical-path time (a category, or waiting|computing|queued|unattributed)
 *   db>=40ms          mean ms per request of a category or group
 *   p95>300ms         latency percentile over all requests (p50, p95, p99)
 *   fix:n-plus-one    any fix from that detector
 *   fix:any>10%       any fix (or a named detector's) saving more than 10 % of the total
 *
 * Several gates: repeat the flag or separate with commas; the run fails if any holds.
 */

type Op = '>' | '>=' | '<' | '<=';
type Group = 'waiting' | 'computing' | 'queued' | 'unattributed';

export type Gate =
  | { kind: 'share'; source: string; subject: Category | Group; op: Op; value: number }
  | { kind: 'mean'; source: string; subject: Category | Group; op: Op; valueMs: number }
  | { kind: 'latency'; source: string; percentile: 'p50' | 'p95' | 'p99'; op: Op; valueMs: number }
  | { kind: 'fix'; source: string; detector: DetectorId | 'any'; op?: Op; value?: number };

export interface GateResult {
  gate: Gate;
  held: boolean;
  /** What was measured, for the message. */
  actual: string;
}

const GROUPS: readonly Group[] = ['waiting', 'computing', 'queued', 'unattributed'];
const GROUP_MEMBERS: Record<Group, readonly Category[]> = {
  waiting: WAIT_CATEGORIES,
  computing: COMPUTE_CATEGORIES,
  queued: ['queued'],
  unattributed: ['in_process_unattributed'],
};
const DETECTORS: readonly string[] = DETECTOR_IDS;

const COMPARISON = /^([a-z0-9_]+)\s*(>=|<=|>|<)\s*([0-9]+(?:\.[0-9]+)?)\s*(%|ms|s)?$/;
const FIX = /^fix:([a-z-]+)(?:\s*(>=|<=|>|<)\s*([0-9]+(?:\.[0-9]+)?)\s*(%))?$/;

export class GateSyntaxError extends Error {}

export function parseGates(specs: readonly string[]): Gate[] {
  return specs
    .flatMap((s) => s.split(','))
    .map((s) => s.trim())
    .filter((s) => s.length > 0)
    .map(parseGate);
}

function isSubject(name: string): name is Category | Group {
  return (CATEGORIES as readonly string[]).includes(name) || (GROUPS as readonly string[]).includes(name);
}

export function parseGate(source: string): Gate {
  const text = source.toLowerCase();
  const fix = FIX.exec(text);
  if (fix) {
    const detector = fix[1]!;
    if (detector !== 'any' && !DETECTORS.includes(detector)) {
      throw new GateSyntaxError(`--fail-on '${source}': unknown detector '${detector}' (one of: any, ${DETECTORS.join(', ')})`);
    }
    if (fix[2] === undefined) return { kind: 'fix', source, detector: detector as DetectorId | 'any' };
    return { kind: 'fix', source, detector: detector as DetectorId | 'any', op: fix[2] as Op, value: Number(fix[3]) / 100 };
  }
  const m = COMPARISON.exec(text);
  if (!m) {
    throw new GateSyntaxError(
      `--fail-on '${source}': expected e.g. 'queued>20%', 'db>40ms', 'p95>300ms', 'fix:n-plus-one' or 'fix:any>10%'`,
    );
  }
  const [, name, op, num, unit] = m as unknown as [string, string, Op, string, string | undefined];
  const value = Number(num);
  if (name === 'p50' || name === 'p95' || name === 'p99') {
    if (unit === '%') throw new GateSyntaxError(`--fail-on '${source}': a percentile takes a time (ms or s), not %`);
    return { kind: 'latency', source, percentile: name, op, valueMs: unit === 's' ? value * 1000 : value };
  }
  if (!isSubject(name)) {
    throw new GateSyntaxError(
      `--fail-on '${source}': unknown measure '${name}' (a category: ${CATEGORIES.join(', ')}; a group: ${GROUPS.join(', ')}; or p50/p95/p99)`,
    );
  }
  if (unit === '%') return { kind: 'share', source, subject: name, op, value: value / 100 };
  if (unit === 'ms' || unit === 's') return { kind: 'mean', source, subject: name, op, valueMs: unit === 's' ? value * 1000 : value };
  throw new GateSyntaxError(`--fail-on '${source}': give a unit: % of request time, or ms/s per request`);
}

function compare(actual: number, op: Op, limit: number): boolean {
  switch (op) {
    case '>':
      return actual > limit;
    case '>=':
      return actual >= limit;
    case '<':
      return actual < limit;
    case '<=':
      return actual <= limit;
  }
}

function subjectMs(a: Analysis, subject: Category | Group): number {
  const members: readonly Category[] = (GROUPS as readonly string[]).includes(subject)
    ? GROUP_MEMBERS[subject as Group]
    : [subject as Category];
  return members.reduce((sum, c) => sum + a.summary.breakdown[c], 0);
}

const pct = (f: number): string => `${(f * 100).toFixed(1)} %`;

export function evaluateGate(a: Analysis, gate: Gate): GateResult {
  const total = a.summary.criticalPathMs;
  const requests = Math.max(1, a.summary.traces);
  switch (gate.kind) {
    case 'share': {
      const share = total > 0 ? subjectMs(a, gate.subject) / total : 0;
      return { gate, held: compare(share, gate.op, gate.value), actual: `${gate.subject} is ${pct(share)} of request time` };
    }
    case 'mean': {
      const mean = subjectMs(a, gate.subject) / requests;
      return { gate, held: compare(mean, gate.op, gate.valueMs), actual: `${gate.subject} is ${mean.toFixed(1)} ms per request` };
    }
    case 'latency': {
      const ms = a.summary[`${gate.percentile}Ms`];
      return { gate, held: compare(ms, gate.op, gate.valueMs), actual: `${gate.percentile} is ${ms.toFixed(1)} ms` };
    }
    case 'fix': {
      const fixes = a.fixes.filter((f) => gate.detector === 'any' || f.detector === gate.detector);
      if (gate.op === undefined || gate.value === undefined) {
        return { gate, held: fixes.length > 0, actual: fixes.length ? `${fixes.length} ${gate.detector} fix(es) found` : 'no such fix' };
      }
      const best = fixes.reduce((m, f) => Math.max(m, f.savingFraction), 0);
      const op = gate.op;
      const limit = gate.value;
      return { gate, held: fixes.some((f) => compare(f.savingFraction, op, limit)), actual: `best ${gate.detector} fix saves ${pct(best)}` };
    }
  }
}

export function evaluateGates(a: Analysis, gates: readonly Gate[]): GateResult[] {
  return gates.map((g) => evaluateGate(a, g));
}
