import { describe, expect, it } from 'vitest';
import { parseTimeArg } from './time-arg.js';

describe('parseTimeArg', () => {
  const now = Date.UTC(2026, 10, 23, 12, 0, 0);
  it('reads ISO date-times, epoch seconds and epoch milliseconds as epoch µs', () => {
    expect(parseTimeArg('2026-11-23T12:00:00Z', now)).toBe(now * 1000);
    expect(parseTimeArg(String(now / 1000), now)).toBe(now * 1000);
    expect(parseTimeArg(String(now), now)).toBe(now * 1000);
  });
  it('reads ages relative to now', () => {
    expect(parseTimeArg('15m', now)).toBe((now - 15 * 60_000) * 1000);
    expect(parseTimeArg('2h', now)).toBe((now - 7_200_000) * 1000);
  });
  it('rejects anything else with a message that shows the accepted forms', () => {
    expect(() => parseTimeArg('yesterday', now)).toThrow(/ISO date-time, epoch ms, or an age/);
  });
});
