import { describe, expect, it } from 'vitest';
import { ADVICE, adviceFor } from './advice.js';
import type { DetectorAdvice } from './types.js';
import type { DetectorId } from '../model/analysis.js';
import { DETECTOR_IDS } from '../detectors/registry.js';

const CATALOG = Object.fromEntries(ADVICE) as Record<DetectorId, DetectorAdvice>;

describe('adviceFor', () => {
  it('has generic advice for every detector', () => {
    for (const id of Object.keys(CATALOG) as DetectorId[]) expect(CATALOG[id].generic.text.length).toBeGreaterThan(20);
  });

  it('speaks Node, Python, Go and Java for every detector, with a sketch in most', () => {
    const languages = ['nodejs', 'python', 'go', 'java'] as const;
    for (const id of DETECTOR_IDS) {
      for (const language of languages) expect(CATALOG[id].byLanguage[language]?.text, `${id} / ${language}`).toBeTruthy();
    }
    const sketches = DETECTOR_IDS.flatMap((id) => languages.map((l) => CATALOG[id].byLanguage[l]?.sketch)).filter(Boolean);
    expect(sketches.length).toBeGreaterThan(0.6 * DETECTOR_IDS.length * languages.length);
  });

  it('speaks the service language, and falls back to generic text for others', () => {
    expect(adviceFor('sequential-io', 'java').sketch).toContain('CompletableFuture');
    expect(adviceFor('sequential-io', 'python').sketch).toContain('asyncio.gather');
    const ruby = adviceFor('sequential-io', 'ruby');
    expect(ruby.language).toBe('ruby');
    expect(ruby.text).toBe(CATALOG['sequential-io'].generic.text);
  });

  it('fills placeholders and leaves unknown ones visible', () => {
    expect(adviceFor('missing-timeout', 'nodejs', { timeoutMs: '30' }).sketch).toContain('AbortSignal.timeout(30)');
    expect(adviceFor('missing-timeout', 'ruby').text).toContain('{target}');
  });
});
