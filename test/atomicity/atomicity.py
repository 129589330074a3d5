"""atomicity.py: orm.sync (and define_models, undefine) interrupted or failing
midway leave the catalog and the schema exactly as they were.

A generated model set (ATOMICITY_MODELS models, default 60: enums, unique
keys, indexes, paranoid and underscored models, a second schema, cycles of
foreign keys, belongsToMany junctions) is synced in several variants:

  create         nothing synced yet: sync {} creates ~600 objects
  create subset  the same with "models": [a subset]
  alter          synced with data, then redefined (new columns, enum values,
                 indexes, associations): sync {"alter": true}
  force          the same tables: sync {"force": true}
  force subset   {"force": true, "models": [...]}

and each variant is interrupted ATOMICITY_N times (default 4) by each of:
statement_timeout at a random 1..1.1*T ms (T: how long that sync takes),
pg_cancel_backend from another session after a random delay, and a lock
held by another session on a table (or catalog table) the sync must write
(lock_timeout).  Each runs in one of three modes: an explicit transaction
rolled back, autocommit (a wrapper that sleeps after the sync, so the fault
always lands and nothing commits), and a savepoint rolled back to inside a
transaction that first warmed the caches.  Then syncs that fail midway by
design (a conflicting relation or type name, a type that cannot be cast
with data present, a unique key or foreign key the data violates, NOT NULL
over NULLs), each in a savepoint and in autocommit; and define_models /
undefine interrupted the same ways.  Then the write functions: a nested
create (a user, 150 posts each with an owner (belongsTo) and 20 comments,
30 tags through a junction), a bulk_create of 20,000 rows, an update and a
destroy, each interrupted the same ways, and a nested create failing at its
last row: nothing written.

After every fault: the snapshot (snapshot.sql: catalog rows, schemas,
relations with OIDs and filenodes, columns, constraints, indexes, triggers,
sequences, types and enum labels, functions, comments, every table's rows)
equals the one before; the backend is alive; the error has the expected
SQLSTATE (57014 for cancel and timeout, 55P03 for lock_timeout, the class
of the failure otherwise; never XX000) and a message; find_* in the SAME
session (whose per-backend caches saw the failed sync) return what they
returned before, as does a fresh session; and a clean sync (in a
transaction then rolled back) succeeds with drift() empty for its models.
Explicit cache checks too: a successful sync, define, undefine rolled back
(transaction, savepoint, PL/pgSQL exception block) leave find_* answering
as before in that session.

Environment: ATOMICITY_N (faults of each kind per variant, default 4),
ATOMICITY_MODELS (default 60), ATOMICITY_SEED, ATOMICITY_VERBOSE=1.
Ends with "N passed, N failed".
"""

import difflib
import json
import os
import random
import re
import sys
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "fuzz"))
import pgwire  # noqa: E402
from pgwire import lit  # noqa: E402

N = int(os.environ.get("ATOMICITY_N", "4"))
NMODELS = max(12, int(os.environ.get("ATOMICITY_MODELS", "60")))
SEED = int(os.environ.get("ATOMICITY_SEED") or random.randrange(1 << 30))
VERBOSE = os.environ.get("ATOMICITY_VERBOSE") == "1"
rng = random.Random(SEED)

passed = 0
failed = 0
stats = {"faults": 0, "interrupted": 0, "completed": 0, "points": set(),
         "clean_syncs": 0}


def ok(msg):
    global passed
    passed += 1
    print("ok     " + msg)


def bad(msg, detail=None):
    global failed
    failed += 1
    print("FAILED " + msg)
    if detail:
        for line in str(detail).splitlines()[:40]:
            print("    " + line)


def note(msg):
    print("-- " + msg)


class SqlError(Exception):
    def __init__(self, err, sql):
        self.err = err
        super().__init__("%s: %s [in: %s]" % (err.get("C"), err.get("M"), sql[:300]))


def connect(name):
    c = pgwire.Conn(application_name="atomicity " + name, timeout=300)
    q(c, "SET client_min_messages = warning")
    return c


def q(c, sql):
    r = c.query(sql)
    if r.error:
        raise SqlError(r.error, sql)
    return r


def val(c, sql):
    return q(c, sql).value()


# ------------------------------------------------------------------ models

def mname(i):
    return "M%03d" % (i % NMODELS)


def model_set(extra):
    """The generated models; extra: the redefinition sync alter must apply
    (odd models get columns, every third an enum value, some an index or
    an association)."""
    out = {}
    for i in range(NMODELS):
        attrs = {"name": {"type": "STRING", "allowNull": False},
                 "value": "INTEGER",
                 "note": {"type": "TEXT", "comment": "note of %d" % i},
                 "score": {"type": "DECIMAL(10,2)", "defaultValue": 0}}
        if i % 3 == 0:
            attrs["status"] = {"type": "ENUM",
                               "values": ["a", "b", "c"] + (["d"] if extra else [])}
        if i % 5 == 0:
            attrs["code"] = {"type": "STRING(40)", "unique": True}
        if extra and i % 2 == 1:
            attrs["extra"] = {"type": "TEXT", "defaultValue": "x"}
            if i % 4 == 1:
                attrs["more"] = "BIGINT"
        opts = {"comment": "model %d" % i}
        if i % 7 == 0:
            opts["schema"] = "atom_s1"
        if i % 4 == 0:
            opts["paranoid"] = True
        if i % 6 == 0:
            opts["underscored"] = True
        idx = []
        if i % 2 == 0:
            idx.append({"fields": ["name", "value"]})
        if extra and i % 6 == 1:
            idx.append({"fields": ["note"], "name": "ix_note_%d" % i})
        if idx:
            opts["indexes"] = idx
        assoc = [{"hasMany": mname(i + 1), "as": "children", "foreignKey": "parentId"},
                 {"belongsTo": mname(7 * i + 3), "as": "ref", "foreignKey": "refId"}]
        if i % 10 == 0:
            assoc.append({"belongsToMany": mname(i + 2), "as": "peers",
                          "through": "Peers%03d" % i})
        if extra and i % 6 == 5:
            assoc.append({"hasOne": mname(i + 5), "as": "buddy", "foreignKey": "buddyOf"})
        out[mname(i)] = {"attributes": attrs, "options": opts, "associations": assoc}
    return out


