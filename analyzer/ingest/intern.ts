/**
 * Repeated strings (service names, scope names) are shared instead of stored once per span, so a million
 * spans from three services hold three service strings.
 */
export class StringInterner {
  private readonly table = new Map<string, string>();

  intern(s: string): string {
    const hit = this.table.get(s);
    if (hit !== undefined) return hit;
    this.table.set(s, s);
    return s;
  }
}
