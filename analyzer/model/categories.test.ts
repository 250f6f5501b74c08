import { describe, expect, it } from 'vitest';
import { CATEGORIES, emptyBreakdown } from './categories.js';

describe('emptyBreakdown', () => {
  it('has every category, zero, in CATEGORIES order (the order analysis.json lists them in)', () => {
    const b = emptyBreakdown();
    expect(Object.keys(b)).toEqual([...CATEGORIES]);
    expect(Object.values(b).every((v) => v === 0)).toBe(true);
    expect(emptyBreakdown()).not.toBe(b); // a fresh object each time: callers add into it
  });
});