BASE = model_set(False)
EXTRA = model_set(True)
SUBSET = [mname(i) for i in range(5, NMODELS, 6)]

# find_* calls whose answers (a value or an error) must survive every fault
FINDS = [
    "SELECT orm.find_all('M002', '{\"where\": {\"value\": {\"$lt\": 30}}, \"order\": [\"id\"], \"limit\": 5}')::text",
    "SELECT orm.find_all('M001', '{\"include\": [\"children\", \"ref\"], \"order\": [\"id\"], \"limit\": 4}')::text",
    "SELECT orm.find_all('M000', '{\"include\": [\"peers\"], \"order\": [\"id\"], \"limit\": 3}')::text",
    "SELECT orm.count('M004')::text",
    "SELECT orm.find_by_pk('M008', 2, '{\"include\": [{\"all\": true}]}')::text",
    "SELECT orm.find_all_sql('M003', '{\"include\": [\"children\"]}')",
]


def finds(c, in_tx=False):
    """The answer of each of FINDS in session c: ('ok', text) or the error.
    in_tx: inside a transaction block (each call in a savepoint)."""
    out = []
    for sql in FINDS:
        if in_tx:
            q(c, "SAVEPOINT find")
        r = c.query(sql)
        if in_tx:
            q(c, "ROLLBACK TO SAVEPOINT find" if r.error else "RELEASE SAVEPOINT find")
        if r.error:
            out.append(("error", r.error.get("C"), r.error.get("M")))
        else:
            out.append(("ok", r.value()))
    return out


def snapshot(c):
    return [row[0] for row in q(c, "SELECT s FROM atomtest.snapshot() s").rows]


def snap_diff(before, after):
    if before == after:
        return None
    d = list(difflib.unified_diff(before, after, "before", "after", lineterm="", n=0))
    return "\n".join(x[:300] for x in d[:30])


# ------------------------------------------------------------------ setup

def setup(c):
    q(c, "DROP EXTENSION IF EXISTS orm_models CASCADE")
    q(c, "DROP SCHEMA IF EXISTS atomtest, atom_s1, atom_w CASCADE")
    q(c, "CREATE EXTENSION orm_models")
    q(c, "CREATE SCHEMA atomtest")
    with open(os.path.join(HERE, "snapshot.sql")) as f:
        q(c, f.read())
    # autocommit with a fault that always lands: sync, then wait
    q(c, """CREATE FUNCTION atomtest.sync_then_wait(opts jsonb) RETURNS bigint
            LANGUAGE plpgsql AS $$
            DECLARE n bigint;
            BEGIN
              SELECT count(*) INTO n FROM orm.sync(opts);
              PERFORM pg_catalog.pg_sleep(60);
              RETURN n;
            END $$""")
    q(c, """CREATE FUNCTION atomtest.call_then_wait(sql text) RETURNS void
            LANGUAGE plpgsql AS $$
            BEGIN
              EXECUTE sql;
              PERFORM pg_catalog.pg_sleep(60);
            END $$""")


def define_all(c, models):
    q(c, "SELECT orm.define_models(%s) IS NOT NULL" % lit(json.dumps(models)))


def load_data(c):
    """Rows in a few tables (no foreign key set but parentId chains)."""
    for i in (1, 2, 3, 4, 8):
        t = val(c, "SELECT relid::text FROM orm.models WHERE name = '%s'" % mname(i))
        q(c, "INSERT INTO %s (name, value, note) SELECT 'n' || g, g, 'note ' || g "
             "FROM generate_series(1, 40) g" % t)
    t = val(c, "SELECT relid::text FROM orm.models WHERE name = 'M000'")
    q(c, "INSERT INTO %s (name, value) SELECT 'z' || g, g FROM generate_series(1, 5) g" % t)
    # M001 hasMany M002 (parentId): children for the first rows
    t2 = val(c, "SELECT relid::text FROM orm.models WHERE name = 'M002'")
    q(c, 'UPDATE %s SET "parentId" = 1 + id %% 3 WHERE id <= 10' % t2)


# ------------------------------------------------------------------ faults

def statement_points(c, opts):
    """The statements a sync with opts would run (dryRun)."""
    o = dict(opts)
    o["dryRun"] = True
    return [r[0] for r in q(c, "SELECT s FROM orm.sync(%s) s" % lit(json.dumps(o))).rows]


def timed_sync(c, opts):
    """How long the sync takes (ms), run in a transaction rolled back."""
    q(c, "BEGIN")
    t0 = time.monotonic()
    q(c, "SELECT count(*) FROM orm.sync(%s)" % lit(json.dumps(opts)))
    t = (time.monotonic() - t0) * 1000
    q(c, "ROLLBACK")
    return t


