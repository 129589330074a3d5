#!/usr/bin/env python3
"""memory.py: does a backend that calls orm_models many times keep its memory?

All in ONE backend (session A): define a few models, sync, insert rows, then
call orm.find_all (two-level include and a where, its values changing every
call) and orm.define (the same model redefined) MEMORY_N times each, and
measure the backend's memory, sum(total_bytes) of pg_backend_memory_contexts,
and the size of the "orm_models cache" context (with its children) after a
warm-up of MEMORY_WARMUP calls (default 1000) and after the last call.  A phase
passes when the growth after the warm-up is below MEMORY_LIMIT bytes (default
1 MiB), measured both inside the loop (same statement, so memory held for
the length of a transaction or a statement counts) and from outside, between
statements (memory kept across transactions).

Phases, each one test:
  find_all, generate_series    one statement calls find_all MEMORY_N times
  find_all, plpgsql loop        a procedure (COMMIT every 1000 calls)
  find_by_pk, plpgsql loop      likewise, a point lookup with two levels
                                (the JSON writer's levels statement)
  define, plpgsql loop          the same model redefined MEMORY_N times
  define + find_all, loop       alternately: every find_all reloads the cache
  find_all, one statement each  MEMORY_N/10 round trips (autocommit)
  cross-session invalidation    session B redefines a model (attribute order
                                toggled), session A's next find_all must see it
                                (so A's cache was dropped) and A's memory must
                                not grow over MEMORY_N/20 cycles
  find_all_rows, many rows      MEMORY_ROWS parents (default 1,000,000), each
                                with an include, streamed through
                                find_all_rows: the backend's private memory
                                (RssAnon, sampled from /proc while it runs)
                                must peak below MEMORY_ROWS_LIMIT (default
                                64 MiB) over its start, and no higher than
                                for a tenth of the rows plus 16 MiB: flat
Plus, as information (not a test): how the memory grows with distinct statements
(310 find_all queries over one model differing in attributes and order).

Environment: MEMORY_N (default 20000), MEMORY_WARMUP (1000), MEMORY_LIMIT
(bytes, default 1048576), PGHOST PGPORT PGUSER PGDATABASE.  Ends with
"N passed, N failed".
"""

import json
import os
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "fuzz"))
import pgwire  # noqa: E402
from pgwire import lit  # noqa: E402

N = int(os.environ.get("MEMORY_N", "20000"))
WARM = int(os.environ.get("MEMORY_WARMUP", "1000"))
LIMIT = int(os.environ.get("MEMORY_LIMIT", str(1 << 20)))
ROWS = int(os.environ.get("MEMORY_ROWS", "1000000"))
ROWS_LIMIT = int(os.environ.get("MEMORY_ROWS_LIMIT", str(64 << 20)))
BATCH = 1000

MODELS = {
    "User": {
        "attributes": {
            "id": {"type": "INTEGER", "primaryKey": True, "autoIncrement": True},
            "name": {"type": "STRING", "allowNull": False},
            "email": {"type": "STRING", "unique": True},
            "age": "INTEGER",
            "settings": "JSONB",
        },
        "associations": [
            {"hasMany": "Post", "as": "posts", "foreignKey": "userId"},
            {"hasOne": "Profile", "as": "profile", "foreignKey": "userId"},
        ],
    },
    "Profile": {
        "attributes": {"userId": {"type": "INTEGER", "allowNull": False, "unique": True},
                       "website": "STRING(100)"},
        "associations": [{"belongsTo": "User", "as": "user", "foreignKey": "userId"}],
    },
    "Post": {
        "attributes": {
            "id": {"type": "INTEGER", "primaryKey": True, "autoIncrement": True},
            "title": {"type": "STRING", "allowNull": False},
            "userId": {"type": "INTEGER", "allowNull": False},
            "rating": "DECIMAL(3,1)",
        },
        "associations": [
            {"belongsTo": "User", "as": "author", "foreignKey": "userId"},
            {"hasMany": "Comment", "as": "comments", "foreignKey": "postId"},
            {"belongsToMany": "Tag", "as": "tags", "through": "PostTags",
             "foreignKey": "postId", "otherKey": "tagId"},
        ],
    },
    "Comment": {
        "attributes": {"body": {"type": "TEXT", "allowNull": False},
                       "postId": {"type": "INTEGER", "allowNull": False}},
        "options": {"paranoid": True},
        "associations": [{"belongsTo": "Post", "as": "post", "foreignKey": "postId"}],
    },
    "Tag": {
        "attributes": {"name": {"type": "STRING(50)", "allowNull": False, "unique": True},
                       "color": "CHAR(7)"},
        "options": {"timestamps": False},
        "associations": [{"belongsToMany": "Post", "as": "posts", "through": "PostTags",
                          "foreignKey": "tagId", "otherKey": "postId"}],
    },
}

