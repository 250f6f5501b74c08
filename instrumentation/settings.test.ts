import { describe, expect, it } from 'vitest';
import { DEFAULT_PROFILE_INTERVAL_US, profileIntervalUs, readSettings } from './settings.js';

describe('profile sampling interval', () => {
  it("is V8's 1 ms unless TIMESINK_PROFILE_INTERVAL_US says otherwise", () => {
    expect(DEFAULT_PROFILE_INTERVAL_US).toBe(1000);
    expect(profileIntervalUs({})).toBe(1000);
    expect(profileIntervalUs({ TIMESINK_PROFILE_INTERVAL_US: '5000' })).toBe(5000);
    expect(readSettings({ TIMESINK_PROFILE_INTERVAL_US: '2000' }).profileIntervalUs).toBe(2000);
  });

  it('ignores values that are not positive numbers and never goes below 100 µs', () => {
    expect(profileIntervalUs({ TIMESINK_PROFILE_INTERVAL_US: 'fast' })).toBe(1000);
    expect(profileIntervalUs({ TIMESINK_PROFILE_INTERVAL_US: '-5' })).toBe(1000);
    expect(profileIntervalUs({ TIMESINK_PROFILE_INTERVAL_US: '10' })).toBe(100);
  });
});