def where_interrupted(err, stmts):
    ctx = err.get("W") or ""
    m = re.search(r"orm\.sync statement: (.*)", ctx)
    if m:
        s = m.group(1)
        # the context line ends at the newline before the next context line
        for k, st in enumerate(stmts):
            if st == s or st.split("\n")[0] == s.split("\n")[0]:
                return "statement %d" % k
        return "statement ?" + s[:60]
    if "pg_sleep" in ctx:
        return "after sync"
    return "outside the statements"


class Variant:
    def __init__(self, name, opts, models_checked, drift_ignored=None):
        self.name = name
        self.opts = opts
        self.models_checked = models_checked  # drift() rows that must be gone
        # drift() rows a clean sync of this variant may leave (a regex)
        self.drift_ignored = drift_ignored


def rollback(c):
    r = c.query("ROLLBACK")
    if r.error:
        c.query("ROLLBACK")


def set_fault_gucs(c, kind, local, amount):
    scope = "LOCAL " if local else ""
    if kind == "timeout":
        q(c, "SET %sstatement_timeout = %d" % (scope, amount))
    elif kind == "lock":
        q(c, "SET %slock_timeout = '150ms'" % scope)
        q(c, "SET %sstatement_timeout = '60s'" % scope)
    else:
        q(c, "SET %sstatement_timeout = '60s'" % scope)


def run_fault(env, v, kind, mode, base, expect_finds, stmts, t_ms, call=None):
    """One fault; call: the SQL under test (default: the variant's sync)."""
    main, other = env["main"], env["other"]
    sql = call or "SELECT count(*) FROM orm.sync(%s)" % lit(json.dumps(v.opts))
    wrapped = ("SELECT atomtest.sync_then_wait(%s)" % lit(json.dumps(v.opts)) if call is None
               else "SELECT atomtest.call_then_wait(%s)" % lit(call))
    label = "%s / %s / %s" % (v.name, kind, mode)
    amount = 0
    lock_target = None
    if kind == "timeout":
        amount = rng.randint(1, max(2, int(t_ms * (1.1 if mode == "auto" else 0.9))))
    elif kind == "cancel":
        amount = rng.uniform(0, t_ms * (1.2 if mode == "auto" else 0.9)) / 1000.0
    elif kind == "lock":
        lock_target = rng.choice(env["lock_targets"](v, stmts))
        q(other, "BEGIN")
        q(other, "LOCK TABLE %s IN %s MODE" % lock_target)
    label += " (%s)" % (("%d ms" % amount) if kind == "timeout" else
                        ("%.0f ms" % (amount * 1000)) if kind == "cancel" else
                        "%s %s" % lock_target)
    stats["faults"] += 1
    canceller = None
    if kind == "cancel":
        def cancel_later(pid=main.pid, delay=amount):
            time.sleep(delay)
            env["canceller"].query("SELECT pg_cancel_backend(%d)" % pid)
        canceller = threading.Thread(target=cancel_later)
    in_session = None
    try:
        if mode == "auto":
            set_fault_gucs(main, kind, False, amount)
            if canceller:
                canceller.start()
            r = main.query(wrapped)
        else:
            q(main, "BEGIN")
            if mode == "savepoint":
                finds(main, True)  # caches warmed inside the transaction
                q(main, "SAVEPOINT before_fault")
            set_fault_gucs(main, kind, True, amount)
            if canceller:
                canceller.start()
            r = main.query(sql)
        if canceller:
            canceller.join()
        if mode == "savepoint":
            rr = main.query("ROLLBACK TO SAVEPOINT before_fault")
            if rr.error:
                bad(label + ": ROLLBACK TO SAVEPOINT failed", rr.error)
            in_session = (snapshot(main), finds(main, True))
            q(main, "COMMIT")
        elif mode == "tx":
            rollback(main)
        else:
            q(main, "RESET statement_timeout")
            q(main, "RESET lock_timeout")
    except (pgwire.ConnectionLost, pgwire.Timeout) as e:
        bad(label + ": the backend is gone or hangs", e)
        env["main"] = connect("main")
        if kind == "lock":
            rollback(other)
        return
    finally:
        if kind == "lock":
            rollback(other)
    problems = []
    if r.error is None:
        stats["completed"] += 1
        if mode == "auto":
            problems.append("the call did not fail")
        point = "completed"
    else:
        code = r.error.get("C", "")
        want = {"timeout": {"57014"}, "cancel": {"57014"}, "lock": {"55P03"}}[kind]
        if code not in want or not r.error.get("M"):
            problems.append("SQLSTATE %s (expected %s): %s" % (code, "/".join(sorted(want)),
                                                               r.error.get("M")))
        point = where_interrupted(r.error, stmts)
        stats["interrupted"] += 1
        stats["points"].add((v.name, point))
    if val(main, "SELECT 1") != "1":
        problems.append("the backend does not answer")
    after = snapshot(env["obs"])
    d = snap_diff(base, after)
    if d:
        problems.append("the snapshot changed:\n" + d)
    if in_session:
        d = snap_diff(base, in_session[0])
        if d:
            problems.append("the snapshot in the session after ROLLBACK TO changed:\n" + d)
        if in_session[1] != expect_finds:
            problems.append("find_* in the transaction after ROLLBACK TO answer differently: %s"
                            % first_difference(expect_finds, in_session[1]))
    got = finds(main)
    if got != expect_finds:
        problems.append("find_* in the same session answer differently: %s"
                        % first_difference(expect_finds, got))
    problems += clean_sync(env, v)
    if VERBOSE:
        note("%s: %s" % (label, point))
    if problems:
        bad(label + ": " + point, "\n".join(problems))
        return False
    return True


