/**
 * Route templates inferred from many requests, for servers that name no route (plain node:http, a framework timesink
 * does not hook, foreign traces). endpoint.ts already turns numbers, UUIDs, long hex and opaque tokens into `:id`, one
 * path at a time; what one path cannot show is a slug (`/articles/how-to-cache-27`) or a name (`/users/alice`). Many
 * distinct values at the same position under the same prefix can: they become `:slug`, so a Fastify app without
 * route names gives `GET /api/articles/:slug` instead of 35 endpoints of a few requests each.
 *
 * Two thresholds keep real routes apart. Slug-shaped values (a digit, `-`, `_`, `.`, `~`, `%`, `@`, `+`, or 20+
 * characters) merge from MIN_DISTINCT_SLUGS distinct ones on; plain words (`me`, `settings`, `alice`) only from
 * MIN_DISTINCT_WORDS, far more than the static siblings one prefix usually has, and counted apart from the slugs:
 * `/users/me` and `/users/settings` stay themselves beside thirty `/users/<slug>`.
 */
import type { AnalyzedTrace } from '../model/trace.js';
import { rawEndpointPath } from './endpoint.js';

/** Distinct slug-shaped values at one position under one prefix from which they are one parameter. */
export const MIN_DISTINCT_SLUGS = 8;
/** Distinct plain words at one position under one prefix from which they are one parameter. */
export const MIN_DISTINCT_WORDS = 25;
export const SLUG = ':slug';

const SLUG_SHAPED = /[\d\-_.~%@+]|^.{20,}$/;

function isSlugShaped(segment: string): boolean {
  return SLUG_SHAPED.test(segment);
}

/** A trie of path segments; `merged` holds the values at this node's children that became `:slug`. */
interface Node {
  children: Map<string, Node>;
  merged?: Set<string>;
}

const node = (): Node => ({ children: new Map() });

function mergeInto(into: Node, from: Node): void {
  for (const [seg, child] of from.children) {
    const existing = into.children.get(seg);
    if (existing) mergeInto(existing, child);
    else into.children.set(seg, child);
  }
  if (from.merged) for (const v of from.merged) (into.merged ??= new Set()).add(v);
}

/** Leading `/` is segment 0 (empty); the path's own placeholders (`:id`) are values like any other. */
function segmentsOf(path: string): string[] {
  return path.split('/');
}

/** Merges the high-cardinality children of every node, top down, so a merged subtree is generalised as a whole. */
function generalise(n: Node): void {
  const candidates = [...n.children.keys()].filter((k) => !k.startsWith(':') && k !== '');
  const slugs = candidates.filter(isSlugShaped);
  const words = candidates.filter((k) => !isSlugShaped(k));
  const toMerge = [...(slugs.length >= MIN_DISTINCT_SLUGS ? slugs : []), ...(words.length >= MIN_DISTINCT_WORDS ? words : [])];
  if (toMerge.length > 0) {
    const target = n.children.get(SLUG) ?? node();
    n.merged = new Set(toMerge);
    for (const k of toMerge) {
      mergeInto(target, n.children.get(k)!);
      n.children.delete(k);
    }
    n.children.set(SLUG, target);
  }
  for (const child of n.children.values()) generalise(child);
}

export class PathTemplates {
  private readonly root = node();

  /** Learns the shape of the paths (already through endpoint.ts templatePath). */
  constructor(paths: Iterable<string>) {
    for (const p of paths) {
      let n = this.root;
      for (const seg of segmentsOf(p)) {
        let c = n.children.get(seg);
        if (!c) n.children.set(seg, (c = node()));
        n = c;
      }
    }
    generalise(this.root);
  }

  /** The template of one of the learned paths (any other path comes back as far as it is known). */
  template(path: string): string {
    const out: string[] = [];
    let n: Node | undefined = this.root;
    for (const seg of segmentsOf(path)) {
      if (n?.merged?.has(seg)) {
        out.push(SLUG);
        n = n.children.get(SLUG);
      } else {
        out.push(seg);
        n = n?.children.get(seg);
      }
    }
    return out.join('/') || '/';
  }
}

/**
 * Renames the endpoints of traces named by their raw path (no route recorded) to the templates the whole set of
 * paths implies, per service (one service's slugs say nothing about another's routes).
 */
export function inferEndpointTemplates(analyzed: AnalyzedTrace[]): void {
  const byService = new Map<string, { a: AnalyzedTrace; method: string; path: string }[]>();
  for (const a of analyzed) {
    const raw = rawEndpointPath(a.trace.root);
    if (!raw) continue;
    let list = byService.get(a.service);
    if (!list) byService.set(a.service, (list = []));
    list.push({ a, ...raw });
  }
  for (const list of byService.values()) {
    const templates = new PathTemplates(new Set(list.map((r) => r.path)));
    for (const r of list) r.a.endpoint = `${r.method} ${templates.template(r.path)}`;
  }
}
