import { describe, expect, it } from 'vitest';
import { LineBuffer } from './line-buffer.js';

describe('LineBuffer', () => {
  it('encodes pieces and separators as UTF-8, growing past its initial size', () => {
    const b = new LineBuffer();
    const piece = `é€𝄞${'x'.repeat(1000)}`; // 2-, 3- and 4-byte characters
    const n = 400; // ~400 KB: more than the initial 256 KB
    for (let i = 0; i < n; i++) {
      if (i) b.byte(0x2c);
      b.str(piece);
    }
    const text = b.take().toString('utf8');
    expect(text).toBe(Array.from({ length: n }, () => piece).join(','));
  });

  it('starts over after take()', () => {
    const b = new LineBuffer();
    b.str('first');
    expect(b.take().toString()).toBe('first');
    expect(b.length).toBe(0);
    b.str('second');
    expect(b.take().toString()).toBe('second');
  });
});
