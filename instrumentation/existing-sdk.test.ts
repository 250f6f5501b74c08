/** An app with its own OpenTelemetry SDK: timesink must not double-instrument silently, nor break the app. */
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { FIXTURES, REGISTER_CJS, readManifestFile, readRuntime, readSpans, runNode, tempDir } from './testing/support.js';

const APP = path.join(FIXTURES, 'own-sdk-app.cjs');
const CRASH_APP = path.join(FIXTURES, 'crash-app.cjs');

describe('an app with its own OpenTelemetry SDK', () => {
  it('registered before timesink: timesink records runtime facts only and says so once', async () => {
    const dir = tempDir();
    const run = await runNode(['--require', APP, '--require', REGISTER_CJS, CRASH_APP, 'exit-code'], { env: { TIMESINK_OUT: dir } });
    expect(run.code).toBe(7);
    const lines = run.stderr.split('\n').filter((l) => l.startsWith('[timesink]'));
    expect(lines).toEqual([expect.stringMatching(/OpenTelemetry SDK is already registered.*runtime facts only/)]);
    expect(readSpans(dir)).toEqual([]);
    expect(readRuntime(dir).some((l) => l.t === 'sample')).toBe(true);
    expect(readManifestFile(dir).processes[0]!.warnings).toEqual(['otel-sdk']);
  });

  it('started after timesink: the app runs, timesink keeps recording and warns once', async () => {
    const dir = tempDir();
    const run = await runNode(['--require', REGISTER_CJS, APP], { env: { TIMESINK_OUT: dir } });
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout)).toEqual({ registered: false });
    const lines = run.stderr.split('\n').filter((l) => l.startsWith('[timesink]'));
    expect(lines).toEqual([expect.stringMatching(/tried to start its own OpenTelemetry SDK/)]);
    expect(readSpans(dir).map((s) => s.name)).toContain('own-work');
  });
});
