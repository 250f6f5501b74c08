import type { AttrValue, Span } from '../model/span.js';

function str(v: AttrValue | undefined): string | undefined {
  return typeof v === 'string' && v.length > 0 ? v : undefined;
}

// Path segments that are ids, not routes: numbers, UUIDs, long hex, and long opaque tokens.
const ID_SEGMENT = /^(\d+|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|[0-9a-f]{16,}|[A-Za-z0-9_-]{24,})$/i;

/**
 * A route template from a raw path when the server recorded no `http.route` (plain node:http, many Go and
 * Python servers): the query is dropped and id-like segments become `:id`, so `/orders/17?x=1` and
 * `/orders/42` are one endpoint, `/orders/:id`.
 */
export function templatePath(path: string): string {
  const bare = path.split(/[?#]/, 1)[0] ?? '';
  const segments = bare.split('/').map((s) => (ID_SEGMENT.test(s) ? ':id' : s));
  return segments.join('/') || '/';
}

function rawPath(a: Span['attributes']): string | undefined {
  const path = str(a['url.path']) ?? str(a['http.target']);
  if (path) return path;
  const full = str(a['url.full']) ?? str(a['http.url']);
  if (!full) return undefined;
  try {
    return new URL(full).pathname;
  } catch {
    return undefined;
  }
}

/**
 * The method and templated path of a root whose endpoint comes from its raw path (an HTTP server span with no route):
 * the ones whose names path-templates.ts may generalise further. Undefined for every other root.
 */
export function rawEndpointPath(root: Span): { method: string; path: string } | undefined {
  const a = root.attributes;
  if (root.kind !== 'server' || str(a['http.route']) || str(a['url.template'])) return undefined;
  const method = str(a['http.request.method']) ?? str(a['http.method']);
  const path = method ? rawPath(a) : undefined;
  return method && path ? { method, path: templatePath(path) } : undefined;
}

/**
 * The endpoint a trace belongs to: "METHOD route" for an HTTP server root (stable or older keys; a templated
 * path when there is no route), else "rpc.service/rpc.method", else the root span's name. Routes are
 * templates, so ids never split endpoints.
 */
export function endpointOf(root: Span): { endpoint: string; service: string } {
  const a = root.attributes;
  const method = str(a['http.request.method']) ?? str(a['http.method']);
  const route = str(a['http.route']) ?? str(a['url.template']);
  let endpoint: string;
  if (route) endpoint = method ? `${method} ${route}` : route;
  else if (str(a['rpc.service']) && str(a['rpc.method'])) endpoint = `${str(a['rpc.service'])}/${str(a['rpc.method'])}`;
  else {
    const path = method && root.kind === 'server' ? rawPath(a) : undefined;
    endpoint = path ? `${method} ${templatePath(path)}` : root.name;
  }
  return { endpoint, service: root.service };
}