# The redefinition: Tag, as defined, or with its attributes in the other order.
TAG_ATTRS = ['{"name": {"type": "STRING(50)", "allowNull": false, "unique": true}, "color": "CHAR(7)"}',
             '{"color": "CHAR(7)", "name": {"type": "STRING(50)", "allowNull": false, "unique": true}}']
TAG_OPTS = '{"timestamps": false}'

# find_all with a two-level include and a where; $1..: the values change per call
FIND = ('{"include": [{"association": "posts", "where": {"rating": {"$gte": 0}}, "required": false, '
        '"include": ["comments", "tags"], "order": [["id", "DESC"]], "limit": 3}, "profile"], '
        '"where": {"id": {"$lt": 12}, "name": {"$like": "user%"}}, "order": [["id", "ASC"]], "limit": 5}')

SETUP = r"""
SET client_min_messages = warning;
CREATE EXTENSION IF NOT EXISTS orm_models;
CREATE SCHEMA memtest;
CREATE FUNCTION memtest.total() RETURNS bigint LANGUAGE sql
  AS $$ SELECT sum(total_bytes)::bigint FROM pg_catalog.pg_backend_memory_contexts $$;
CREATE FUNCTION memtest.cache() RETURNS bigint LANGUAGE sql
  AS $$ SELECT coalesce(sum(total_bytes), 0)::bigint FROM pg_catalog.pg_backend_memory_contexts
        WHERE name = 'orm_models cache' OR parent = 'orm_models cache' $$;
CREATE TABLE memtest.results (phase text, total0 bigint, total1 bigint, cache0 bigint, cache1 bigint);
-- the query of call i: the same statement, other values
CREATE FUNCTION memtest.q(i int) RETURNS jsonb LANGUAGE sql IMMUTABLE AS $$
  SELECT jsonb_set(jsonb_set(%(find)s::jsonb, '{where,id,$lt}', to_jsonb(2 + $1 %% 20)),
                   '{include,0,limit}', to_jsonb(1 + $1 %% 4)) $$;
-- warm calls, measure, n calls, measure; COMMIT every batch calls
CREATE PROCEDURE memtest.loop(phase text, warm int, n int, batch int)
LANGUAGE plpgsql AS $$
DECLARE
  t0 bigint; c0 bigint; t1 bigint; c1 bigint;
BEGIN
  FOR i IN 1 .. warm + n LOOP
    IF phase IN ('find_all', 'define + find_all') THEN
      PERFORM orm.find_all('User', memtest.q(i));
    END IF;
    IF phase = 'find_by_pk' THEN
      PERFORM orm.find_by_pk('User', 1 + i %% 50,
        '{"include": [{"association": "posts", "include": ["comments", "tags"]}, "profile"]}');
    END IF;
    IF phase IN ('define', 'define + find_all') THEN
      PERFORM orm.define('Tag', %(tag)s, %(opts)s);
    END IF;
    IF i %% batch = 0 THEN
      COMMIT;
    END IF;
    IF i = warm THEN
      t0 := memtest.total(); c0 := memtest.cache();
    END IF;
  END LOOP;
  t1 := memtest.total(); c1 := memtest.cache();
  INSERT INTO memtest.results VALUES (phase, t0, t1, c0, c1);
  COMMIT;
END $$;
""" % {"find": lit(FIND), "tag": lit(TAG_ATTRS[0]), "opts": lit(TAG_OPTS)}