def first_difference(want, got):
    for k, (a, b) in enumerate(zip(want, got)):
        if a != b:
            return "%s\n  before: %s\n  after:  %s" % (FINDS[k], str(a)[:300], str(b)[:300])
    return "%d vs %d answers" % (len(want), len(got))


def clean_sync(env, v):
    """A clean sync after the fault, in the same session, rolled back:
    succeeds, leaves no drift on its models; the rollback restores find_*."""
    main = env["main"]
    problems = []
    q(main, "BEGIN")
    r = main.query("SELECT count(*) FROM orm.sync(%s)" % lit(json.dumps(v.opts)))
    if r.error:
        problems.append("the clean sync failed: %s %s" % (r.error.get("C"), r.error.get("M")))
    else:
        names = "ARRAY[%s]" % ", ".join(lit(m) for m in v.models_checked)
        ignored = ("AND detail !~ %s" % lit(v.drift_ignored)) if v.drift_ignored else ""
        dr = main.query("SELECT string_agg(model || ': ' || problem || ': ' || detail, '; ') "
                        "FROM orm.drift() WHERE model = ANY (%s) %s" % (names, ignored))
        if dr.error or dr.value():
            problems.append("drift after the clean sync: %s" % (dr.error or dr.value())[:500])
    rollback(main)
    stats["clean_syncs"] += 1
    return problems


def run_variant(env, v, kinds=("timeout", "cancel", "lock")):
    main = env["main"]
    stmts = statement_points(main, v.opts)
    t_ms = min(timed_sync(main, v.opts) for _ in range(2))
    base = snapshot(env["obs"])
    expect = finds(main)
    fresh = connect("fresh")
    if finds(fresh) != expect:
        bad("%s: a fresh session answers find_* differently from the main one" % v.name)
    fresh.close()
    note("variant %s: %d statements, sync takes %.0f ms, snapshot of %d lines"
         % (v.name, len(stmts), t_ms, len(base)))
    t_variant = time.monotonic()
    for kind in kinds:
        good = 0
        points = set()
        for k in range(N):
            mode = ("tx", "auto", "savepoint")[(k + rng.randrange(3)) % 3]
            before = len(stats["points"])
            if run_fault(env, v, kind, mode, base, expect, stmts, t_ms):
                good += 1
            if len(stats["points"]) > before:
                points.add(len(stats["points"]))
        if good == N:
            ok("%s / %s: %d faults, snapshot unchanged, backend alive, SQLSTATE right, "
               "find_* unchanged, clean sync ok" % (v.name, kind, N))
    final = snapshot(env["obs"])
    d = snap_diff(base, final)
    if d:
        bad("%s: the state changed over the faults" % v.name, d)
    note("variant %s: %d faults in %.0f s" % (v.name, N * len(kinds), time.monotonic() - t_variant))


# ------------------------------------------------------------------ midway failures

