import { describe, expect, it } from 'vitest';
import { OperationTable, operationKey, statementTemplate, urlTemplate } from './operation-key.js';
import { mkSpan } from '../critical-path/testing/spans.js';
import type { Span } from '../model/span.js';

const q = (sql: string, extra: Partial<Span> = {}): Span =>
  mkSpan('q', 'r', 0, 1, { name: 'pg.query', class: 'db', attributes: { 'db.statement': sql }, ...extra });

describe('operation identity', () => {
  it('literals do not split an operation; different statements, names, services or classes do', () => {
    expect(statementTemplate("SELECT * FROM t WHERE id = 7 AND n = 'a''b'")).toBe('SELECT * FROM t WHERE id = ? AND n = ?');
    expect(operationKey(q('SELECT * FROM t WHERE id = 7'))).toBe(operationKey(q('SELECT * FROM t WHERE id = 8')));
    expect(operationKey(q('SELECT * FROM t WHERE id = 7'))).not.toBe(operationKey(q('SELECT * FROM u WHERE id = 7')));
    expect(operationKey(q('SELECT 1'))).not.toBe(operationKey(q('SELECT 1', { name: 'mysql.query' })));
    expect(operationKey(q('SELECT 1'))).not.toBe(operationKey(q('SELECT 1', { service: 'other' })));
    expect(operationKey(q('SELECT 1'))).not.toBe(operationKey(q('SELECT 1', { class: 'cache' })));
  });

  it('URLs: ids, query strings and credentials do not split an operation; a route wins when present', () => {
    expect(urlTemplate('https://u:p@api.example/users/123/orders/9f86d081884c7d65?x=1#f')).toBe('https://api.example/users/*/orders/*');
    const h = (url: string, attrs: Record<string, string> = {}) => mkSpan('h', 'r', 0, 1, { class: 'network', attributes: { 'url.full': url, ...attrs } });
    expect(operationKey(h('http://a/users/1'))).toBe(operationKey(h('http://a/users/2?y=2')));
    expect(operationKey(h('http://a/users/1', { 'url.template': '/users/{id}' }))).toContain('/users/{id}');
  });

  it('OperationTable groups like operationKey without building keys', () => {
    const t = new OperationTable<number[]>();
    const spans = [q('SELECT * FROM t WHERE id = 1'), q('SELECT * FROM t WHERE id = 2'), q('SELECT 2'), q('SELECT 1', { service: 'x' })];
    spans.forEach((s, i) => t.getOrCreate(s, () => []).push(i));
    expect(t.get(spans[0])).toEqual([0, 1]);
    expect(t.get(spans[2])).toEqual([2]);
    expect(t.get(q('SELECT x FROM y'))).toBeUndefined();
    expect(t.get(q('SELECT 3'))).toEqual([2]); // same template as SELECT 2
    const sizes = t.mapValues((v) => v.length);
    expect(sizes.get(spans[1])).toBe(2);
    expect(sizes.get(spans[3])).toBe(1);
  });
});