DATA = """
INSERT INTO public."Users" (name, email, age, settings)
SELECT 'user' || i, 'u' || i || '@example.org', 20 + i % 50, jsonb_build_object('n', i)
  FROM generate_series(1, 50) i;
INSERT INTO public."Profiles" ("userId", website) SELECT i, 'https://example.org/' || i FROM generate_series(1, 30) i;
INSERT INTO public."Posts" (title, "userId", rating)
SELECT 'post ' || i, 1 + i % 50, (i % 50) / 10.0 FROM generate_series(1, 200) i;
INSERT INTO public."Comments" (body, "postId", "deletedAt")
SELECT 'comment ' || i, 1 + i % 200, CASE WHEN i % 9 = 0 THEN now() END FROM generate_series(1, 600) i;
INSERT INTO public."Tags" (name, color) SELECT 'tag' || i, '#00000' || i % 10 FROM generate_series(1, 10) i;
INSERT INTO public."PostTags" ("postId", "tagId")
SELECT p, t FROM generate_series(1, 200) p, generate_series(1, 10) t WHERE (p + t) % 3 = 0;
ANALYZE;
"""

passed = 0
failed = 0


def mb(n):
    if n is None:
        return "?"
    sign = "-" if n < 0 else "+"
    n = abs(n)
    if n >= 1 << 20:
        return "%s%.2f MB" % (sign, n / (1 << 20))
    if n >= 1024:
        return "%s%.1f kB" % (sign, n / 1024)
    return "%s%d B" % (sign, n)


def size(n):
    return mb(n)[1:]


def must(c, sql, timeout=None):
    r = c.query(sql, timeout=timeout)
    if r.error:
        raise RuntimeError("%s\n  -> %s: %s" % (sql[:400], r.error.get("C"), r.error.get("M")))
    return r


def measure(c):
    row = must(c, "SELECT memtest.total(), memtest.cache()").rows[0]
    return int(row[0]), int(row[1])


def verdict(name, calls, secs, t0, t1, c0, c1, outer=None):
    """Prints one phase's figures; growth past LIMIT fails it."""
    global passed, failed
    grow = t1 - t0
    cgrow = c1 - c0
    ok = grow < LIMIT and cgrow < LIMIT
    extra = ""
    if outer is not None:
        extra = ", between statements %s -> %s (%s)" % (size(outer[0]), size(outer[1]), mb(outer[1] - outer[0]))
    print("memory: %-34s %7d calls in %5.1f s: backend %s -> %s (%s, %.1f B/call), "
          "orm_models cache %s -> %s (%s)%s: %s"
          % (name, calls, secs, size(t0), size(t1), mb(grow), grow / max(calls, 1),
             size(c0), size(c1), mb(cgrow), extra, "ok" if ok else "FAILED"), flush=True)
    if ok:
        passed += 1
    else:
        failed += 1


