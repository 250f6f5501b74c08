import type { Fix } from './model/analysis.js';
import { redactSql, redactUrl } from '../format/redact.js';

const SQL_KEY = /statement|sql|query/i;
const URL_KEY = /url|uri|target/i;

/**
 * A last line of defence before analysis.json is written: detector details and evidence locations that carry
 * a statement or URL are redacted here, whatever the detector did, so literals and credentials never leak.
 */
export function redactFixes(fixes: Fix[]): Fix[] {
  return fixes.map((f) => {
    if (!f.details) return f;
    const details: Record<string, string | number | boolean> = {};
    for (const [k, v] of Object.entries(f.details)) {
      if (typeof v !== 'string') details[k] = v;
      else if (SQL_KEY.test(k)) details[k] = redactSql(v);
      else if (URL_KEY.test(k)) details[k] = redactUrl(v);
      else details[k] = v;
    }
    return { ...f, details };
  });
}