def midway_cases(c):
    """(name, setup SQL, sync options, expected SQLSTATEs, teardown SQL).
    The state before: every model synced (EXTRA), with data."""
    t1 = '"M001s"'
    m1 = EXTRA["M001"]
    m1_attrs = json.dumps(m1["attributes"])
    m1_opts = json.dumps(m1["options"])
    redefine_m1 = lambda attrs: "SELECT orm.define('M001', %s, %s) IS NOT NULL" % (
        lit(json.dumps(attrs)), lit(m1_opts))
    restore_m1 = "SELECT orm.define('M001', %s, %s) IS NOT NULL" % (lit(m1_attrs), lit(m1_opts))
    a_note_int = dict(m1["attributes"], note={"type": "INTEGER"})
    a_name_unique = dict(m1["attributes"], name={"type": "STRING", "allowNull": False, "unique": True})
    a_value_notnull = dict(m1["attributes"], value={"type": "INTEGER", "allowNull": False})
    def with_index(i, name):
        m = EXTRA[mname(i)]
        opts = dict(m["options"])
        opts["indexes"] = opts.get("indexes", []) + [{"fields": ["note"], "name": name}]
        return "SELECT orm.define(%s, %s, %s) IS NOT NULL" % (
            lit(mname(i)), lit(json.dumps(m["attributes"])), lit(json.dumps(opts)))

    def restore(i):
        m = EXTRA[mname(i)]
        return "SELECT orm.define(%s, %s, %s) IS NOT NULL" % (
            lit(mname(i)), lit(json.dumps(m["attributes"])), lit(json.dumps(m["options"])))

    def schema_of(i):
        return "atom_s1" if i % 7 == 0 else "public"
    last = NMODELS - 1
    cases = []
    # a relation squatting on the name of an index of the last model: force
    # drops and recreates every table, then that CREATE INDEX fails
    cases.append(("force: a table holds the name of the last index sync creates",
                  with_index(last, "atom_conflict") + "; CREATE TABLE %s.atom_conflict (x int)"
                  % schema_of(last),
                  {"force": True}, {"42P07"},
                  restore(last) + "; DROP TABLE %s.atom_conflict" % schema_of(last)))
    # a new model whose enum type name is taken by a composite type
    cases.append(("sync: a composite type holds the name of a new enum type",
                  "SELECT orm.define('Zed', '{\"mood\": {\"type\": \"ENUM\", \"values\": [\"x\"]}, "
                  "\"m001Id\": {\"type\": \"INTEGER\", \"references\": {\"model\": \"M001\", \"key\": \"id\"}}}') IS NOT NULL; "
                  "CREATE TYPE public.\"enum_Zeds_mood\" AS (a int)",
                  {}, {"42809"},
                  "SELECT orm.undefine('Zed'); DROP TYPE public.\"enum_Zeds_mood\""))
    # a new model whose table name is taken by a view
    cases.append(("sync: a view holds the name of a new model's table",
                  "SELECT orm.define('Zed', '{\"label\": \"TEXT\"}') IS NOT NULL; "
                  "CREATE VIEW public.\"Zeds\" AS SELECT 1 AS x",
                  {}, {"42809"},
                  "SELECT orm.undefine('Zed'); DROP VIEW public.\"Zeds\""))
    # a table that exists without a column of its model (no alter)
    cases.append(("sync: a new model's table exists with other columns",
                  "SELECT orm.define('Zed', '{\"label\": \"TEXT\"}') IS NOT NULL; "
                  "CREATE TABLE public.\"Zeds\" (id int PRIMARY KEY)",
                  {}, {"42703"},
                  "SELECT orm.undefine('Zed'); DROP TABLE public.\"Zeds\""))
    cases.append(("alter: text with 'abc' to integer",
                  redefine_m1(a_note_int) + "; UPDATE %s SET note = 'abc' WHERE id = 7" % t1,
                  {"alter": True}, {"22P02", "42804"},
                  restore_m1 + "; UPDATE %s SET note = 'note 7' WHERE id = 7" % t1))
    cases.append(("alter: a unique key the data violates",
                  redefine_m1(a_name_unique) + "; UPDATE %s SET name = 'dup' WHERE id IN (3, 4)" % t1,
                  {"alter": True}, {"23505"},
                  restore_m1 + "; UPDATE %s SET name = 'n' || id WHERE id IN (3, 4)" % t1))
    cases.append(("alter: NOT NULL over NULLs",
                  redefine_m1(a_value_notnull) + "; UPDATE %s SET value = NULL WHERE id = 5" % t1,
                  {"alter": True}, {"23502"},
                  restore_m1 + "; UPDATE %s SET value = 5 WHERE id = 5" % t1))
    cases.append(("alter: a foreign key the data violates",
                  "SELECT orm.associate('M001', 'belongsTo', 'M005', '{\"as\": \"valueOf\", \"foreignKey\": \"value\"}') IS NOT NULL",
                  {"alter": True}, {"23503"},
                  "DELETE FROM orm.associations WHERE source = 'M001' AND alias = 'valueOf'"))
    cases.append(("alter: an enum value removed (values are never removed: no error)",
                  "SELECT orm.define('M003', %s, %s) IS NOT NULL" % (
                      lit(json.dumps(dict(EXTRA["M003"]["attributes"],
                                          status={"type": "ENUM", "values": ["a", "b"]}))),
                      lit(json.dumps(EXTRA["M003"]["options"]))),
                  {"alter": True}, {None},
                  "SELECT orm.define('M003', %s, %s) IS NOT NULL" % (
                      lit(json.dumps(EXTRA["M003"]["attributes"])),
                      lit(json.dumps(EXTRA["M003"]["options"])))))
    cases.append(("models subset force: a table holds the name of an index",
                  with_index(6, "atom_conflict") + "; CREATE TABLE %s.atom_conflict (x int)"
                  % schema_of(6),
                  {"force": True, "models": ["M005", "M006", "M007"]}, {"42P07"},
                  restore(6) + "; DROP TABLE %s.atom_conflict" % schema_of(6)))
    return cases


def lit_ident(s):
    return '"' + s.replace('"', '""') + '"'


def run_midway(env):
    main, obs = env["main"], env["obs"]
    for name, setup_sql, opts, codes, teardown in midway_cases(main):
        sync_sql = "SELECT count(*) FROM orm.sync(%s)" % lit(json.dumps(opts))
        problems = []
        # 1. in a transaction: the setup, a savepoint, the sync, rolled back to
        q(main, "BEGIN")
        q(main, setup_sql)
        before = snapshot(main)
        before_finds = finds(main, True)
        q(main, "SAVEPOINT s")
        r = main.query(sync_sql)
        problems += check_code(r, codes)
        q(main, "ROLLBACK TO SAVEPOINT s")
        d = snap_diff(before, snapshot(main))
        if d:
            problems.append("savepoint: the snapshot changed:\n" + d)
        if finds(main, True) != before_finds:
            problems.append("savepoint: find_* answer differently in the session")
        rollback(main)
        # 2. committed setup, the sync in autocommit, committed teardown
        q(main, setup_sql)
        before = snapshot(obs)
        before_finds = finds(main)
        r = main.query(sync_sql)
        problems += check_code(r, codes)
        stats["faults"] += 2
        if r.error:
            stats["interrupted"] += 2
            stats["points"].add(("midway", name))
            d = snap_diff(before, snapshot(obs))
            if d:
                problems.append("autocommit: the snapshot changed:\n" + d)
            if finds(main) != before_finds:
                problems.append("autocommit: find_* answer differently in the session")
        if val(main, "SELECT 1") != "1":
            problems.append("the backend does not answer")
        q(main, teardown)
        r2 = main.query("SELECT count(*) FROM orm.sync('{\"alter\": true}')")
        if r2.error:
            problems.append("the clean sync after the teardown failed: %s" % r2.error.get("M"))
        dr = val(main, "SELECT string_agg(model || ': ' || problem || ': ' || detail, '; ') FROM orm.drift()")
        if dr:
            problems.append("drift after the clean sync: " + dr[:500])
        # (the teardown redefines models and updates rows: defined_at and
        # updatedAt move, so the state is not compared with the start)
        if problems:
            bad("midway: " + name, "\n".join(problems))
        else:
            ok("midway: %s: %s both in a savepoint and in autocommit, nothing changed"
               % (name, "/".join(sorted(c or "no error" for c in codes))))