def rss_anon(pid):
    """The private resident memory of a process, bytes, or None."""
    try:
        with open("/proc/%d/status" % pid) as f:
            for line in f:
                if line.startswith("RssAnon:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        return None
    return None


def peak_while(c, sql):
    """Runs sql on c; the peak of its backend's RssAnon meanwhile, and the start."""
    import threading
    start = rss_anon(c.pid)
    peak = [start or 0]
    done = threading.Event()

    def watch():
        while not done.is_set():
            v = rss_anon(c.pid)
            if v is not None and v > peak[0]:
                peak[0] = v
            time.sleep(0.02)

    w = threading.Thread(target=watch)
    w.start()
    try:
        r = must(c, sql, timeout=3600)
    finally:
        done.set()
        w.join()
    return start, peak[0], r


def phase_rows(a):
    """find_all_rows over ROWS parents: memory flat, whatever the count."""
    global passed, failed
    if rss_anon(a.pid) is None:
        print("memory: find_all_rows: /proc/%d/status is not readable here: not run" % a.pid)
        return
    must(a, """SELECT orm.define_models('{
      "Row": {"attributes": {"n": "INTEGER", "label": "TEXT"}, "options": {"timestamps": false},
              "associations": [{"hasMany": "Bit", "as": "bits", "foreignKey": "rowId"}]},
      "Bit": {"attributes": {"v": "INTEGER", "rowId": "INTEGER"}, "options": {"timestamps": false}}}')""")
    must(a, "SELECT count(*) FROM orm.sync('{\"models\": [\"Row\", \"Bit\"]}')")
    t = time.time()
    must(a, """INSERT INTO public."Rows" (n, label) SELECT i, 'row ' || i FROM generate_series(1, %d) i;
               INSERT INTO public."Bits" (v, "rowId") SELECT i, 1 + (i * 7) %% %d FROM generate_series(1, %d) i;
               ANALYZE public."Rows", public."Bits";""" % (ROWS, ROWS, ROWS // 10), timeout=3600)
    print("memory: find_all_rows: %d rows and %d bits loaded in %.1f s" % (ROWS, ROWS // 10, time.time() - t), flush=True)
    q = ("SELECT count(*), sum(octet_length(r::text)) FROM orm.find_all_rows('Row', "
         "'{\"include\": [\"bits\"], \"limit\": %d}') r")
    results = []
    for n in (ROWS // 10, ROWS):
        t = time.time()
        start, peak, r = peak_while(a, q % n)
        cnt = int(r.rows[0][0])
        results.append((n, start, peak, cnt, time.time() - t))
        print("memory: find_all_rows over %d parents (%d rows back, %.1f s): backend's private memory "
              "%s at the start, peak %s (%s)" % (n, cnt, time.time() - t, size(start), size(peak),
                                               mb(peak - start)), flush=True)
    (n0, s0, p0, c0, _), (n1, s1, p1, c1, _) = results
    ok = c0 == n0 and c1 == n1 and p1 - s1 < ROWS_LIMIT and p1 <= p0 + (16 << 20)
    print("memory: find_all_rows, %d parents: the peak over the start below %s, and within 16 MB "
          "of a tenth's: %s" % (n1, size(ROWS_LIMIT), "ok" if ok else "FAILED"), flush=True)
    if ok:
        passed += 1
    else:
        failed += 1
    must(a, 'SELECT orm.undefine(\'Row\'); SELECT orm.undefine(\'Bit\'); DROP TABLE public."Rows", public."Bits"')


def phase_loop(c, phase, n):
    before = measure(c)
    t = time.time()
    must(c, "CALL memtest.loop(%s, %d, %d, %d)" % (lit(phase), WARM, n, BATCH), timeout=3600)
    secs = time.time() - t
    after = measure(c)
    row = must(c, "SELECT total0, total1, cache0, cache1 FROM memtest.results WHERE phase = %s" % lit(phase)).rows[-1]
    t0, t1, c0, c1 = (int(x) for x in row)
    verdict(phase + ", plpgsql loop", n, secs, t0, t1, c0, c1, outer=(before[0], after[0]))


def main():
    global passed, failed
    n = max(BATCH, (N + BATCH - 1) // BATCH * BATCH)   # a multiple of the COMMIT batch
    print("memory: MEMORY_N=%d (rounded to %d), warm-up %d calls, limit %s of growth"
          % (N, n, WARM, size(LIMIT)), flush=True)
    a = pgwire.Conn(application_name="orm_models memory A")
    must(a, SETUP)
    must(a, "SELECT orm.define_models(%s)" % lit(json.dumps(MODELS)))
    must(a, "SELECT count(*) FROM orm.sync('{}')")
    must(a, DATA)
    # the query works and returns what it should
    res = json.loads(must(a, "SELECT orm.find_all('User', memtest.q(0))").value())
    if not (isinstance(res, list) and res and "posts" in res[0] and "profile" in res[0]):
        raise RuntimeError("find_all does not return users with posts: %s" % str(res)[:300])
    print("memory: one find_all returns %d user(s), %d bytes of JSON; backend pid %d"
          % (len(res), len(json.dumps(res)), a.pid), flush=True)

    # 1. find_all in one statement (generate_series): per-query memory too
    t = time.time()
    row = must(a, """
        SELECT max(t) FILTER (WHERE i = %(w)d), max(t) FILTER (WHERE i = %(e)d),
               max(c) FILTER (WHERE i = %(w)d), max(c) FILTER (WHERE i = %(e)d), count(r)
          FROM (SELECT i, orm.find_all('User', memtest.q(i)) AS r,
                       CASE WHEN i IN (%(w)d, %(e)d) THEN memtest.total() END AS t,
                       CASE WHEN i IN (%(w)d, %(e)d) THEN memtest.cache() END AS c
                  FROM generate_series(1, %(e)d) i) s""" % {"w": WARM, "e": WARM + n},
               timeout=3600).rows[0]
    t0, t1, c0, c1, cnt = (int(x) for x in row)
    verdict("find_all, one generate_series query", n, time.time() - t, t0, t1, c0, c1)

    # 2-4. plpgsql loops
    phase_loop(a, "find_all", n)
    phase_loop(a, "find_by_pk", n)
    phase_loop(a, "define", n)
    phase_loop(a, "define + find_all", n)

    # 5. one statement per call, from the client
    m = max(WARM, n // 10)
    for i in range(WARM):
        must(a, "SELECT orm.find_all('User', memtest.q(%d))" % i)
    t0, c0 = measure(a)
    t = time.time()
    for i in range(m):
        must(a, "SELECT orm.find_all('User', memtest.q(%d))" % i)
    secs = time.time() - t
    t1, c1 = measure(a)
    verdict("find_all, one statement each", m, secs, t0, t1, c0, c1)

    # 6. another session changes the catalog: A's cache must go, and come back
    b = pgwire.Conn(application_name="orm_models memory B")
    cycles = max(200, n // 20)
    warm = min(WARM, 200)
    wrong = 0

    def cycle(k):
        nonlocal wrong
        must(b, "SELECT orm.define('Tag', %s, %s)" % (lit(TAG_ATTRS[k % 2]), lit(TAG_OPTS)))
        row = json.loads(must(a, "SELECT orm.find_all('Tag', '{\"limit\": 1, \"order\": [\"id\"]}')").value())[0]
        keys = [key for key in row if key in ("name", "color")]
        want = ["name", "color"] if k % 2 == 0 else ["color", "name"]
        if keys != want:
            wrong += 1
            if wrong <= 3:
                print("memory: after session B redefined Tag with %s first, session A's find_all "
                      "still returns %s first (cycle %d): A's cache was not dropped"
                      % (want[0], keys[0] if keys else "?", k), flush=True)

    for k in range(warm):
        cycle(k)
    t0, c0 = measure(a)
    cache_sizes = []
    t = time.time()
    for k in range(warm, warm + cycles):
        cycle(k)
        if k % max(1, cycles // 10) == 0:
            cache_sizes.append(measure(a)[1])
    secs = time.time() - t
    t1, c1 = measure(a)
    verdict("cross-session define, then find_all", cycles, secs, t0, t1, c0, c1)
    print("memory: session A's orm_models cache over the cycles: %s"
          % ", ".join(size(x) for x in cache_sizes), flush=True)
    if wrong:
        print("memory: cross-session invalidation: %d of %d cycles saw a stale definition: FAILED"
              % (wrong, warm + cycles))
        failed += 1
    else:
        print("memory: cross-session invalidation: every one of %d find_all calls saw the new "
              "definition: ok" % (warm + cycles))
        passed += 1
    must(b, "SELECT orm.define('Tag', %s, %s)" % (lit(TAG_ATTRS[0]), lit(TAG_OPTS)))
    b.close()

    # 7. find_all_rows over a million parents
    phase_rows(a)

    # information: distinct statements stay in the plan cache until the catalog changes
    must(a, "SELECT orm.find_all('User', '{}')")
    shapes = []
    cols = ["id", "name", "email", "age", "settings"]
    for mask in range(1, 32):
        for o in cols:
            for d in ("ASC", "DESC"):
                shapes.append({"attributes": [c for k, c in enumerate(cols) if mask >> k & 1],
                               "order": [[o, d]], "where": {"id": {"$lt": 10}}, "limit": 5})
    d = len(shapes)
    t0, c0 = measure(a)
    for q in shapes:
        must(a, "SELECT orm.find_all('User', %s)" % lit(json.dumps(q)))
    t1, c1 = measure(a)
    print("memory: (information) %d distinct find_all statements: backend %s -> %s (%s), "
          "orm_models cache %s -> %s (%s, %s per statement); kept until the catalog changes"
          % (d, size(t0), size(t1), mb(t1 - t0), size(c0), size(c1), mb(c1 - c0),
             size((t1 - t0) // d)), flush=True)
    a.close()


if __name__ == "__main__":
    try:
        main()
    except Exception as e:   # noqa: BLE001
        print("memory: aborted: %s" % e)
        failed += 1
    print("%d passed, %d failed" % (passed, failed))
    sys.exit(1 if failed or not passed else 0)
