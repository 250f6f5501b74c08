/**
 * Trace and span ids, random as W3C Trace Context asks, drawn from a pooled crypto buffer: one randomFillSync per
 * 512 ids instead of OpenTelemetry's per-id Math.random loop and string building.
 */
import { randomFillSync } from 'node:crypto';

const POOL_BYTES = 4096;
const pool = Buffer.alloc(POOL_BYTES);
let offset = POOL_BYTES;

const ZERO: Record<number, string> = { 8: '0'.repeat(16), 16: '0'.repeat(32) };

function hex(bytes: number): string {
  if (offset + bytes > POOL_BYTES) {
    randomFillSync(pool);
    offset = 0;
  }
  const s = pool.toString('hex', offset, offset + bytes);
  offset += bytes;
  // All-zero ids are invalid; with 64 random bits that is a 2^-64 event, but cheap to rule out.
  return s === ZERO[bytes] ? hex(bytes) : s;
}

export function newSpanId(): string {
  return hex(8);
}

export function newTraceId(): string {
  return hex(16);
}