def check_code(r, codes):
    got = r.error.get("C") if r.error else None
    if got in codes and (got is None or r.error.get("M")):
        return []
    return ["SQLSTATE %s (expected %s): %s" % (got, "/".join(sorted(str(c) for c in codes)),
                                               r.error.get("M") if r.error else "no error")]


# ------------------------------------------------------------------ caches

def run_cache_checks(env):
    """A successful change rolled back must not leave stale caches behind."""
    main = env["main"]
    expect = finds(main)
    f0 = FINDS[0]
    orig = val(main, f0)
    m2 = EXTRA["M002"]
    m2_zz = "SELECT orm.define('M002', %s, %s) IS NOT NULL" % (
        lit(json.dumps(dict(m2["attributes"], zz="TEXT"))), lit(json.dumps(m2["options"])))
    cases = []

    def case(name, steps, check_inside):
        cases.append((name, steps, check_inside))

    # (statements before, what f0 must answer inside, statements after)
    case("sync force in a transaction, rolled back",
         (["BEGIN", "SELECT count(*) FROM orm.sync('{\"force\": true}')"], "[]", ["ROLLBACK"]), None)
    case("sync force in a savepoint, rolled back to, committed",
         (["BEGIN", "SAVEPOINT a", "SELECT count(*) FROM orm.sync('{\"force\": true}')"], "[]",
          ["ROLLBACK TO SAVEPOINT a", "@check", "COMMIT"]), None)
    case("define + sync alter (new column) in a transaction, rolled back",
         (["BEGIN", m2_zz, "SELECT count(*) FROM orm.sync('{\"alter\": true}')"], '"zz"',
          ["ROLLBACK"]), None)
    case("define + sync alter in a savepoint, rolled back to",
         (["BEGIN", "SAVEPOINT a", m2_zz, "SELECT count(*) FROM orm.sync('{\"alter\": true}')"], '"zz"',
          ["ROLLBACK TO SAVEPOINT a", "@check", "COMMIT"]), None)
    case("undefine in a transaction, rolled back",
         (["BEGIN", "SELECT orm.undefine('M002')"], "error", ["ROLLBACK"]), None)
    case("define, then a sync that times out, in a transaction",
         (["BEGIN", m2_zz, "SET LOCAL statement_timeout = 1", "!SELECT count(*) FROM orm.sync('{\"force\": true}')"],
          None, ["ROLLBACK"]), None)
    case("sync force and find in a PL/pgSQL block that raises",
         (["DO $$ BEGIN PERFORM count(*) FROM orm.sync('{\"force\": true}'); "
           "PERFORM orm.find_all('M002'); PERFORM orm.define('M002', '{\"only\": \"TEXT\"}'); "
           "RAISE EXCEPTION 'undo' USING ERRCODE = 'P0001'; "
           "EXCEPTION WHEN SQLSTATE 'P0001' THEN NULL; END $$"], None, []), None)
    m6 = EXTRA["M006"]
    m6_opts = dict(m6["options"])
    m6_opts["indexes"] = m6_opts.get("indexes", []) + [{"fields": ["note"], "name": "atom_conflict2"}]
    case("define + sync in a PL/pgSQL block that fails midway and is caught",
         (["CREATE TABLE public.atom_conflict2 (x int)",
           "DO $$ BEGIN PERFORM orm.find_all('M006'); PERFORM orm.define('M006', %s, %s); "
           "PERFORM orm.find_all('M006'); "
           "PERFORM count(*) FROM orm.sync('{\"force\": true}'); "
           "RAISE EXCEPTION 'the sync did not fail' USING ERRCODE = 'P0002'; "
           "EXCEPTION WHEN duplicate_table THEN NULL; END $$"
           % (lit(json.dumps(m6["attributes"])), lit(json.dumps(m6_opts))),
           "DROP TABLE public.atom_conflict2"], None, []), None)
    for name, (pre, inside, post), _ in cases:
        problems = []
        finds(main)  # warm
        for s in pre:
            expect_error = s.startswith("!")
            r = main.query(s.lstrip("!"))
            if bool(r.error) != expect_error:
                problems.append("%s: %s" % (s[:80], r.error.get("M") if r.error else "no error"))
        if inside is not None:
            r = main.query(f0)
            got = r.value() if not r.error else "error"
            if inside == "error" and not r.error:
                problems.append("inside: find_all still answers after undefine")
            elif inside != "error" and (r.error or (inside not in got and got != inside)):
                problems.append("inside: find_all answers %s, expected %s" % (
                    (r.error and r.error.get("M")) or got[:200], inside))
        for s in post:
            if s == "@check":
                if val(main, f0) != orig:
                    problems.append("after ROLLBACK TO: find_all answers %s" % val(main, f0)[:200])
                continue
            r = main.query(s)
            if r.error:
                problems.append("%s: %s" % (s, r.error.get("M")))
        got = finds(main)
        if got != expect:
            problems.append("after: find_* answer differently in the session: %s"
                            % first_difference(expect, got))
        fresh = connect("fresh")
        if finds(fresh) != expect:
            problems.append("after: a fresh session answers differently")
        fresh.close()
        if problems:
            bad("cache: " + name, "\n".join(problems))
        else:
            ok("cache: " + name + ": find_* in the session answer as before")


