import type { Span } from '../../model/span.js';
import type { AnalyzedTrace } from '../../model/trace.js';
import { isIo } from './spans.js';

/**
 * One parent's children, with the subsets that the sibling detectors (sequential-io, n-plus-one, retry-storm,
 * concurrency-limit, fine-granularity) all start from. Each subset is computed on first use and then shared: those
 * detectors used to filter every parent's children separately, five walks of every trace for the same lists.
 * The lists are shared between detectors: callers copy before sorting or otherwise changing them.
 */
export class SiblingGroup {
  private awaitedMemo: readonly Span[] | undefined;
  private awaitedIoMemo: readonly Span[] | undefined;
  private anyErrorMemo: boolean | undefined;

  constructor(
    readonly at: AnalyzedTrace,
    readonly parentId: string,
    /** Every child, sorted by start (model/ order), FOLLOWS_FROM ones included. */
    readonly kids: readonly Span[],
  ) {}

  /** The children the parent waits for (FOLLOWS_FROM excluded): `kids` itself when none is fire-and-forget. */
  get awaited(): readonly Span[] {
    if (this.awaitedMemo === undefined) {
      const kids = this.kids;
      this.awaitedMemo = kids.some((k) => k.followsFrom) ? kids.filter((k) => !k.followsFrom) : kids;
    }
    return this.awaitedMemo;
  }

  /** The awaited children that are I/O calls, in the same order. */
  get awaitedIo(): readonly Span[] {
    return (this.awaitedIoMemo ??= this.awaited.filter(isIo));
  }

  /** Whether any child (awaited or not) failed. */
  get anyError(): boolean {
    return (this.anyErrorMemo ??= this.kids.some((k) => k.status === 'error'));
  }
}

// Built once per set of traces (one analysis), on the first detector's ask: one flat list, so a detector makes one
// lookup rather than one per trace (a WeakMap lookup per trace and detector ate much of what the sharing saved).
const groupsByTraces = new WeakMap<readonly AnalyzedTrace[], readonly SiblingGroup[]>();

/** Every parent of every trace with its children: traces in order, parents in the order of `trace.children`. */
export function siblingGroups(traces: readonly AnalyzedTrace[]): readonly SiblingGroup[] {
  let groups = groupsByTraces.get(traces);
  if (groups === undefined) {
    const list: SiblingGroup[] = [];
    for (const at of traces) for (const [parentId, kids] of at.trace.children) list.push(new SiblingGroup(at, parentId, kids));
    groupsByTraces.set(traces, (groups = list));
  }
  return groups;
}
