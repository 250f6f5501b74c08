import { describe, expect, it } from 'vitest';
import { fmtCount, fmtMs, fmtPct, fmtSignedMs, plural } from './human.js';

describe('numbers for people', () => {
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

  it('counts with separators and plurals', () => {
    expect(fmtCount(1234567)).toBe('1,234,567');
    expect(plural(1, 'request')).toBe('1 request');
    expect(plural(0, 'span')).toBe('0 spans');
    expect(plural(1234, 'span')).toBe('1,234 spans');
  });
});
