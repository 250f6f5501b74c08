/** A CPU burn of a known length, for tests. */
export function burnCpuMs(ms: number): number {
  const end = performance.now() + ms;
  let x = 0;
  while (performance.now() < end) x += Math.sqrt(x + 1);
  return x;
}
