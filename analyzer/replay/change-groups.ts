import type { Fix } from '../model/analysis.js';
import type { Finding } from '../detectors/types.js';
import { MAX_EVIDENCE } from '../detectors/support/occurrences.js';
import type { Change } from './change.js';

const CONFIDENCE_ORDER: readonly Fix['confidence'][] = ['low', 'medium', 'high'];

/**
 * Findings that declare the same change group become one finding: one edit, one fix. Its changes are all the
 * members' changes per trace (replay applies them together, so the saving is the joint one, not a sum of separate
 * savings), its confidence the lowest of the members', its evidence taken in turn from each member. A group of one
 * stays as it was (its own title). Order: each merged finding sits where its first member was.
 */
export function mergeChangeGroups(findings: readonly Finding[]): Finding[] {
  const byKey = new Map<string, Finding[]>();
  for (const f of findings) {
    if (!f.changeGroup) continue;
    let list = byKey.get(f.changeGroup.key);
    if (!list) byKey.set(f.changeGroup.key, (list = []));
    list.push(f);
  }
  const out: Finding[] = [];
  const done = new Set<string>();
  for (const f of findings) {
    const key = f.changeGroup?.key;
    const members = key === undefined ? undefined : byKey.get(key)!;
    if (key === undefined || !members || members.length < 2) {
      out.push(f);
      continue;
    }
    if (done.has(key)) continue;
    done.add(key);
    out.push(merged(members));
  }
  return out;
}

function merged(members: readonly Finding[]): Finding {
  const first = members[0];
  const changes = new Map<string, Change[]>();
  for (const m of members) {
    for (const [traceId, list] of m.changes) {
      const into = changes.get(traceId);
      if (into) into.push(...list);
      else changes.set(traceId, [...list]);
    }
  }
  const evidence: Finding['evidence'] = [];
  for (let i = 0; evidence.length < MAX_EVIDENCE; i++) {
    let any = false;
    for (const m of members) {
      if (i < m.evidence.length && evidence.length < MAX_EVIDENCE) {
        evidence.push(m.evidence[i]);
        any = true;
      }
    }
    if (!any) break;
  }
  const confidence = members.reduce<Fix['confidence']>(
    (c, m) => (CONFIDENCE_ORDER.indexOf(m.confidence) < CONFIDENCE_ORDER.indexOf(c) ? m.confidence : c),
    'high',
  );
  const endpoints = new Set(members.map((m) => m.endpoint));
  return {
    ...first,
    title: first.changeGroup!.title,
    why: first.changeGroup!.why,
    confidence,
    endpoint: endpoints.size === 1 ? first.endpoint : undefined,
    evidence,
    changes,
    details: { ...first.details, mergedFindings: members.length },
  };
}
