import type { Detector, DetectorContext, Finding } from './types.js';
import { setting } from './support/config.js';
import { callLabel, durationUs, hostOf, locationOf } from './support/spans.js';
import { locationFallback } from './support/location-fallback.js';
import { findingOf, remoteCallsByServiceAndTemplate, type Occurrence } from './support/occurrences.js';
import { fmtUs, percentileOf } from './support/stats.js';

/**
 * missing-timeout: outbound calls of one template whose tail is heavy (p99/p50 >= tailRatio and p99 >= minP99Ms,
 * over >= minCalls calls) or that never finished. Change: cap every call longer than the timeout
 * (timeoutFactor × p50) at timeout + p50: it times out and one retry succeeds in a typical time.
 * With no finished peers, an unfinished call is capped at minP99Ms.
 */
export const missingTimeout: Detector<'missing-timeout'> = {
  id: 'missing-timeout',
  name: 'missing timeout',
  advice: {
    generic: { text: 'Calls to {target} have a heavy tail or never finish: set a timeout near {timeoutMs} ms and retry with exponential backoff and jitter.' },
    byLanguage: {
      nodejs: { text: 'Pass a timeout to every outbound call (AbortSignal.timeout for fetch/undici) and retry a bounded number of times with exponential backoff and jitter.', sketch: 'const res = await fetch(url, { signal: AbortSignal.timeout({timeoutMs}) });\n// on timeout: await sleep(100 * 2 ** attempt * Math.random()) and retry, at most 3 times' },
      python: { text: 'Wrap the call in asyncio.wait_for / give the client a timeout (httpx.Timeout, requests timeout=) and retry with backoff (0.1 * 2**attempt, jittered).', sketch: 'resp = await asyncio.wait_for(client.get(url), timeout={timeoutS})' },
      go: { text: 'Give every outbound call a context deadline (context.WithTimeout) and an http.Client Timeout; retry with backoff.', sketch: 'ctx, cancel := context.WithTimeout(ctx, {timeoutMs}*time.Millisecond)\ndefer cancel()' },
      java: { text: 'Set connect and read timeouts on the client (HttpClient, OkHttp, RestTemplate) and retry with backoff (Resilience4j).', sketch: 'HttpRequest.newBuilder(uri).timeout(Duration.ofMillis({timeoutMs})).build();' },
    },
  },
  detect(ctx: DetectorContext): Finding[] {
    const fallback = locationFallback(ctx.traces);
    const ratio = setting(ctx, 'missing-timeout.tailRatio');
    const minP99Us = setting(ctx, 'missing-timeout.minP99Ms') * 1000;
    const minCalls = setting(ctx, 'missing-timeout.minCalls');
    const factor = setting(ctx, 'missing-timeout.timeoutFactor');
    const findings: Finding[] = [];
    // Outbound calls a timeout protects (remote services, databases and caches, brokers) are the remote classes.
    for (const { spans, ats } of remoteCallsByServiceAndTemplate(ctx.traces, (s) => s.kind === 'client')) {
      let unfinished = 0;
      for (const s of spans) if (s.unfinished) unfinished++;
      const finished = new Float64Array(spans.length - unfinished);
      let n = 0;
      for (const s of spans) if (!s.unfinished) finished[n++] = durationUs(s);
      const p50 = percentileOf(finished, 50);
      const p99 = percentileOf(finished, 99);
      const heavy = finished.length >= minCalls && p50 > 0 && p99 / p50 >= ratio && p99 >= minP99Us;
      if (!heavy && unfinished === 0) continue;
      const timeoutUs = finished.length > 0 ? factor * p50 : minP99Us;
      const cappedUs = finished.length > 0 ? timeoutUs + p50 : timeoutUs;
      const occs: Occurrence[] = [];
      for (let i = 0; i < spans.length; i++) {
        const s = spans[i];
        if (!(s.unfinished || (heavy && durationUs(s) > cappedUs))) continue;
        const at = ats[i];
        occs.push({
          at,
          changes: [{ type: 'cap', spanId: s.spanId, maxUs: cappedUs }],
          evidence: { traceId: at.trace.traceId, parentSpanId: s.parentSpanId, spanIds: [s.spanId], location: locationOf([s], fallback) },
          spentUs: durationUs(s),
          language: s.language,
        });
      }
      if (occs.length === 0) continue;
      const first = spans[0];
      const target = hostOf(first) ?? callLabel(first);
      const tail = heavy ? `p50 ${fmtUs(p50)} but p99 ${fmtUs(p99)}` : '';
      const never = unfinished > 0 ? `${unfinished} never finished` : '';
      findings.push(
        findingOf(missingTimeout, occs, {
          title: `Put a timeout on calls to ${target} ("${callLabel(first, 50)}")`,
          why: `Calls "${callLabel(first, 60)}" have ${[tail, never].filter(Boolean).join('; ')} (${spans.length} calls): ${occs.length} slow or stuck calls hold their requests for ${fmtUs(occs.reduce((s, o) => s + o.spentUs, 0))}.`,
          confidence: unfinished > 0 ? 'high' : 'medium',
          details: { calls: spans.length, unfinished, timeoutMs: Math.round(timeoutUs / 1000), ...(heavy ? { p50Ms: p50 / 1000, p99Ms: p99 / 1000 } : {}) },
          vars: { target, timeoutMs: String(Math.round(timeoutUs / 1000)), timeoutS: (timeoutUs / 1e6).toFixed(1) },
        }),
      );
    }
    return findings;
  },
};
