import { describe, expect, it } from 'vitest';
import { escapeHtml, jsonForScript } from './embed.js';
import { XSS_CORPUS } from './testing/xss-corpus.js';

describe('jsonForScript', () => {
  it('leaves no character that could end the script element or split a JS line', () => {
    const text = jsonForScript({ corpus: XSS_CORPUS, nested: { '</script>': XSS_CORPUS.join('') } });
    expect(text).not.toMatch(/[<>&\u2028\u2029]/);
  });

  it('round-trips every hostile string exactly', () => {
    const value = { corpus: XSS_CORPUS, key: { [XSS_CORPUS[0]!]: XSS_CORPUS[3] } };
    expect(JSON.parse(jsonForScript(value))).toEqual(value);
  });

  it('rounds fractional numbers to microseconds (3 decimals of ms) and keeps integers', () => {
    expect(JSON.parse(jsonForScript({ a: 1.23456789, b: 1700000000123, c: -0.0004, d: 2 }))).toEqual({ a: 1.235, b: 1700000000123, c: 0, d: 2 });
  });
});

describe('escapeHtml', () => {
  it('escapes markup and quotes', () => {
    expect(escapeHtml(`<a href="x">'&`)).toBe('&#60;a href=&#34;x&#34;&#62;&#39;&#38;');
  });
});
