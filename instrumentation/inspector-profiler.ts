/**
 * `--profiler inspector`: V8's sampling CPU profiler driven in-process through node:inspector. The in-thread session
 * answers synchronously, so the profile can be stopped and written from an 'exit' handler.
 */
import fs from 'node:fs';
import { Session } from 'node:inspector';
import { warnOnce } from './warn.js';

const { writeFileSync } = fs;

export class InspectorProfiler {
  private session: Session | null = null;
  active = false;

  constructor(private readonly samplingIntervalUs = 1000) {}

  start(): void {
    try {
      const s = new Session();
      s.connect();
      s.post('Profiler.enable');
      s.post('Profiler.setSamplingInterval', { interval: this.samplingIntervalUs });
      s.post('Profiler.start');
      this.session = s;
      this.active = true;
    } catch (err) {
      warnOnce('profiler', `cannot start the CPU profiler (${(err as Error).message}); recording without a profile`);
    }
  }

  /** Stops and writes the .cpuprofile; true when the file was written. */
  stopTo(file: string): boolean {
    const s = this.session;
    if (!s) return false;
    this.session = null;
    this.active = false;
    let written = false;
    try {
      s.post('Profiler.stop', (err, result) => {
        if (err || !result?.profile) return;
        writeFileSync(file, JSON.stringify(result.profile));
        written = true;
      });
      s.disconnect();
    } catch (err) {
      warnOnce('profiler-write', `cannot write the CPU profile (${(err as Error).message})`);
    }
    return written;
  }
}
