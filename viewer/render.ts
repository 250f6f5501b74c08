import type { Analysis } from '../analyzer/model/analysis.js';
import { renderPage } from './page.js';

/** The self-contained HTML report for one analysis (data, d3 bundle and styles inline, no network). */
export function renderReport(analysis: Analysis): string {
  const services = analysis.inputs.services.slice(0, 3).join(', ');
  return renderPage(`timesink report${services ? ` — ${services}` : ''}`, { kind: 'report', analysis });
}
