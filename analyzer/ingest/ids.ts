/** Trace and span ids arrive as hex (any case, sometimes without leading zeros) or base64 (protobuf JSON). */

const HEX = /^[0-9a-fA-F]+$/;

/** Normalize an id to lower-case hex; `bytes` is the id's binary size (16 for trace ids, 8 for span ids). */
export function normalizeId(raw: unknown, bytes: 8 | 16): string | undefined {
  if (typeof raw !== 'string' || raw.length === 0) return undefined;
  if (raw.length === bytes * 2 && HEX.test(raw)) return raw.toLowerCase();
  // base64 of 16 bytes is 24 chars ("...=="), of 8 bytes 12 chars ("...=").
  if ((raw.length === 24 || raw.length === 12) && !HEX.test(raw)) {
    const buf = Buffer.from(raw, 'base64');
    if (buf.length === bytes) return buf.toString('hex');
  }
  // Short hex (Zipkin 64-bit trace ids, Jaeger ids without leading zeros): keep, lower-cased.
  if (HEX.test(raw)) return raw.toLowerCase();
  return undefined;
}

/** True when every byte of a hex id is zero (OTLP's "no parent"). */
export function isZeroId(id: string): boolean {
  for (let i = 0; i < id.length; i++) if (id.charCodeAt(i) !== 48) return false;
  return true;
}