# ------------------------------------------------------------------ define_models / undefine

def run_define_faults(env):
    main, other = env["main"], env["other"]
    base = snapshot(env["obs"])
    expect = finds(main)
    v = Variant("define_models", None, [])
    big = json.dumps(model_set(True))
    call = "SELECT orm.define_models(%s) IS NOT NULL" % lit(big)
    q(main, "BEGIN")
    t0 = time.monotonic()
    q(main, call)
    t_ms = (time.monotonic() - t0) * 1000
    rollback(main)
    targets = {"define_models": call,
               "undefine": "SELECT orm.undefine('M010')::text"}
    for name, sql in targets.items():
        v = Variant(name, {"alter": True}, [mname(i) for i in range(NMODELS)])

        # orm.models only: both calls always write it (define_models
        # upserts every model), while an association redefined as it was
        # leaves orm.associations unwritten, and a SHARE lock there would
        # not be waited on
        def locks(_v, _s):
            return [("orm.models", "SHARE")]
        env["lock_targets"] = locks
        good = 0
        for k in range(N):
            kind = ("timeout", "cancel", "lock")[k % 3]
            mode = ("tx", "auto", "savepoint")[(k + rng.randrange(3)) % 3]
            if run_fault(env, v, kind, mode, base, expect, [], t_ms if name == "define_models" else 5,
                         call=sql):
                good += 1
        if good == N:
            ok("%s: %d faults (timeout, cancel, lock), snapshot and find_* unchanged" % (name, N))


# ------------------------------------------------------------------ writes

WRITE_MODELS = {
    "WUser": {"attributes": {"name": {"type": "STRING", "allowNull": False}},
              "options": {"schema": "atom_w", "timestamps": False},
              "associations": [{"hasMany": "WPost", "foreignKey": "userId", "as": "posts"},
                               {"belongsToMany": "WTag", "as": "tags", "through": "WUserTag"}]},
    "WPost": {"attributes": {"title": {"type": "STRING", "allowNull": False}},
              "options": {"schema": "atom_w"},
              "associations": [{"hasMany": "WComment", "foreignKey": "postId", "as": "comments"},
                               {"belongsTo": "WUser", "foreignKey": "ownerId", "as": "owner"}]},
    "WComment": {"attributes": {"body": {"type": "TEXT", "allowNull": False}},
                 "options": {"schema": "atom_w", "timestamps": False}},
    "WTag": {"attributes": {"name": "STRING"}, "options": {"schema": "atom_w", "timestamps": False}},
    "WUserTag": {"attributes": {}, "options": {"schema": "atom_w", "timestamps": False}},
}


def big_create(posts, comments, tags):
    """A nested create through hasMany (two levels), belongsTo and
    belongsToMany; its SQL."""
    data = {"name": "big",
            "posts": [{"title": "p%d" % i, "owner": {"name": "o%d" % i},
                       "comments": [{"body": "c%d.%d" % (i, j)} for j in range(comments)]}
                      for i in range(posts)],
            "tags": [{"name": "t%d" % i} for i in range(tags)]}
    opts = {"include": [{"association": "posts", "include": ["comments", "owner"]}, "tags"]}
    return "SELECT orm.create('WUser', %s, %s) IS NOT NULL" % (lit(json.dumps(data)),
                                                               lit(json.dumps(opts)))


def run_write_faults(env):
    """A nested create (and a bulk_create, an update, a destroy) cancelled or
    timed out midway leaves nothing: the snapshot (every table's rows) and
    find_* are as before; a nested create failing deep down likewise."""
    main = env["main"]
    q(main, "SELECT orm.define_models(%s) IS NOT NULL" % lit(json.dumps(WRITE_MODELS)))
    q(main, "SELECT count(*) FROM orm.sync('{\"models\": [\"WUser\", \"WPost\", "
            "\"WComment\", \"WTag\", \"WUserTag\"]}')")
    q(main, "INSERT INTO atom_w.\"WUsers\" (name) SELECT 'u' || g FROM generate_series(1, 50) g")
    base = snapshot(env["obs"])
    expect = finds(main)
    create = big_create(150, 20, 30)
    rows = json.dumps([{"name": "b%d" % i} for i in range(20000)])
    calls = {
        "create (nested)": create,
        "bulk_create": "SELECT orm.bulk_create('WUser', %s) IS NOT NULL" % lit(rows),
        "update": "SELECT orm.update('WUser', '{\"name\": \"x\"}', '{\"where\": {}}') IS NOT NULL",
        "destroy": "SELECT orm.destroy('WComment', '{\"where\": {}}')",
    }
    v = Variant("writes", {"models": ["WUser", "WPost", "WComment", "WTag", "WUserTag"]},
                ["WUser", "WPost", "WComment", "WTag", "WUserTag"])
    # a SHARE lock on a table each call writes (its ROW EXCLUSIVE waits)
    locked = {"create (nested)": ['atom_w."WUsers"', 'atom_w."WPosts"', 'atom_w."WComments"',
                                  'atom_w."WUserTags"'],
              "bulk_create": ['atom_w."WUsers"'], "update": ['atom_w."WUsers"'],
              "destroy": ['atom_w."WComments"']}
    for name, sql in calls.items():
        env["lock_targets"] = lambda _v, _s, n=name: [(t, "SHARE") for t in locked[n]]
        q(main, "BEGIN")
        t0 = time.monotonic()
        q(main, sql)
        t_ms = (time.monotonic() - t0) * 1000
        rollback(main)
        good = 0
        for k in range(N):
            kind = ("timeout", "cancel", "lock")[k % 3]
            mode = ("tx", "auto", "savepoint")[(k + rng.randrange(3)) % 3]
            if run_fault(env, Variant("%s" % name, v.opts, v.models_checked), kind, mode,
                         base, expect, [], t_ms, call=sql):
                good += 1
        if good == N:
            ok("%s (%.0f ms): %d faults (timeout, cancel, lock), snapshot and find_* unchanged"
               % (name, t_ms, N))
    # a failure at the deepest level, by design: nothing written
    bad_create = create.replace('"body": "c149.19"', '"body": null')
    r = main.query(bad_create)
    after = snapshot(env["obs"])
    if r.error and r.error.get("C") == "23502" and not snap_diff(base, after):
        ok("create failing at its last comment (23502) leaves nothing")
    else:
        bad("create failing at its last comment", (r.error, snap_diff(base, after)))


