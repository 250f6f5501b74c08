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

describe('span source', () => {
  it('is the lean sources unless TIMESINK_INSTRUMENTATIONS=otel asks for OpenTelemetry\'s everywhere', () => {
    expect(readSettings({}).instrumentations).toBe('lean');
    expect(readSettings({ TIMESINK_INSTRUMENTATIONS: 'otel' }).instrumentations).toBe('otel');
    expect(readSettings({ TIMESINK_INSTRUMENTATIONS: 'OTEL' }).instrumentations).toBe('otel');
    expect(readSettings({ TIMESINK_INSTRUMENTATIONS: 'lean' }).instrumentations).toBe('lean');
  });
});
