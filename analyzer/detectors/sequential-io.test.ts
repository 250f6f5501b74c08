import { describe, expect, it } from 'vitest';
import { feedsTheRest, sequentialIo } from './sequential-io.js';
import { TraceBuilder, analyzeAll, contextOf, http, sql, type SpanSpec } from './testing/builder.js';
import { fixOf } from './testing/fixes.js';

function trace(children: SpanSpec[], end = 100, language: 'nodejs' | 'go' = 'nodejs') {
  const b = new TraceBuilder({ language });
  const root = b.root({ name: 'GET /cart', route: '/cart', start: 0, end });
  for (const c of children) b.add(root, c);
  return b.build();
}

const independent = (): SpanSpec[] => [
  sql('SELECT * FROM users WHERE id = 1', 10, 30),
  sql('SELECT * FROM carts WHERE user_id = 1', 30, 60),
  http('GET', 'http://prices.internal/api/prices', 60, 90),
];

describe('sequential-io', () => {
  it('parallelizes three independent reads; saving = sum − max = 80 − 30 ms', () => {
    const ctx = contextOf(analyzeAll([trace(independent()), trace(independent())]));
    const findings = sequentialIo.detect(ctx);
    expect(findings).toHaveLength(1);
    expect(findings[0].title).toBe('Run 3 independent db/network calls concurrently');
    expect(findings[0].confidence).toBe('medium');
    const fix = fixOf(ctx, 'sequential-io')!;
    expect(fix.savingMs).toBeCloseTo(2 * 50, 6);
    expect(fix.savingFraction).toBeCloseTo(0.5, 6);
    expect(fix.advice.sketch).toContain('Promise.all');
  });

  it('does not fire on calls that already overlap (fan-out)', () => {
    const fanOut = [sql('SELECT * FROM users WHERE id = 1', 10, 40), sql('SELECT * FROM carts', 10, 40), http('GET', 'http://prices/api', 10, 40)];
    expect(sequentialIo.detect(contextOf(analyzeAll([trace(fanOut)])))).toHaveLength(0);
  });

  it('does not fire when a read follows a write it may depend on', () => {
    const dependent = [sql("INSERT INTO orders (user_id) VALUES (1)", 10, 30), sql('SELECT * FROM orders WHERE user_id = 1', 30, 60)];
    expect(sequentialIo.detect(contextOf(analyzeAll([trace(dependent)])))).toHaveLength(0);
  });

  it('leaves the same template repeated to n-plus-one', () => {
    const repeated = [sql('SELECT * FROM items WHERE id = 1', 10, 30), sql('SELECT * FROM items WHERE id = 2', 30, 50)];
    expect(sequentialIo.detect(contextOf(analyzeAll([trace(repeated)])))).toHaveLength(0);
  });

  it('does not fire when the saving is below minSavedMs (fast clean service)', () => {
    const fast = [sql('SELECT * FROM users WHERE id = 1', 10, 12), sql('SELECT * FROM carts', 12, 14)];
    expect(sequentialIo.detect(contextOf(analyzeAll([trace(fast, 20)])))).toHaveLength(0);
  });

  it('a run that broke early in one request joins the full run\'s fix', () => {
    const partial = [sql('SELECT * FROM users WHERE id = 1', 10, 30), sql('SELECT * FROM carts WHERE user_id = 1', 30, 60), http('GET', 'http://prices.internal/api/prices', 80, 95)];
    const ctx = contextOf(analyzeAll([trace(independent()), trace(partial)]));
    const findings = sequentialIo.detect(ctx);
    expect(findings).toHaveLength(1);
    expect(findings[0].why).toContain('2 of 2 GET /cart requests');
    // 50 ms in the full run; 20 ms (users ‖ carts) in the partial one
    expect(fixOf(ctx, 'sequential-io')!.savingMs).toBeCloseTo(70, 6);
  });

  it('gives Go advice for a Go service', () => {
    const [f] = sequentialIo.detect(contextOf(analyzeAll([trace(independent(), 100, 'go')])));
    expect(f.advice.sketch).toContain('errgroup');
  });

  it('sees through the short pool checkout that precedes each pool.query()', () => {
    const checkout = (at: number): SpanSpec => ({ name: 'pg-pool.connect', cls: 'pool', kind: 'client', start: at, end: at + 0.1 });
    const viaPool = [checkout(9.9), ...independent().slice(0, 1), checkout(30), { ...independent()[1]!, start: 30.1 }];
    const ctx = contextOf(analyzeAll([trace(viaPool)]));
    expect(sequentialIo.detect(ctx)).toHaveLength(1);
    // users (20 ms) ‖ carts (29.9 ms): saving = 49.9 − 29.9 = 20 ms
    expect(fixOf(ctx, 'sequential-io')!.savingMs).toBeCloseTo(20, 0);
  });

  it('a long pool wait between the calls still breaks the sequence', () => {
    const longWait: SpanSpec = { name: 'pg-pool.connect', cls: 'pool', kind: 'client', start: 30, end: 45 };
    const calls = [independent()[0]!, longWait, { ...independent()[1]!, start: 45, end: 75 }];
    expect(sequentialIo.detect(contextOf(analyzeAll([trace(calls)])))).toHaveLength(0);
  });

  it('does not chain a call of a loop (n-plus-one) to the distinct calls after it', () => {
    const loop = [1, 2, 3, 4, 5].map((i) => sql(`SELECT * FROM items WHERE id = ${i}`, 10 * i, 10 * i + 10));
    const after = [sql('SELECT * FROM users WHERE id = 1', 60, 80), sql('SELECT * FROM carts WHERE user_id = 1', 80, 95)];
    const ctx = contextOf(analyzeAll([trace([...loop, ...after])]));
    const findings = sequentialIo.detect(ctx);
    expect(findings).toHaveLength(1);
    expect(findings[0]!.title).toBe('Run 2 independent db calls concurrently');
    // users (20 ms) ‖ carts (15 ms): saving = 35 − 20 = 15 ms
    expect(fixOf(ctx, 'sequential-io')!.savingMs).toBeCloseTo(15, 6);
  });

  describe('a first call whose result feeds the rest (the key)', () => {
    // GET /articles/:slug — the article by slug, then its author, tags and comments by the ids it returned.
    const bySlug = (): SpanSpec[] => [
      sql("SELECT * FROM articles WHERE slug = 'how-to'", 10, 30),
      sql('SELECT * FROM users WHERE id = 7', 30, 50),
      sql('SELECT * FROM tags WHERE article_id = 12', 50, 70),
      sql('SELECT * FROM comments WHERE "articleId" = 12', 70, 90),
    ];

    it('stays first: only the 3 calls after it are parallelized; saving = 60 − 20 ms, not 80 − 20', () => {
      const ctx = contextOf(analyzeAll([trace(bySlug()), trace(bySlug())]));
      const [f] = sequentialIo.detect(ctx);
      expect(f.title).toBe('Run 3 independent db calls concurrently once "SELECT * FROM articles WHERE slug = ?" has returned');
      expect(f.why).toContain('they likely use its result');
      expect(fixOf(ctx, 'sequential-io')!.savingMs).toBeCloseTo(2 * 40, 6);
    });

    it('feeder plus one dependent call: nothing can overlap, no finding', () => {
      const two = bySlug().slice(0, 2);
      expect(sequentialIo.detect(contextOf(analyzeAll([trace(two)])))).toHaveLength(0);
    });

    it('known answers of the statement rule, with negatives', () => {
      const span = (statement: string) => analyzeAll([trace([sql(statement, 10, 20)])])[0].trace.spans.find((x) => x.class === 'db')!;
      const slug = span("SELECT * FROM articles WHERE slug = 'x'");
      const email = span('SELECT id FROM users WHERE lower(email) = $1 AND active = true');
      const byUserId = span('SELECT * FROM carts WHERE user_id = $1');
      const byCamel = span('SELECT * FROM "Tags" t WHERE t."articleId" IN ($1, $2)');
      const byPk = span('SELECT * FROM users WHERE id = $1');
      const noWhere = span('SELECT * FROM settings');
      const byName = span("SELECT * FROM prices WHERE currency = 'EUR'");
      expect(feedsTheRest(slug, [byUserId, byCamel, byPk])).toBe(true);
      expect(feedsTheRest(email, [byUserId])).toBe(true);
      // The first already filters by an id: its key came from the request (the orders sample's customer + recommendations).
      expect(feedsTheRest(byPk, [byUserId])).toBe(false);
      // A later call that filters by no id does not use a key.
      expect(feedsTheRest(slug, [byUserId, byName])).toBe(false);
      expect(feedsTheRest(slug, [noWhere])).toBe(false);
      // A first call with no filter returns no particular key.
      expect(feedsTheRest(noWhere, [byUserId])).toBe(false);
      // An ORM's quoting (Sequelize on MySQL: backticks), the lookup in a subquery, JOIN ... ON ids after it.
      const sequelizeSlug = span(
        'SELECT `Article`.*, `author`.`id` AS `author.id` FROM (SELECT `Article`.`id`, `Article`.`slug` FROM `Articles` AS `Article` WHERE `Article`.`slug` = ? LIMIT ?) AS `Article` LEFT OUTER JOIN `Users` AS `author` ON `Article`.`authorId` = `author`.`id`;',
      );
      const sequelizeByArticle = span('SELECT `User`.`id` FROM `Users` AS `User` INNER JOIN `Favorites` AS `Favorites` ON `User`.`id` = `Favorites`.`UserId` AND `Favorites`.`articleId` = ?;');
      const sequelizeCount = span('SELECT COUNT(`User`.`id`) AS `count` FROM `Users` AS `User` WHERE `User`.`authorId` = ?;');
      const tsql = span('SELECT * FROM [Orders] WHERE [Orders].[customerId] = @p1');
      expect(feedsTheRest(sequelizeSlug, [sequelizeCount, tsql, sequelizeByArticle])).toBe(true);
      // A JOIN of column to column filters nothing: the first call's ON `author`.`id` makes it no lookup by id.
      const sequelizeById = span('SELECT `Article`.* FROM (SELECT `Article`.`id` FROM `Articles` AS `Article` WHERE `Article`.`id` = ? LIMIT ?) AS `Article` LEFT OUTER JOIN `Users` AS `author` ON `Article`.`slug` = `author`.`id`;');
      expect(feedsTheRest(sequelizeById, [sequelizeCount])).toBe(false);
      // Not SQL: never judged dependent.
      const get = analyzeAll([trace([http('GET', 'http://x/users?email=a', 10, 20)])])[0].trace.spans.find((x) => x.class === 'network')!;
      expect(feedsTheRest(get, [byUserId])).toBe(false);
    });
  });
});
