import { describe, expect, it } from 'vitest';
import type { Span } from '../model/span.js';
import type { AnalyzedTrace } from '../model/trace.js';
import { templatePath } from './endpoint.js';
import { inferEndpointTemplates, MIN_DISTINCT_SLUGS, MIN_DISTINCT_WORDS, PathTemplates } from './path-templates.js';

/** Templates of the paths, learned from the paths themselves (as the analysis does). */
function templatesOf(paths: string[]): Map<string, string> {
  const t = new PathTemplates(paths.map(templatePath));
  return new Map(paths.map((p) => [p, t.template(templatePath(p))]));
}

const range = <T = string>(n: number, f: (i: number) => T): T[] => Array.from({ length: n }, (_, i) => f(i));

describe('PathTemplates', () => {
  it('merges many slugs at one position under one prefix, with what follows them', () => {
    const paths = [...range(35, (i) => `/api/articles/article-title-${i}`), ...range(12, (i) => `/api/articles/article-title-${i}/comments`)];
    const t = templatesOf(paths);
    expect(new Set(t.values())).toEqual(new Set(['/api/articles/:slug', '/api/articles/:slug/comments']));
  });

  it('keeps routes that are few apart: /api/users/me and /api/users/settings, beside ids and beside many slugs', () => {
    expect([...templatesOf(['/api/users/me', '/api/users/settings', '/api/users/1', '/api/users/2']).values()]).toEqual([
      '/api/users/me',
      '/api/users/settings',
      '/api/users/:id',
      '/api/users/:id',
    ]);
    const t = templatesOf(['/api/users/me', '/api/users/settings', ...range(30, (i) => `/api/users/user-${i}`)]);
    expect(t.get('/api/users/me')).toBe('/api/users/me');
    expect(t.get('/api/users/settings')).toBe('/api/users/settings');
    expect(t.get('/api/users/user-7')).toBe('/api/users/:slug');
  });

  it('numbers are ids one path at a time: /orders/123 → /orders/:id', () => {
    expect(templatesOf(['/orders/123']).get('/orders/123')).toBe('/orders/:id');
  });

  it('merges at exactly the thresholds, not one below', () => {
    const slugs = (n: number): string[] => range(n, (i) => `/tags/t-${i}`);
    expect(new Set(templatesOf(slugs(MIN_DISTINCT_SLUGS - 1)).values()).size).toBe(MIN_DISTINCT_SLUGS - 1);
    expect(new Set(templatesOf(slugs(MIN_DISTINCT_SLUGS)).values())).toEqual(new Set(['/tags/:slug']));
    // Plain words (user names) need many more: a prefix's static routes are words too.
    const word = (i: number): string => `user${String.fromCharCode(97 + (i % 26))}${String.fromCharCode(97 + Math.floor(i / 26))}`;
    const words = (n: number): string[] => range(n, (i) => `/u/${word(i)}`);
    expect(new Set(templatesOf(words(MIN_DISTINCT_WORDS - 1)).values()).size).toBe(MIN_DISTINCT_WORDS - 1);
    expect(new Set(templatesOf(words(MIN_DISTINCT_WORDS)).values())).toEqual(new Set(['/u/:slug']));
  });

  it('counts per prefix: slugs spread over different parents do not merge', () => {
    const paths = range(10, (i) => `/section-${i}/index`);
    // Ten slug-shaped first segments under the root do merge (one prefix: "/")…
    expect(new Set(templatesOf(paths).values())).toEqual(new Set(['/:slug/index']));
    // …but four under each of three parents do not.
    const spread = ['a', 'b', 'c'].flatMap((p) => range(4, (i) => `/${p}/x-${i}`));
    expect(new Set(templatesOf(spread).values()).size).toBe(12);
  });

  it('leaves the root and empty paths alone', () => {
    expect(templatesOf(['/', '']).get('/')).toBe('/');
  });
});

describe('inferEndpointTemplates', () => {
  const trace = (service: string, attributes: Span['attributes']): AnalyzedTrace => {
    const root = { traceId: 't', spanId: 's', name: 'GET', kind: 'server', service, language: 'unknown', startUs: 0, endUs: 1, attributes, events: [], status: 'unset', links: [] } as Span;
    return { trace: { traceId: 't', root, spans: [root], children: new Map(), byId: new Map() }, path: [], breakdownUs: {} as AnalyzedTrace['breakdownUs'], endpoint: 'unset', service };
  };

  it('renames raw-path endpoints (foreign keys too) per service, and never one the server named', () => {
    const slugs = range(10, (i) => trace('blog', { 'http.method': 'GET', 'http.target': `/posts/post-${i}?ref=x` }));
    const other = range(3, (i) => trace('shop', { 'http.request.method': 'GET', 'url.path': `/posts/post-${i}` }));
    const named = trace('blog', { 'http.request.method': 'GET', 'http.route': '/posts/featured-1', 'url.path': '/posts/featured-1' });
    named.endpoint = 'GET /posts/featured-1';
    inferEndpointTemplates([...slugs, ...other, named]);
    expect(new Set(slugs.map((a) => a.endpoint))).toEqual(new Set(['GET /posts/:slug']));
    expect(other.map((a) => a.endpoint)).toEqual(['GET /posts/post-0', 'GET /posts/post-1', 'GET /posts/post-2']);
    expect(named.endpoint).toBe('GET /posts/featured-1');
  });
});
