import { describe, expect, it } from 'vitest';
import { redactAttributes, redactSql, redactUrl } from './redact.js';

describe('redactSql', () => {
  it.each([
    ["SELECT * FROM users WHERE email = 'a@b.c' AND id = 42", 'SELECT * FROM users WHERE email = ? AND id = ?'],
    ["INSERT INTO t (a, b) VALUES ('it''s', -3.5e2)", 'INSERT INTO t (a, b) VALUES (?, -?)'],
    ['SELECT $1::int, $2', 'SELECT $1::int, $2'],
    ['SELECT * FROM t1 JOIN col_2 ON t1.x2 = col_2.y', 'SELECT * FROM t1 JOIN col_2 ON t1.x2 = col_2.y'],
    ['SELECT "Weird Col", `tbl` FROM x', 'SELECT "Weird Col", `tbl` FROM x'],
    ["SELECT E'\\\\x00', X'ff', 0x1F", 'SELECT ?, ?, ?'],
    ['SELECT $tag$secret$tag$, $$also$$', 'SELECT ?, ?'],
    ['SELECT 1 -- password=hunter2\nFROM t /* token */', 'SELECT ? \nFROM t '],
    ['SELECT pg_sleep(0.05)', 'SELECT pg_sleep(?)'],
  ])('%s', (sql, want) => {
    expect(redactSql(sql)).toBe(want);
  });

  it('maps statements that differ only in values to the same shape', () => {
    expect(redactSql("UPDATE a SET n = 'x' WHERE id = 1")).toBe(redactSql("UPDATE a SET n = 'yyy' WHERE id = 99"));
  });
});

describe('redactUrl', () => {
  it.each([
    ['https://user:pw@example.com:8443/a/b?token=x#frag', 'https://example.com:8443/a/b'],
    ['postgresql://app:secret@db/test', 'postgresql://db/test'],
    ['/items?token=s3cr3t', '/items'],
    ['http://example.com/path', 'http://example.com/path'],
  ])('%s', (url, want) => {
    expect(redactUrl(url)).toBe(want);
  });
});

describe('redactAttributes', () => {
  it('redacts SQL, URLs, headers, bodies and parameters, and keeps the rest', () => {
    const out = redactAttributes({
      'db.system': 'postgresql',
      'db.statement': "SELECT * FROM t WHERE k = 'v'",
      'url.full': 'http://u:p@h/x?q=1',
      'url.query': 'q=1',
      'http.request.header.authorization': ['Bearer abc'],
      'db.query.parameter.0': 'secret',
      'http.response.status_code': 200,
    });
    expect(out).toEqual({
      'db.system': 'postgresql',
      'db.statement': 'SELECT * FROM t WHERE k = ?',
      'url.full': 'http://h/x',
      'http.response.status_code': 200,
    });
  });

  it('keeps only the command of key-value and document stores', () => {
    expect(redactAttributes({ 'db.system': 'redis', 'db.statement': 'set user:1 hunter2' })['db.statement']).toBe('set ?');
    expect(redactAttributes({ 'db.system.name': 'redis', 'db.query.text': 'ping' })['db.query.text']).toBe('ping');
    expect(redactAttributes({ 'db.system': 'mongodb', 'db.statement': '{"find":"users","filter":{"email":"a@b.c","age":3}}' })['db.statement']).toBe(
      '{"find":"?","filter":{"email":"?","age":"?"}}',
    );
  });

  it('does not modify its input', () => {
    const input = { 'db.statement': "SELECT 'x'" };
    redactAttributes(input);
    expect(input['db.statement']).toBe("SELECT 'x'");
  });
});
