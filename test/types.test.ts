import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/**
 * The library export "." ships type declarations: package.json names them, `npm run build` writes them, and a
 * TypeScript user who writes `import { analyze } from 'timesink'` gets real types (not `any`). The consumer lives in
 * .tmp/ inside the repository, so 'timesink' resolves through package.json's exports by the package's own name.
 */
const ROOT = join(import.meta.dirname, '..');
const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
  types: string;
  exports: { '.': { types: string; default: string } };
};
const TSC = join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc');

const CONSUMER_TSCONFIG = {
  compilerOptions: { target: 'ES2022', module: 'NodeNext', moduleResolution: 'NodeNext', strict: true, noEmit: true, types: ['node'], skipLibCheck: false },
  files: ['consumer.ts'],
};

// Uses the API as the README shows it, and asserts types that only hold if the declarations are real: each
// expected-error directive fails the check if its line does NOT error, as it would not if the export were `any`.
const CONSUMER = `
import { analyze, ingest, InputError, SCHEMA_VERSION, type Analysis, type IngestResult } from 'timesink';

export async function report(paths: string[]): Promise<string> {
  const input: IngestResult = await ingest(paths);
  const analysis: Analysis = analyze(input);
  const version: number = analysis.schemaVersion;
  const criticalPathMs: number = analysis.summary.criticalPathMs;
  return \`\${SCHEMA_VERSION} \${version} \${criticalPathMs} \${analysis.summary.verdict}\`;
}
export const isInputError = (e: unknown): boolean => e instanceof InputError;

// @ts-expect-error analyze takes an ingest result, not a path
analyze('trace.json');
// @ts-expect-error the verdict is a string
export const wrong: number = ({} as Analysis).summary.verdict;
`;

describe("the library's type declarations", () => {
  let dir = '';
  beforeAll(() => {
    mkdirSync(join(ROOT, '.tmp'), { recursive: true });
    dir = mkdtempSync(join(ROOT, '.tmp', 'types-consumer-'));
  });
  afterAll(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('are named by package.json for the "." export and exist after npm run build', () => {
    expect(pkg.exports['.'].types).toBe(pkg.types);
    // "types" must come first among the conditions, or TypeScript resolves the JavaScript file instead.
    expect(Object.keys(pkg.exports['.'])[0]).toBe('types');
    const declared = join(ROOT, pkg.types);
    expect(existsSync(declared), `${pkg.types} is missing: run \`npm run build\` (or \`npm run build:types\`)`).toBe(true);
    expect(readFileSync(declared, 'utf8')).toContain('analyze');
  });

  it("type-check a consumer that imports from 'timesink', resolved to the emitted declarations", () => {
    writeFileSync(join(dir, 'tsconfig.json'), JSON.stringify(CONSUMER_TSCONFIG, null, 2));
    writeFileSync(join(dir, 'consumer.ts'), CONSUMER);
    let output: string;
    try {
      output = execFileSync(process.execPath, [TSC, '-p', dir, '--traceResolution'], { cwd: dir, encoding: 'utf8' });
    } catch (e) {
      output = String((e as { stdout?: string }).stdout ?? e);
    }
    expect(output.split('\n').filter((l) => l.includes('error TS'))).toEqual([]);
    // Through package.json's exports to dist/, not to the TypeScript sources beside it.
    const resolved = /Module name 'timesink' was successfully resolved to '([^']+)'/.exec(output)?.[1];
    expect(resolved).toBe(join(ROOT, pkg.types));
  }, 120_000);
});