# ------------------------------------------------------------------ main

def main():
    t0 = time.monotonic()
    note("seed %d (ATOMICITY_SEED), %d models, %d faults per kind and variant"
         % (SEED, NMODELS, N))
    env = {}
    try:
        env["main"] = connect("main")
        env["other"] = connect("other")
        env["obs"] = connect("observer")
        env["canceller"] = connect("canceller")
        setup(env["main"])
        ok("setup: extension and snapshot function")
    except Exception as e:  # noqa: BLE001
        bad("setup", e)
        return finish(t0)
    main_c, obs = env["main"], env["obs"]

    # the snapshot detects a change: prove it on every kind of object
    s0 = snapshot(obs)
    probes = ["CREATE TABLE atom_probe (x int)",
              "COMMENT ON FUNCTION orm.pluralize(text) IS 'changed'",
              "CREATE TYPE atom_probe_e AS ENUM ('a')"]
    caught = 0
    for p in probes:
        q(main_c, "BEGIN")
        q(main_c, p)
        if snap_diff(s0, snapshot(main_c)):
            caught += 1
        rollback(main_c)
    if caught == len(probes) and not snap_diff(s0, snapshot(obs)):
        ok("the snapshot sees a table, a comment and an enum type appear, and their rollback")
    else:
        bad("the snapshot misses changes (%d of %d seen)" % (caught, len(probes)))

    def lock_targets(v, stmts):
        found = []
        for s in stmts:
            m = re.match(r"(?:ALTER TABLE|DROP TABLE) (\S+)", s) or re.search(r" ON (\S+) ", s)
            if m and m.group(1) not in ("ONLY",):
                found.append((m.group(1), "ROW EXCLUSIVE"))
        found = [t for t in sorted(set(found))
                 if val(env["obs"], "SELECT to_regclass(%s) IS NOT NULL" % lit(t[0])) == "t"]
        sample = rng.sample(found, min(6, len(found))) if found else []
        return sample + [("orm.models", "SHARE"), ("orm.associations", "SHARE")]
    env["lock_targets"] = lock_targets

    all_models = [mname(i) for i in range(NMODELS)]
    try:
        # nothing synced yet
        define_all(main_c, BASE)
        run_variant(env, Variant("create", {}, all_models))
        # synced, with data, but for the subset's tables
        q(main_c, "SELECT count(*) FROM orm.sync()")
        load_data(main_c)
        for m in SUBSET:
            q(main_c, "DO $$ BEGIN EXECUTE 'DROP TABLE ' || (SELECT relid FROM orm.models "
                      "WHERE name = %s) || ' CASCADE'; END $$" % lit(m))
        run_variant(env, Variant("create subset", {"models": SUBSET}, SUBSET))
        q(main_c, "SELECT count(*) FROM orm.sync('{\"alter\": true}')")
        dr = val(main_c, "SELECT count(*) FROM orm.drift()")
        if dr != "0":
            bad("the synced state shows drift: %s rows" % dr)
        # then redefined
        define_all(env["main"], EXTRA)
        run_variant(env, Variant("alter", {"alter": True}, all_models))
        run_variant(env, Variant("force", {"force": True}, all_models))
        # (the subset's "buddy" targets are outside it and out of date: no
        # function can read them until they are synced too)
        run_variant(env, Variant("force subset", {"force": True, "models": SUBSET}, SUBSET,
                                 'of association "buddy" does not exist'))
        # everything synced and matching
        q(env["main"], "SELECT count(*) FROM orm.sync('{\"alter\": true}')")
        dr = val(env["main"], "SELECT count(*) FROM orm.drift()")
        if dr != "0":
            bad("the synced state shows drift: %s rows" % dr)
        run_midway(env)
        run_cache_checks(env)
        run_define_faults(env)
        run_write_faults(env)
    except (SqlError, pgwire.ConnectionLost, pgwire.Timeout) as e:
        bad("the test itself failed", e)

    note("%d faults injected, %d interrupted or failed (%d syncs completed before the "
         "fault), at %d distinct points; %d clean syncs after them"
         % (stats["faults"], stats["interrupted"], stats["completed"], len(stats["points"]),
            stats["clean_syncs"]))
    by_variant = {}
    for vname, point in stats["points"]:
        by_variant.setdefault(vname, set()).add(point)
    for vname, pts in sorted(by_variant.items()):
        note("  %s: %d points (%s)" % (vname, len(pts), ", ".join(sorted(pts)[:8])
                                       + (", ..." if len(pts) > 8 else "")))
    finish(t0)


def finish(t0):
    note("atomicity test took %.0f s" % (time.monotonic() - t0))
    print("%d passed, %d failed" % (passed, failed))
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
