/**
 * OpenTelemetry's AsyncLocalStorage context manager, plus one duty: tell the on-thread tracker when code runs under a
 * different span synchronously (context.with — how startActiveSpan and instrumentations run the code of a new span).
 */
import { trace, type Context } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import type { OnThreadTracker } from './on-thread.js';
import { kTiming, type SpanTiming, type TimedObject } from './span-timing.js';

export function timingOf(ctx: Context): SpanTiming | null {
  const span = trace.getSpan(ctx) as (TimedObject & object) | undefined;
  const t = span?.[kTiming];
  return t === undefined || t.ended ? null : t;
}

export class TimesinkContextManager extends AsyncLocalStorageContextManager {
  tracker: OnThreadTracker | null = null;

  override with<A extends unknown[], F extends (...args: A) => ReturnType<F>>(
    ctx: Context,
    fn: F,
    thisArg?: ThisParameterType<F>,
    ...args: A
  ): ReturnType<F> {
    const tracker = this.tracker;
    if (tracker === null) return super.with(ctx, fn, thisArg, ...args);
    tracker.enter(timingOf(ctx));
    try {
      return super.with(ctx, fn, thisArg, ...args);
    } finally {
      tracker.exit();
    }
  }
}
