import { describe, expect, it } from 'vitest';
import { ATTR } from '../../format/recording.js';
import type { Span } from '../model/span.js';
import { applyTimesinkFields, parseSlices, takeTimesinkField, type TimesinkFields } from './timesink-attributes.js';

describe('parseSlices', () => {
  it('reads offsets and durations relative to the base, sorted', () => {
    expect(parseSlices('0:300,1000:100,400:5', 1_000)).toEqual([
      { startUs: 1_000, endUs: 1_300 },
      { startUs: 1_400, endUs: 1_405 },
      { startUs: 2_000, endUs: 2_100 },
    ]);
  });
  it('skips malformed pairs and keeps the rest', () => {
    expect(parseSlices('12:3,x:4,5:,7,-2:1,9:1', 100)).toEqual([
      { startUs: 98, endUs: 99 },
      { startUs: 109, endUs: 110 },
      { startUs: 112, endUs: 115 },
    ]);
    expect(parseSlices('', 0)).toEqual([]);
  });
});

describe('timesink.thread.blocked_us', () => {
  it('becomes Span.blockedUs and leaves the attributes', () => {
    const f: TimesinkFields = {};
    expect(takeTimesinkField(ATTR.blockedUs, 48_200, f)).toBe(true);
    const span = { startUs: 0, endUs: 0, attributes: {} } as unknown as Span;
    applyTimesinkFields(span, { ...f, startUs: 1_000, durationUs: 60_000 });
    expect(span.blockedUs).toBe(48_200);
  });
  it('is refused (kept as an ordinary attribute) when it is not a non-negative number', () => {
    expect(takeTimesinkField(ATTR.blockedUs, 'lots', {})).toBe(false);
    expect(takeTimesinkField(ATTR.blockedUs, -5, {})).toBe(false);
  });
});
