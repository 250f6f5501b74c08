import type { AttrValue, Attributes, Span } from '../model/span.js';
import { NO_EVENTS, NO_LINKS } from './new-span.js';

/*
 * Spans packed into typed arrays and one string table, to cross from a reading worker to the main thread
 * (split-read.ts). Structured-cloning Span objects costs the receiver ~4 µs a span, about as much as reading them
 * from JSON in the first place; rebuilding them from these columns costs ~1 µs. Exact: every Span field survives.
 */

/** Int32 slots per span. */
const INTS = 16;
const [TRACE, SPAN, PARENT, NAME, KIND, SERVICE, LANGUAGE, SCOPE, STATUS, STATUS_MESSAGE, FLAGS, ATTRS, EXTRA, CLASS, TEMPLATE, IDENTITY] =
  Array.from({ length: INTS }, (_, i) => i);
/** Float64 slots per span: start, end, pid, blockedUs (NaN when absent). */
const FLOATS = 4;
/** Int32 slots per attribute: key (string), type, reference (string, number or extra index). */
const ATTR_INTS = 3;

const NONE = -1;
const enum Flag {
  FollowsFromSet = 1,
  FollowsFrom = 2,
  UnfinishedSet = 4,
  Unfinished = 8,
}
const enum ValueType {
  String = 0,
  Number = 1,
  True = 2,
  False = 3,
  Null = 4,
  /** An array value, structured-cloned in `extras`. */
  Extra = 5,
}

/** Strings up to this length are shared through the table; longer ones are rarely repeated. */
const MAX_SHARED = 256;

export interface EncodedSpans {
  count: number;
  strings: string[];
  ints: Int32Array<ArrayBuffer>;
  floats: Float64Array<ArrayBuffer>;
  attrs: Int32Array<ArrayBuffer>;
  numbers: Float64Array<ArrayBuffer>;
  /** Rare structured parts (events, links, on-thread slices, array attribute values), structured-cloned. */
  extras: unknown[];
}

/** The ArrayBuffers of `e`, for `postMessage`'s transfer list (moved, not copied). */
export function transferablesOf(e: EncodedSpans): ArrayBuffer[] {
  return [e.ints.buffer, e.floats.buffer, e.attrs.buffer, e.numbers.buffer];
}

export function encodeSpans(spans: readonly Span[]): EncodedSpans {
  const n = spans.length;
  const strings: string[] = [];
  const shared = new Map<string, number>();
  const share = (s: string): number => {
    let i = shared.get(s);
    if (i === undefined) {
      i = strings.length;
      strings.push(s);
      if (s.length <= MAX_SHARED) shared.set(s, i);
    }
    return i;
  };
  const unique = (s: string): number => strings.push(s) - 1;
  const optional = (s: string | undefined): number => (s === undefined ? NONE : share(s));
  const ints = new Int32Array(n * INTS);
  const floats = new Float64Array(n * FLOATS);
  let attrs = new Int32Array(Math.max(64, n * 8 * ATTR_INTS));
  let numbers = new Float64Array(Math.max(16, n));
  let a = 0;
  let nums = 0;
  const extras: unknown[] = [];
  let lastTrace: string | undefined;
  let lastTraceIndex = NONE;
  for (let k = 0; k < n; k++) {
    const s = spans[k];
    const i = k * INTS;
    // Ids are unique, except the trace id of neighbouring spans.
    if (s.traceId !== lastTrace) {
      lastTrace = s.traceId;
      lastTraceIndex = unique(s.traceId);
    }
    ints[i + TRACE] = lastTraceIndex;
    ints[i + SPAN] = unique(s.spanId);
    ints[i + PARENT] = s.parentSpanId === undefined ? NONE : unique(s.parentSpanId);
    ints[i + NAME] = share(s.name);
    ints[i + KIND] = share(s.kind);
    ints[i + SERVICE] = share(s.service);
    ints[i + LANGUAGE] = share(s.language);
    ints[i + SCOPE] = optional(s.scope);
    ints[i + STATUS] = share(s.status);
    ints[i + STATUS_MESSAGE] = optional(s.statusMessage);
    ints[i + FLAGS] =
      (s.followsFrom === undefined ? 0 : Flag.FollowsFromSet | (s.followsFrom ? Flag.FollowsFrom : 0)) |
      (s.unfinished === undefined ? 0 : Flag.UnfinishedSet | (s.unfinished ? Flag.Unfinished : 0));
    ints[i + CLASS] = optional(s.class);
    ints[i + TEMPLATE] = optional(s.template);
    ints[i + IDENTITY] = optional(s.exactIdentity);
    const hasExtra = s.events.length > 0 || s.links.length > 0 || s.onThread !== undefined;
    ints[i + EXTRA] = hasExtra ? extras.push({ events: s.events, links: s.links, onThread: s.onThread }) - 1 : NONE;
    floats[k * FLOATS] = s.startUs;
    floats[k * FLOATS + 1] = s.endUs;
    floats[k * FLOATS + 2] = s.pid ?? Number.NaN;
    floats[k * FLOATS + 3] = s.blockedUs ?? Number.NaN;
    let count = 0;
    for (const key in s.attributes) {
      const v: AttrValue = s.attributes[key];
      if (a + ATTR_INTS > attrs.length) attrs = grownInts(attrs);
      attrs[a++] = share(key);
      if (typeof v === 'string') {
        attrs[a++] = ValueType.String;
        attrs[a++] = share(v);
      } else if (typeof v === 'number') {
        if (nums === numbers.length) numbers = grownFloats(numbers);
        attrs[a++] = ValueType.Number;
        attrs[a++] = nums;
        numbers[nums++] = v;
      } else if (v === true || v === false) {
        attrs[a++] = v ? ValueType.True : ValueType.False;
        attrs[a++] = 0;
      } else if (v === null) {
        attrs[a++] = ValueType.Null;
        attrs[a++] = 0;
      } else {
        attrs[a++] = ValueType.Extra;
        attrs[a++] = extras.push(v) - 1;
      }
      count++;
    }
    ints[i + ATTRS] = count;
  }
  return { count: n, strings, ints, floats, attrs: attrs.subarray(0, a), numbers: numbers.subarray(0, nums), extras };
}

