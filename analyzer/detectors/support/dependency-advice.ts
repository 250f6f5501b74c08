/**
 * What a user can change when CPU time goes to a dependency or a runtime function their code calls: a few well-known
 * packages get their own words (what the time is, what to change at the call site); any other package gets a generic
 * phrasing. The fix is always at the app's call site: the dependency's code is not the user's to edit.
 */
export interface CauseAdvice {
  /** What the time is, naming the dependency: "bcryptjs hashing", "koa's respond serialising responses". */
  what: string;
  /** The change at the call site, as an imperative: "lower the cost factor or move hashing to a worker thread". */
  change: string;
}

interface Entry {
  packages: readonly string[];
  what: (pkg: string, fn: string) => string;
  change: string;
}

const SLIM = 'paginate or slim the payload (fewer rows, fewer fields)';

const PACKAGES: readonly Entry[] = [
  { packages: ['bcryptjs', 'bcrypt', 'bcrypt-nodejs'], what: (p) => `${p} hashing`, change: 'lower the cost factor or move hashing to a worker thread (the native bcrypt package hashes off the event loop)' },
  { packages: ['koa'], what: (_, fn) => `responses serialised by koa's ${fn}`, change: SLIM },
  // express's send also hashes every body for its ETag: the cost is there for small bodies too.
  { packages: ['express'], what: (_, fn) => `responses built by express's ${fn} (serialising, ETag hashing)`, change: `${SLIM}; app.set('etag', false) when clients do not revalidate` },
  { packages: ['fastify', 'fast-json-stringify', '@fastify/fast-json-stringify-compiler'], what: (p, fn) => `reply serialisation in ${p}'s ${fn}`, change: `${SLIM}, with a response schema so fastify compiles the serialiser` },
  { packages: ['@nestjs/core', '@nestjs/platform-express', '@nestjs/common'], what: (p, fn) => `${p}'s ${fn} handling responses`, change: SLIM },
  { packages: ['pg', 'pg-protocol', 'pg-types', 'postgres-array', 'mysql', 'mysql2', 'tedious', 'better-sqlite3', 'sqlite3', 'mongodb', 'bson'], what: (p, fn) => `${p}'s ${fn} reading query results`, change: 'fetch fewer rows and columns (paginate, no SELECT *)' },
  { packages: ['sequelize', 'typeorm', '@mikro-orm/core', 'objection', 'knex', 'kysely', 'mongoose', '@prisma/client', 'bookshelf', 'waterline'], what: (p, fn) => `${p}'s ${fn} building models from rows`, change: 'fetch fewer rows and columns, and use raw or lean queries where model instances are not needed' },
  { packages: ['handlebars', 'ejs', 'pug', 'nunjucks', 'mustache', 'eta', 'hogan.js', 'dot', 'liquidjs'], what: (p) => `${p} template rendering`, change: 'compile templates once and cache what renders the same' },
  { packages: ['ajv', 'joi', 'zod', 'yup', 'class-validator', 'class-transformer', 'superstruct'], what: (p) => `${p} validation`, change: 'build validators once at startup and validate less per request' },
  { packages: ['jsonwebtoken', 'jose', 'jws', 'jwa'], what: (p) => `${p} token signing or verification`, change: 'cache verified tokens, or use a cheaper algorithm (HS256 rather than RS256)' },
  { packages: ['marked', 'markdown-it', 'showdown', 'remark', 'sanitize-html', 'dompurify', 'cheerio', 'jsdom'], what: (p) => `${p} parsing or rendering markup`, change: 'render once and cache the result' },
  { packages: ['sharp', 'jimp', 'pngjs', 'canvas'], what: (p) => `${p} image processing`, change: 'move it to a worker thread or a job queue, and cache the results' },
  { packages: ['xml2js', 'fast-xml-parser', 'xmlbuilder', 'xmlbuilder2', 'csv-parse', 'papaparse', 'exceljs', 'xlsx'], what: (p) => `${p} parsing or writing documents`, change: 'stream it in chunks, or move it to a worker thread' },
];

const BY_PACKAGE = new Map<string, Entry>();
for (const e of PACKAGES) for (const p of e.packages) BY_PACKAGE.set(p, e);

/** Advice for time spent in `fn` of dependency `pkg`. */
export function dependencyAdvice(pkg: string, fn: string): CauseAdvice {
  const e = BY_PACKAGE.get(pkg);
  if (e) return { what: e.what(pkg, fn), change: e.change };
  return { what: `${pkg}'s ${fn}`, change: `call ${pkg} less often or with less data, or cache its result` };
}

/** Advice for time spent in a runtime function worth naming (its kind from hot-function's workKind). */
export function runtimeAdvice(fn: string, kind: string): CauseAdvice {
  switch (kind) {
    case 'JSON':
      return { what: fn, change: 'parse or serialise less: paginate or slim the payload, or cache the serialised form' };
    case 'regex':
      return { what: fn, change: 'compile patterns once, anchor them, and avoid backtracking on long inputs' };
    case 'crypto':
      return { what: fn, change: "use crypto's asynchronous API, which runs in the thread pool, or hash less often" };
    case 'templating':
      return { what: fn, change: 'compile templates once and cache what renders the same' };
    default:
      return { what: fn, change: 'call it less often or with less data, or cache its result' };
  }
}
