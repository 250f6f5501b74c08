import type { DetectorId } from '../model/analysis.js';
import type { Language } from '../model/span.js';

export interface AdviceEntry {
  text: string;
  sketch?: string;
}

export interface DetectorAdvice {
  generic: AdviceEntry;
  byLanguage: Partial<Record<Language, AdviceEntry>>;
}

/**
 * What to change, per detector and language, with a short sketch. Sketches show the shape of the fix, not a
 * drop-in patch; `{placeholders}` are filled by adviceFor.
 */
export const CATALOG: Record<DetectorId, DetectorAdvice> = {
  'sequential-io': {
    generic: { text: 'These calls do not depend on each other: start them together and wait for all of them.' },
    byLanguage: {
      nodejs: {
        text: 'Start the independent calls together with Promise.all instead of awaiting them one by one.',
        sketch: 'const [user, cart, prices] = await Promise.all([\n  db.query(userSql, [id]),\n  db.query(cartSql, [id]),\n  fetchPrices(),\n]);',
      },
      python: {
        text: 'Run the independent awaits together with asyncio.gather (or a TaskGroup).',
        sketch: 'user, cart, prices = await asyncio.gather(\n    db.fetchrow(USER_SQL, uid),\n    db.fetch(CART_SQL, uid),\n    fetch_prices(),\n)',
      },
      go: {
        text: 'Run the independent calls in an errgroup and wait once.',
        sketch: 'g, ctx := errgroup.WithContext(ctx)\ng.Go(func() (err error) { user, err = loadUser(ctx, id); return })\ng.Go(func() (err error) { cart, err = loadCart(ctx, id); return })\nif err := g.Wait(); err != nil { return err }',
      },
      java: {
        text: 'Issue the independent calls as CompletableFutures and join them together.',
        sketch: 'var user = CompletableFuture.supplyAsync(() -> users.find(id), ioPool);\nvar cart = CompletableFuture.supplyAsync(() -> carts.find(id), ioPool);\nCompletableFuture.allOf(user, cart).join();',
      },
    },
  },
  'n-plus-one': {
    generic: { text: 'The same call runs once per item: fetch all items in one call ({template}).' },
    byLanguage: {
      nodejs: {
        text: 'Replace the per-item query by one batched query (IN-list / ANY($1)), or a DataLoader that batches per tick; for Redis use MGET or a pipeline.',
        sketch: "const { rows } = await db.query('SELECT * FROM items WHERE id = ANY($1)', [ids]);\nconst byId = new Map(rows.map((r) => [r.id, r]));",
      },
      python: {
        text: 'Load the related rows in one query (IN-list, selectinload/prefetch_related in an ORM) or executemany for writes.',
        sketch: 'rows = await conn.fetch("SELECT * FROM items WHERE id = ANY($1)", ids)\n# Django: Order.objects.prefetch_related("items")\n# SQLAlchemy: select(Order).options(selectinload(Order.items))',
      },
      go: {
        text: 'Query all ids at once (sqlx.In / pgx ANY($1)) or pipeline the commands (go-redis Pipelined).',
        sketch: 'rows, err := db.Query(ctx, "SELECT * FROM items WHERE id = ANY($1)", ids)',
      },
      java: {
        text: 'Fetch the association in one query (JOIN FETCH, @BatchSize, IN-list) instead of lazily per entity.',
        sketch: '@Query("select o from Order o join fetch o.items where o.id in :ids")\nList<Order> findWithItems(@Param("ids") List<Long> ids);',
      },
    },
  },
  'repeated-call': {
    generic: { text: 'The identical call repeats within one request: keep the first result (memoize per request, or cache).' },
    byLanguage: {
      nodejs: {
        text: 'Memoize the call for the lifetime of the request (a Map keyed by the arguments, or DataLoader), or cache it with a TTL.',
        sketch: 'const memo = new Map<string, Promise<User>>();\nconst getUser = (id: string) => memo.get(id) ?? memo.set(id, loadUser(id)).get(id)!;',
      },
      python: {
        text: 'Cache the result per request (a dict on the request, functools.lru_cache for pure lookups, or a TTL cache).',
        sketch: '@functools.lru_cache(maxsize=1024)\ndef load_settings(tenant_id): ...',
      },
      go: { text: 'Keep the result for the request (a map in the request context) or use singleflight to share in-flight calls.', sketch: 'v, err, _ := group.Do(key, func() (any, error) { return load(ctx, key) })' },
      java: { text: 'Cache the lookup (@Cacheable, Caffeine) or keep it in a request-scoped bean.', sketch: '@Cacheable("settings")\npublic Settings load(String tenant) { ... }' },
    },
  },
  'event-loop-blocking': {
    generic: { text: 'Long synchronous work on the request thread delays every other request: move it off that thread.' },
    byLanguage: {
      nodejs: {
        text: 'Move the CPU-heavy work to a worker thread pool (piscina or worker_threads), or split it into chunks that yield with setImmediate.',
        sketch: "import Piscina from 'piscina';\nconst pool = new Piscina({ filename: new URL('./work.js', import.meta.url).href });\nconst result = await pool.run(input);",
      },
      python: {
        text: 'Run CPU-bound work in a process pool from async code (loop.run_in_executor with ProcessPoolExecutor); the GIL makes threads no help for pure-Python CPU work.',
        sketch: 'pool = concurrent.futures.ProcessPoolExecutor()\nresult = await asyncio.get_running_loop().run_in_executor(pool, render_report, data)',
      },
      go: { text: 'A goroutine doing long CPU work holds a P: bound it with a worker pool so request goroutines keep running.' },
      java: { text: 'Do not run long CPU work on the event-loop / request thread (Netty, Vert.x, WebFlux): hand it to a bounded worker executor.', sketch: 'Mono.fromCallable(() -> render(data)).subscribeOn(Schedulers.boundedElastic())' },
    },
  },
  'sync-io': {
    generic: { text: 'A synchronous I/O call blocks the thread that serves requests: use the asynchronous API.' },
    byLanguage: {
      nodejs: {
        text: 'Replace {call} by its asynchronous twin (fs/promises, child_process.execFile with a promise, crypto.pbkdf2, zlib.gzip), or read the file once at startup.',
        sketch: "import { readFile } from 'node:fs/promises';\nconst template = await readFile(path, 'utf8'); // or load once at startup",
      },
      python: {
        text: 'In async code, blocking calls stall the event loop: use aiofiles / asyncio.create_subprocess_exec, or asyncio.to_thread for the blocking call.',
        sketch: 'data = await asyncio.to_thread(path.read_bytes)',
      },
      // Blocking I/O is normal in a goroutine or a servlet thread; it hurts where one thread serves many requests.
      go: {
        text: 'Blocking I/O only parks its goroutine, so this costs the request itself: read the file once at startup (embed, a cached value), or do the I/O concurrently with the request\'s other work.',
        sketch: '//go:embed templates/*\nvar templates embed.FS // read once, at build time, instead of per request',
      },
      java: {
        text: 'On an event-loop server (Netty, Vert.x, WebFlux) blocking I/O stalls every request on that loop: move it to a bounded worker executor; on a thread-per-request server, cache what is read per request.',
        sketch: 'Mono.fromCallable(() -> Files.readString(path)).subscribeOn(Schedulers.boundedElastic())',
      },
    },
  },
  'pool-exhaustion': {
    generic: { text: 'Requests wait for a pooled connection: the pool is smaller than the concurrency, or connections are held too long.' },
    byLanguage: {
      nodejs: {
        text: 'Size the pool to the concurrency the database can take (pg Pool max, mysql2 connectionLimit), and hold a client only for the queries themselves (release before other awaits).',
        sketch: 'const pool = new Pool({ max: 20, connectionTimeoutMillis: 2000 });\nconst { rows } = await pool.query(sql, args); // checks out and releases per query',
      },
      python: {
        text: 'Raise pool_size/max_overflow (SQLAlchemy) or max_size (asyncpg) to match the concurrency, and keep sessions short ("QueuePool limit reached" is this wait).',
        sketch: 'engine = create_engine(url, pool_size=20, max_overflow=10, pool_timeout=2)',
      },
      go: { text: 'Raise db.SetMaxOpenConns to the concurrency the database can take and close rows promptly (a leaked *sql.Rows pins a connection).', sketch: 'db.SetMaxOpenConns(20)\ndb.SetMaxIdleConns(20)' },
      java: { text: 'Size HikariCP maximumPoolSize for the concurrency and keep transactions short.', sketch: 'spring.datasource.hikari.maximum-pool-size=20' },
    },
  },
  'lock-contention': {
    generic: { text: 'Requests queue for a shared lock: hold it for less time, shard it, or replace it with a lock-free structure or a queue.' },
    byLanguage: {
      nodejs: { text: 'Shorten the critical section (do the awaits outside the lock), shard the lock by key, or replace row locks (SELECT … FOR UPDATE) with atomic updates.', sketch: "await db.query('UPDATE stock SET qty = qty - $1 WHERE id = $2 AND qty >= $1', [n, id]);" },
      python: { text: 'Keep the critical section short, shard the lock by hash(key) % N, or accumulate per thread/task and merge.', sketch: 'locks = [threading.Lock() for _ in range(16)]\nwith locks[hash(key) % 16]:\n    counts[key] += 1' },
      go: { text: 'Shorten the critical section, shard the mutex by key, or use sync/atomic or a channel owner goroutine.' },
      java: { text: 'Shorten the synchronized section, use ConcurrentHashMap / LongAdder, or stripe locks by key.' },
    },
  },
  'concurrency-limit': {
    generic: { text: 'Identical work items run only {parallelism} at a time while the request waits: raise the limit toward what the downstream can take.' },
    byLanguage: {
      nodejs: { text: 'Raise the concurrency limit (p-limit, p-map concurrency, async.mapLimit) toward what the downstream can take (10-100 for outbound HTTP).', sketch: "import pMap from 'p-map';\nconst results = await pMap(items, work, { concurrency: 16 });" },
      python: { text: 'Raise the semaphore / max_workers limit (asyncio.Semaphore, ThreadPoolExecutor max_workers) toward what the downstream can take.', sketch: 'sem = asyncio.Semaphore(16)\nasync def one(x):\n    async with sem:\n        return await work(x)\nresults = await asyncio.gather(*(one(x) for x in items))' },
      go: { text: 'Raise errgroup SetLimit / the worker count toward what the downstream can take.', sketch: 'g.SetLimit(16)' },
      java: { text: 'Enlarge the executor (or Semaphore permits) that runs these items.', sketch: 'var pool = Executors.newFixedThreadPool(16);' },
    },
  },
  'slow-query': {
    generic: {
      text: 'This query is far slower than its peers: look at its plan (EXPLAIN ANALYZE) for sequential scans and add the missing index, or fetch less.',
      sketch: 'EXPLAIN (ANALYZE, BUFFERS) {template};\n-- then e.g. CREATE INDEX CONCURRENTLY ON <table> (<filtered column>);',
    },
    // The fix is in the database whatever the language; the sketch shows how to see the plan from the app's own driver.
    byLanguage: {
      nodejs: {
        text: 'Look at the plan (EXPLAIN ANALYZE) for sequential scans and add the missing index, or fetch less (LIMIT, fewer columns); the pg driver can show the plan from the app.',
        sketch: "const { rows } = await pool.query('EXPLAIN (ANALYZE, BUFFERS) ' + sql, params);\nconsole.log(rows.map((r) => r['QUERY PLAN']).join('\\n'));",
      },
      python: {
        text: 'Look at the plan (EXPLAIN ANALYZE) for sequential scans and add the missing index, or fetch less; with SQLAlchemy, echo the statement and run EXPLAIN on it.',
        sketch: 'plan = await conn.fetch("EXPLAIN (ANALYZE, BUFFERS) " + sql, *params)\nprint("\\n".join(r[0] for r in plan))',
      },
      go: {
        text: 'Look at the plan (EXPLAIN ANALYZE) for sequential scans and add the missing index, or fetch less; pass a context deadline so a slow plan cannot hold the request forever.',
        sketch: 'rows, err := db.QueryContext(ctx, "EXPLAIN (ANALYZE, BUFFERS) "+query, args...)',
      },
      java: {
        text: 'Look at the plan (EXPLAIN ANALYZE) for sequential scans and add the missing index, or fetch less; with JPA, check the generated SQL (hibernate.show_sql) before tuning.',
        sketch: 'try (var st = conn.prepareStatement("EXPLAIN (ANALYZE, BUFFERS) " + sql)) { /* bind params, print the plan */ }',
      },
    },
  },
  'missing-timeout': {
    generic: { text: 'Calls to {target} have a heavy tail or never finish: set a timeout near {timeoutMs} ms and retry with exponential backoff and jitter.' },
    byLanguage: {
      nodejs: { text: 'Pass a timeout to every outbound call (AbortSignal.timeout for fetch/undici) and retry a bounded number of times with exponential backoff and jitter.', sketch: 'const res = await fetch(url, { signal: AbortSignal.timeout({timeoutMs}) });\n// on timeout: await sleep(100 * 2 ** attempt * Math.random()) and retry, at most 3 times' },
      python: { text: 'Wrap the call in asyncio.wait_for / give the client a timeout (httpx.Timeout, requests timeout=) and retry with backoff (0.1 * 2**attempt, jittered).', sketch: 'resp = await asyncio.wait_for(client.get(url), timeout={timeoutS})' },
      go: { text: 'Give every outbound call a context deadline (context.WithTimeout) and an http.Client Timeout; retry with backoff.', sketch: 'ctx, cancel := context.WithTimeout(ctx, {timeoutMs}*time.Millisecond)\ndefer cancel()' },
      java: { text: 'Set connect and read timeouts on the client (HttpClient, OkHttp, RestTemplate) and retry with backoff (Resilience4j).', sketch: 'HttpRequest.newBuilder(uri).timeout(Duration.ofMillis({timeoutMs})).build();' },
    },
  },
  'retry-storm': {
    generic: { text: 'Failed calls are retried at once, again and again: back off exponentially with jitter, cap the attempts, and fail fast (circuit breaker) while the dependency is down.' },
    byLanguage: {
      nodejs: { text: 'Retry with exponential backoff and jitter, at most a few times, and open a circuit (opossum) when the dependency keeps failing.', sketch: 'for (let attempt = 0; attempt < 3; attempt++) {\n  try { return await call(); } catch (e) { await sleep(100 * 2 ** attempt * Math.random()); }\n}\nthrow new Error("dependency down");' },
      python: { text: 'Use tenacity with wait_exponential_jitter and stop_after_attempt, or a circuit breaker (pybreaker).', sketch: '@retry(wait=wait_exponential_jitter(initial=0.1), stop=stop_after_attempt(3))\nasync def call(): ...' },
      go: { text: 'Retry with backoff (cenkalti/backoff) and a circuit breaker (sony/gobreaker).' },
      java: { text: 'Use Resilience4j Retry with exponential backoff and a CircuitBreaker.' },
    },
  },
  'connection-churn': {
    generic: { text: 'A new connection (DNS, TCP, TLS) is opened for calls to {target} again and again: reuse connections.' },
    byLanguage: {
      nodejs: { text: 'Reuse connections: a keep-alive Agent (or undici Pool) for HTTP, and a connection pool instead of a new client per request for databases.', sketch: "import { Agent } from 'node:https';\nconst agent = new Agent({ keepAlive: true, maxSockets: 50 });\nawait fetch(url, { dispatcher: new (await import('undici')).Agent({ keepAliveTimeout: 30_000 }) });" },
      python: { text: 'Create one requests.Session / httpx.AsyncClient and reuse it; use a pool for database connections.', sketch: 'client = httpx.AsyncClient(timeout=3.0)  # module-level, reused by every request' },
      go: { text: 'Reuse one http.Client (its Transport pools connections) and always read and close response bodies.' },
      java: { text: 'Reuse one HttpClient / OkHttpClient and a pooled DataSource instead of new connections per call.' },
    },
  },
  'fine-granularity': {
    generic: { text: 'Many tiny operations each pay a round trip: batch them, pipeline them, or stream in bigger chunks.' },
    byLanguage: {
      nodejs: { text: 'Read or write in larger chunks (a single readFile / createReadStream with a bigger highWaterMark), pipeline Redis commands, or batch the operations.', sketch: "const data = await readFile(path); // one read instead of many small ones\nconst replies = await redis.pipeline(keys.map((k) => ['get', k])).exec();" },
      python: { text: 'Batch the operations (executemany, pipeline, bulk API) or read in larger chunks.', sketch: 'cur.executemany("INSERT INTO t VALUES (%s, %s)", rows)' },
      go: { text: 'Use bufio, pipelines or bulk APIs so each round trip carries many items.' },
      java: { text: 'Use JDBC batch (addBatch/executeBatch), pipelining or buffered streams.' },
    },
  },
  'gc-pressure': {
    generic: { text: 'Garbage collection takes a large share of on-CPU time: allocate less on the hot path, and check the heap is sized for the live set.' },
    byLanguage: {
      nodejs: { text: 'Allocate less per request (reuse buffers, avoid building large intermediate arrays/strings, stream big JSON), and check --max-old-space-size fits the live heap.', sketch: 'node --max-old-space-size=2048 --trace-gc app.js  # confirm, then cut allocations in the hot functions' },
      python: { text: 'Create fewer short-lived objects on the hot path (generators, __slots__), and tune gc thresholds (gc.set_threshold) or freeze long-lived objects (gc.freeze).' },
      go: { text: 'Reduce allocations (sync.Pool, preallocated slices) and tune GOGC / GOMEMLIMIT.' },
      java: { text: 'Reduce allocation rate and size the heap / choose the collector (G1, ZGC) for the pause target.' },
    },
  },
  'hot-function': {
    generic: { text: '{function} ({location}) is where the CPU time goes: make it cheaper, call it less, or cache its result.' },
    byLanguage: {
      nodejs: { text: '{function} ({location}) dominates on-CPU time: call it less (cache results), use a faster equivalent (precompiled regex/templates, a streaming JSON parser), or move it to a worker thread.' },
      python: { text: '{function} ({location}) dominates on-CPU time: cache results, use a C-accelerated library (orjson, re2), or move it to a process pool.' },
      go: { text: '{function} ({location}) dominates on-CPU time: profile it with pprof, cut its allocations, cache its result, or precompile what it rebuilds per call (regexp, templates).' },
      java: { text: '{function} ({location}) dominates on-CPU time: cache its result, avoid rebuilding per call what can be reused (Pattern.compile, ObjectMapper), or move it off the request path.' },
    },
  },
};
