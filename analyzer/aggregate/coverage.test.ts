import { readFileSync } from 'node:fs';
import { Ajv } from 'ajv';
import { describe, expect, it } from 'vitest';
import type { Manifest, ProcessEntry } from '../../format/recording.js';
import { IO_LIBRARIES, packageOfPath } from '../../format/io-libraries.js';
import { ESM_HOOKED_MODULES } from '../../instrumentation/instrumentations.js';
import { analyze } from '../analyze.js';
import { emptyBreakdown, type Breakdown } from '../model/categories.js';
import type { Span } from '../model/span.js';
import { coverageOf, scopeCounts } from './coverage.js';
import { sceneInput } from './testing/scene.js';

function manifest(...ioLibraries: (string[] | undefined)[]): Manifest {
  const processes = ioLibraries.map((libs, i) => ({ pid: i + 1, argv: [], nodeVersion: 'v20', startUs: 0, clock: { offsetUs: 0, timeOriginMs: 0 }, files: [], droppedSpans: 0, spansWritten: 0, warnings: [], ...(libs ? { ioLibraries: libs } : {}) }) as ProcessEntry);
  return { format: 'timesink-recording', formatVersion: 1, timesinkVersion: '0', startUs: 0, settings: { redact: true, onThread: true, runtimeIntervalMs: 100, profiler: 'none' }, processes };
}

/** 1,000 ms of request time of which `waitMs` is uninstrumented wait and the rest db. */
function breakdown(waitMs: number): Breakdown {
  return { ...emptyBreakdown(), uninstrumented_wait: waitMs, db: 1000 - waitMs };
}

const span = (scope: string | undefined): Span => ({ scope }) as Span;

describe('coverageOf', () => {
  it('names a loaded driver timesink does not instrument, with the uninstrumented wait it may explain', () => {
    const { coverage, warnings } = coverageOf([manifest(['pg', 'tedious'])], [], breakdown(75), 1000);
    expect(warnings).toEqual([
      {
        code: 'uninstrumented-library',
        message:
          'The app loaded `tedious` (a SQL Server driver), which timesink does not instrument: its calls have no spans, so their waits count as uninstrumented wait; uninstrumented wait is 7.5 % of request time — that may be it.',
        count: 1,
        valueMs: 75,
      },
    ]);
    expect(coverage.loaded).toEqual([
      { pkg: 'pg', what: 'a PostgreSQL driver', category: 'db', instrumented: true },
      { pkg: 'tedious', what: 'a SQL Server driver', category: 'db', instrumented: false },
    ]);
    expect(coverage.uninstrumentedWaitFraction).toBeCloseTo(0.075, 9);
  });

  it('lists several, across processes, once each; says when the wait is too small to matter', () => {
    const { warnings } = coverageOf([manifest(['kafkajs', 'amqplib']), manifest(['kafkajs'])], [], breakdown(3), 1000);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]!.message).toBe(
      'The app loaded `amqplib` (an AMQP (RabbitMQ) client) and `kafkajs` (a Kafka client), which timesink does not instrument: their calls have no spans, so their waits count as uninstrumented wait; uninstrumented wait is only 0.3 % of request time, so it made little difference here.',
    );
  });

  it('does not report instrumented drivers; a large unexplained wait then gets its own sentence', () => {
    expect(coverageOf([manifest(['mysql', 'pg'])], [], breakdown(20), 1000).warnings).toEqual([]);
    const { warnings } = coverageOf([manifest(['mysql'])], [], breakdown(100), 1000);
    expect(warnings.map((w) => w.code)).toEqual(['uninstrumented-wait']);
    expect(warnings[0]!.message).toMatch(/^Requests spent 10\.0 % of their time waiting on something no span covers\. No I\/O library the app loaded/);
  });

  it('foreign traces: no library list; above 5 % the wait is said with the instrumentations the spans came from', () => {
    const spans = [span('io.opentelemetry.jdbc'), span('io.opentelemetry.jdbc'), span('io.opentelemetry.tomcat'), span(undefined)];
    const quiet = coverageOf([], spans, breakdown(40), 1000);
    expect(quiet.warnings).toEqual([]);
    expect(quiet.coverage.loaded).toBeUndefined();
    const loud = coverageOf([], spans, breakdown(120), 1000);
    expect(loud.warnings).toEqual([
      {
        code: 'uninstrumented-wait',
        message:
          'Requests spent 12.0 % of their time waiting on something no span covers. A client library without instrumentation (a database driver, a queue or RPC client) looks like this. The spans came from io.opentelemetry.jdbc, io.opentelemetry.tomcat.',
        valueMs: 120,
      },
    ]);
  });

  it('a recording made before libraries were listed is treated as foreign (nothing claimed about libraries)', () => {
    const { coverage, warnings } = coverageOf([manifest(undefined)], [], breakdown(75), 1000);
    expect(coverage.loaded).toBeUndefined();
    expect(warnings.map((w) => w.code)).toEqual(['uninstrumented-wait']);
  });
});

describe('scopeCounts', () => {
  it('counts spans per scope, most first, skipping spans without one', () => {
    const spans = ['a', 'a', 'b', 'a', undefined, 'c', 'c', 'c'].map(span);
    expect(scopeCounts(spans)).toEqual([
      { name: 'a', spans: 3 },
      { name: 'c', spans: 3 },
      { name: 'b', spans: 1 },
    ]);
  });
});

describe('the I/O library registry', () => {
  it('marks instrumented exactly the packages the ESM hook list covers', () => {
    for (const lib of IO_LIBRARIES) expect([lib.pkg, ESM_HOOKED_MODULES.includes(lib.pkg)]).toEqual([lib.pkg, lib.instrumented]);
  });

  it('finds the package of a module path (scoped, nested, Windows separators) and nothing outside node_modules', () => {
    expect(packageOfPath('/app/node_modules/mysql/lib/Connection.js')).toBe('mysql');
    expect(packageOfPath('/app/node_modules/@grpc/grpc-js/build/src/index.js')).toBe('@grpc/grpc-js');
    expect(packageOfPath('/app/node_modules/mssql/node_modules/tedious/lib/tedious.js')).toBe('tedious');
    expect(packageOfPath('C:\\app\\node_modules\\oracledb\\index.js')).toBe('oracledb');
    expect(packageOfPath('/app/src/mysql/index.js')).toBeUndefined();
    expect(packageOfPath('/app/node_modules/@scope')).toBeUndefined();
  });
});

describe('analyze with a recording that loaded an uninstrumented driver', () => {
  it('puts the sentence among the warnings and the coverage section in analysis.json', () => {
    const input = sceneInput();
    input.manifests = [manifest(['oracledb'])];
    const a = analyze(input, { createdAt: 'fixed' });
    // The scene's totals: 18 ms uninstrumented wait of 240 ms.
    expect(a.coverage?.uninstrumentedWaitFraction).toBeCloseTo(18 / 240, 9);
    expect(a.warnings.find((w) => w.code === 'uninstrumented-library')?.message).toMatch(/`oracledb` \(the Oracle driver\).*7\.5 % of request time — that may be it\.$/);
    const schema = JSON.parse(readFileSync(new URL('../schema/analysis.schema.json', import.meta.url), 'utf8')) as Record<string, unknown>;
    const validate = new Ajv({ allErrors: true, strict: true, allowUnionTypes: true }).compile(schema);
    expect(validate(JSON.parse(JSON.stringify(a)))).toBe(true);
    expect(a.coverage?.loaded).toEqual([{ pkg: 'oracledb', what: 'the Oracle driver', category: 'db', instrumented: false }]);
  });
});
