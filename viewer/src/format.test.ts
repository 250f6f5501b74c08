import { describe, expect, it } from 'vitest';
import { fmtClock, fmtMs, fmtPct, fmtSignedMs } from './format.js';

describe('format', () => {
  it('fmtMs picks a unit a person reads at a glance', () => {
    expect(fmtMs(0)).toBe('0 ms');
    expect(fmtMs(0.421)).toBe('0.42 ms');
    expect(fmtMs(12.34)).toBe('12.3 ms');
    expect(fmtMs(420.4)).toBe('420 ms');
    expect(fmtMs(1250)).toBe('1.25 s');
    expect(fmtMs(12_500)).toBe('12.5 s');
    expect(fmtMs(125_000)).toBe('2 min 05 s');
    expect(fmtMs(-3.5)).toBe('−3.5 ms');
    expect(fmtMs(Number.NaN)).toBe('–');
  });

  it('fmtPct never shows a positive share as zero', () => {
    expect(fmtPct(0.004)).toBe('<1 %');
    expect(fmtPct(0.0004, 1)).toBe('<0.1 %');
    expect(fmtPct(0)).toBe('0 %');
    expect(fmtPct(0.256)).toBe('26 %');
    expect(fmtPct(0.0256, 1)).toBe('2.6 %');
  });

  it('fmtSignedMs marks the direction', () => {
    expect(fmtSignedMs(5)).toBe('+5.0 ms');
    expect(fmtSignedMs(-5)).toBe('−5.0 ms');
    expect(fmtSignedMs(0)).toBe('±0 ms');
  });

  it('fmtClock adapts to the length of the recording', () => {
    expect(fmtClock(1500, 3000)).toBe('1.5 s');
    expect(fmtClock(250, 1000)).toBe('0.25 s');
    expect(fmtClock(45_000, 120_000)).toBe('45 s');
    expect(fmtClock(90_000, 120_000)).toBe('1:30');
    expect(fmtClock(3_725_000, 4_000_000)).toBe('1:02:05');
  });
});
