/**
 * Under `record` with 0x, the recorder is given on the app's node command line rather than in NODE_OPTIONS (0x itself
 * must not be recorded). Putting NODE_OPTIONS back here makes the app's own child processes recorded too.
 */
export function inheritNodeOptions(): void {
  const wanted = process.env.TIMESINK_NODE_OPTIONS;
  if (wanted && !process.env.NODE_OPTIONS?.includes(wanted)) process.env.NODE_OPTIONS = wanted;
}