/** Rebuild the spans of `e` (in order) onto `out`. */
export function decodeSpans(e: EncodedSpans, out: Span[]): void {
  const { strings: S, ints, floats, attrs, numbers, extras } = e;
  const optional = (i: number): string | undefined => (i === NONE ? undefined : S[i]);
  let a = 0;
  for (let k = 0; k < e.count; k++) {
    const i = k * INTS;
    const attributes: Attributes = {};
    for (let c = ints[i + ATTRS]; c > 0; c--) {
      const key = S[attrs[a]];
      const ref = attrs[a + 2];
      switch (attrs[a + 1]) {
        case ValueType.String:
          attributes[key] = S[ref];
          break;
        case ValueType.Number:
          attributes[key] = numbers[ref];
          break;
        case ValueType.True:
          attributes[key] = true;
          break;
        case ValueType.False:
          attributes[key] = false;
          break;
        case ValueType.Null:
          attributes[key] = null;
          break;
        default:
          attributes[key] = extras[ref] as AttrValue;
      }
      a += ATTR_INTS;
    }
    const flags = ints[i + FLAGS];
    const extra = ints[i + EXTRA] === NONE ? undefined : (extras[ints[i + EXTRA]] as Pick<Span, 'events' | 'links' | 'onThread'>);
    const pid = floats[k * FLOATS + 2];
    const blockedUs = floats[k * FLOATS + 3];
    // Every field in newSpan's order (new-span.ts): one hidden class for all spans, whichever thread read them.
    out.push({
      traceId: S[ints[i + TRACE]],
      spanId: S[ints[i + SPAN]],
      parentSpanId: optional(ints[i + PARENT]),
      name: S[ints[i + NAME]],
      kind: S[ints[i + KIND]] as Span['kind'],
      service: S[ints[i + SERVICE]],
      language: S[ints[i + LANGUAGE]] as Span['language'],
      scope: optional(ints[i + SCOPE]),
      startUs: floats[k * FLOATS],
      endUs: floats[k * FLOATS + 1],
      attributes,
      events: extra && extra.events.length > 0 ? extra.events : NO_EVENTS,
      status: S[ints[i + STATUS]] as Span['status'],
      statusMessage: optional(ints[i + STATUS_MESSAGE]),
      links: extra && extra.links.length > 0 ? extra.links : NO_LINKS,
      followsFrom: flags & Flag.FollowsFromSet ? (flags & Flag.FollowsFrom) !== 0 : undefined,
      unfinished: flags & Flag.UnfinishedSet ? (flags & Flag.Unfinished) !== 0 : undefined,
      pid: Number.isNaN(pid) ? undefined : pid,
      onThread: extra?.onThread,
      blockedUs: Number.isNaN(blockedUs) ? undefined : blockedUs,
      class: optional(ints[i + CLASS]) as Span['class'],
      template: optional(ints[i + TEMPLATE]),
      exactIdentity: optional(ints[i + IDENTITY]),
    });
  }
}

function grownInts(a: Int32Array<ArrayBuffer>): Int32Array<ArrayBuffer> {
  const b = new Int32Array(a.length * 2);
  b.set(a);
  return b;
}

function grownFloats(a: Float64Array<ArrayBuffer>): Float64Array<ArrayBuffer> {
  const b = new Float64Array(a.length * 2);
  b.set(a);
  return b;
}
