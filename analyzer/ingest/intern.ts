/**
 * Repeated strings (service names, scope names) are shared instead of stored once per span, so a million
 * spans from three services hold three service strings.
 *
 * The table is bounded: attribute values that never repeat (cache keys, URLs with ids) would otherwise grow it to
 * hundreds of thousands of entries, each insert slower than the last. When full it starts over; the strings that
 * do repeat are back in it after their next occurrence.
 */
export const MAX_INTERNED = 1 << 17;
/** Attribute values of one key tried before judging whether that key's values repeat. */
const TRIAL = 4096;

export class StringInterner {
  private readonly table = new Map<string, string>();
  /** Per attribute key: values tried, values found already interned, and whether interning it was given up. */
  private readonly byKey = new Map<string, { tries: number; hits: number; off: boolean }>();

  intern(s: string): string {
    const hit = this.table.get(s);
    if (hit !== undefined) return hit;
    if (this.table.size >= MAX_INTERNED) this.table.clear();
    this.table.set(s, s);
    return s;
  }

  /**
   * intern() for the value of attribute `key`, unless that key's values have proved unique (from TRIAL values on,
   * fewer than 1 in 8 found in the table): hashing each one into the table then costs time and shares nothing.
   */
  internValue(key: string, s: string): string {
    let k = this.byKey.get(key);
    if (!k) this.byKey.set(key, (k = { tries: 0, hits: 0, off: false }));
    if (k.off) return s;
    const hit = this.table.get(s);
    k.tries++;
    if (hit !== undefined) {
      k.hits++;
      return hit;
    }
    if (k.tries >= TRIAL && k.hits * 8 < k.tries) k.off = true;
    if (this.table.size >= MAX_INTERNED) this.table.clear();
    this.table.set(s, s);
    return s;
  }
}
