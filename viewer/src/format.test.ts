import { describe, expect, it } from 'vitest';
import { fmtClock } from './format.js';

describe('format', () => {
  it('fmtClock adapts to the length of the recording', () => {
    expect(fmtClock(1500, 3000)).toBe('1.5 s');
    expect(fmtClock(250, 1000)).toBe('0.25 s');
    expect(fmtClock(45_000, 120_000)).toBe('45 s');
    expect(fmtClock(90_000, 120_000)).toBe('1:30');
    expect(fmtClock(3_725_000, 4_000_000)).toBe('1:02:05');
  });
});
