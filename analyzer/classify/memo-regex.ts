/**
 * `re.test(text)`, remembered per distinct text: scopes, span names and statements repeat across a million spans,
 * and the rules and detectors run their patterns on every span. Bounded: past 50,000 distinct texts it starts over.
 */
export function memoTest(re: RegExp): (text: string) => boolean {
  const memo = new Map<string, boolean>();
  return (text) => {
    let hit = memo.get(text);
    if (hit === undefined) {
      hit = re.test(text);
      if (memo.size >= 50_000) memo.clear();
      memo.set(text, hit);
    }
    return hit;
  };
}
