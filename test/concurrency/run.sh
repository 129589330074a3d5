#!/usr/bin/env bash
#
# test/concurrency/run.sh: many sessions define, sync and read at once.
#
# For ORM_CONC_SECONDS (default 10) seconds, in parallel, each a long-lived
# session running a server-side loop (a procedure that commits after every
# operation, so every operation is its own transaction):
#   - ORM_CONC_WRITERS writers (default 3): define and redefine their own
#     models and associations, define_models, undefine, sync (dryRun, force,
#     alter) on their own models, write rows, read them back; now and then
#     all of them redefine, undefine and force-sync one shared model, and
#     associate a model of their own with it both ways;
#   - ORM_CONC_READERS readers (default 2): find_all / find_one /
#     find_by_pk / count / find_all_sql with nested includes on a stable
#     model set nobody changes, each result checked against plain SQL;
#   - one chaos reader: find_*, describe and drift on the writers' models
#     while they change.
# Then: no backend crashed (server log), every session finished, the
# errors are counted and printed by SQLSTATE (readers: none allowed;
# writers: only lock, deadlock, serialization and duplicate kinds, on the
# shared model also "does not exist" kinds; chaos: also "does not exist"
# kinds; XX000 and wrong results never), and the catalog is consistent:
# every association's source and target exist, describe works for every
# model, linked tables and functions exist, the stable models show no
# drift, and after a final sync drift() is empty and every model answers.
#
# Connects with PGHOST/PGPORT/PGUSER (a superuser)/PGDATABASE, creates the
# extension.  Ends with "N passed, N failed"; exits non-zero on failure.

set -uo pipefail
cd "$(dirname "$0")" || exit 1
unset PGOPTIONS PGSERVICE PGSERVICEFILE PGTARGETSESSIONATTRS

SECONDS_RUN=${ORM_CONC_SECONDS:-10}
WRITERS=${ORM_CONC_WRITERS:-3}
READERS=${ORM_CONC_READERS:-2}
# shellcheck source=test/lib/tally.sh
. "$(dirname "${BASH_SOURCE[0]}")/../lib/tally.sh"
pids=()
t0=$(date +%s)
tmp=$(mktemp -d "${TMPDIR:-/tmp}/orm_conc.XXXXXX")
log_start=0
if [ -n "${ORM_PGLOG:-}" ] && [ -f "$ORM_PGLOG" ]; then
	log_start=$(stat -c %s "$ORM_PGLOG")
fi


cleanup()
{
	local rc=$? p
	trap - EXIT INT TERM
	for p in "${pids[@]}"; do
		kill "$p" 2>/dev/null
	done
	for p in "${pids[@]}"; do
		wait "$p" 2>/dev/null
	done
	# our sessions still running server-side (if psql was killed): by the
	# backend pid each one printed first
	for p in $(cat "$tmp"/*.out 2>/dev/null | sed -n 's/^backend pid //p'); do
		psql -X -q -At -c "SELECT pg_terminate_backend($p)" >/dev/null 2>&1
	done
	rm -rf -- "$tmp"
	exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

finish()
{
	printf -- '-- concurrency test took %d s\n' "$(($(date +%s) - t0))"
	printf '%d passed, %d failed\n' "$passed" "$failed"
	[ "$failed" -eq 0 ] && exit 0
	exit 1
}

q()
{
	PGOPTIONS='-c client_min_messages=warning' psql -X -q -At -v ON_ERROR_STOP=1 "$@"
}

# ------------------------------------------------------------------ setup

if ! q >"$tmp/setup.out" 2>&1 <<'SQL'; then
SET client_min_messages = warning;
DROP EXTENSION IF EXISTS orm_models CASCADE;
-- what an earlier run left (the database is normally fresh)
DO $$ DECLARE r record; BEGIN
  FOR r IN SELECT oid::regclass AS t FROM pg_class WHERE relnamespace = 'public'::regnamespace AND relkind = 'r'
             AND (relname IN ('Users', 'Posts', 'Comments', 'Profiles', 'Tags', 'PostTags', 'Shareds') OR relname ~ '^W[0-9]+[ABC]s$') LOOP
    EXECUTE format('DROP TABLE IF EXISTS %s CASCADE', r.t);
  END LOOP;
END $$;
CREATE EXTENSION orm_models;
DROP SCHEMA IF EXISTS conc CASCADE;
CREATE SCHEMA conc;
CREATE TABLE conc.results (worker text, op text, state text, msg text, at timestamptz DEFAULT clock_timestamp());

-- the stable models the readers read
SELECT orm.define_models('{
  "User": {"attributes": {"name": {"type": "STRING", "allowNull": false}, "email": {"type": "STRING", "unique": true}},
           "associations": [{"hasMany": "Post", "as": "posts", "foreignKey": "userId"},
                            {"hasOne": "Profile", "as": "profile", "foreignKey": "userId"}]},
  "Post": {"attributes": {"title": "STRING", "userId": {"type": "INTEGER", "allowNull": false}},
           "associations": [{"belongsTo": "User", "as": "author", "foreignKey": "userId"},
                            {"hasMany": "Comment", "as": "comments", "foreignKey": "postId"},
                            {"belongsToMany": "Tag", "as": "tags", "through": "PostTags"}]},
  "Comment": {"attributes": {"body": "TEXT", "postId": {"type": "INTEGER", "allowNull": false}}, "options": {"timestamps": false}},
  "Profile": {"attributes": {"bio": "TEXT", "userId": "INTEGER"}, "options": {"paranoid": true}},
  "Tag": {"attributes": {"label": {"type": "STRING", "unique": true}}, "options": {"timestamps": false},
          "associations": [{"belongsToMany": "Post", "as": "posts", "through": "PostTags"}]}
}') IS NOT NULL;
SELECT count(*) FROM orm.sync('{"force": true}');
INSERT INTO "Users" (name, email) SELECT 'user ' || i, 'u' || i || '@x' FROM generate_series(1, 200) i;
INSERT INTO "Posts" (title, "userId") SELECT 'post ' || i, 1 + (i * 7) % 150 FROM generate_series(1, 1000) i;
INSERT INTO "Comments" (body, "postId") SELECT 'c' || i, 1 + (i * 13) % 900 FROM generate_series(1, 3000) i;
INSERT INTO "Profiles" (bio, "userId") SELECT 'bio ' || i, i FROM generate_series(1, 120) i;
UPDATE "Profiles" SET "deletedAt" = now() WHERE "userId" % 5 = 0;
INSERT INTO "Tags" (label) SELECT 'tag ' || i FROM generate_series(1, 20) i;
INSERT INTO "PostTags" ("PostId", "TagId", "createdAt", "updatedAt")
  SELECT p, t, now(), now() FROM generate_series(1, 1000) p, generate_series(1, 20) t WHERE (p * t) % 7 = 0;
ANALYZE;

-- runs one statement, returns its SQLSTATE (00000) and message; a
-- statement that returns a boolean false is WRONG
CREATE FUNCTION conc.try(q text, OUT st text, OUT msg text) LANGUAGE plpgsql AS $$
DECLARE ok boolean; ctx text;
BEGIN
  IF q LIKE 'CHECK %' THEN
    EXECUTE substr(q, 7) INTO ok;
    IF ok IS DISTINCT FROM true THEN
      st := 'WRONG'; msg := 'check failed: ' || left(q, 300);
      RETURN;
    END IF;
  ELSE
    EXECUTE q;
  END IF;
  st := '00000';
EXCEPTION WHEN OTHERS THEN
  GET STACKED DIAGNOSTICS ctx = PG_EXCEPTION_CONTEXT;
  st := SQLSTATE; msg := SQLERRM;
  IF st LIKE 'XX%' THEN
    msg := msg || ' [in: ' || left(q, 200) || '] [context: ' || coalesce(ctx, '') || ']';
  END IF;
END $$;

-- the operations of one iteration of a worker: (op, statement)
CREATE FUNCTION conc.ops(kind text, w int, i int) RETURNS TABLE (op text, q text) LANGUAGE plpgsql AS $$
DECLARE
  a text := 'W' || w || 'A';
  b text := 'W' || w || 'B';
  c text := 'W' || w || 'C';
  ta text := orm.pluralize(a);
  tb text := orm.pluralize(b);
  k int := i % 2;
  u int := 1 + (w * 37 + i * 11) % 200;
  attrs_a text := CASE WHEN k = 0 THEN '{"name": {"type": "STRING", "allowNull": false}, "n": "INTEGER"}'
                       ELSE '{"name": {"type": "STRING", "allowNull": false}, "n": "INTEGER", "extra": {"type": "TEXT", "defaultValue": "x"}}' END;
  attrs_b text := '{"title": "STRING", "aId": {"type": "INTEGER"}}';
  models text := format('{"models": [%s, %s]}', to_json(a), to_json(b));
BEGIN
  IF kind = 'writer' THEN
    RETURN QUERY VALUES
      ('define', format('SELECT orm.define(%L, %L)', a, attrs_a)),
      ('define', format('SELECT orm.define(%L, %L)', b, attrs_b)),
      ('associate', format('SELECT orm.associate(%L, ''hasMany'', %L, ''{"as": "bs", "foreignKey": "aId"}'')', a, b)),
      ('associate', format('SELECT orm.associate(%L, ''belongsTo'', %L, ''{"as": "a", "foreignKey": "aId"}'')', b, a)),
      ('sync dryRun', format('SELECT orm.sync(%L::jsonb || ''{"dryRun": true, "force": true}'')', models)),
      ('sync force', format('SELECT orm.sync(%L::jsonb || ''{"force": true}'')', models)),
      ('write rows', format('INSERT INTO %I (name, n) SELECT ''n'' || g, g FROM generate_series(1, 5) g; INSERT INTO %I (title, "aId") SELECT ''t'' || g, (SELECT max(id) FROM %I) FROM generate_series(1, 3) g', ta, tb, ta)),
      ('find own', format('CHECK SELECT json_array_length(orm.find_all(%L, ''{"include": ["bs"], "order": ["id"]}'')) = (SELECT count(*) FROM %I)', a, ta)),
      ('find own', format('CHECK SELECT json_array_length(orm.find_by_pk(%L, (SELECT max(id) FROM %I), ''{"include": ["bs"]}'')->''bs'') = 3', a, ta)),
      ('define', format('SELECT orm.define(%L, %L)', a, CASE WHEN k = 0 THEN '{"name": {"type": "STRING", "allowNull": false}, "n": "INTEGER", "extra": {"type": "TEXT", "defaultValue": "x"}}' ELSE '{"name": {"type": "STRING", "allowNull": false}, "n": "INTEGER"}' END)),
      ('sync alter', format('SELECT orm.sync(%L::jsonb || ''{"alter": true}'')', models)),
      ('find own', format('CHECK SELECT orm.count(%L) = (SELECT count(*) FROM %I)', a, ta));
    IF i % 3 = 0 THEN
      RETURN QUERY VALUES
        ('undefine', format('SELECT orm.undefine(%L)', b)),
        ('define_models', format('SELECT orm.define_models(%L)', json_build_object(
            b, json_build_object('attributes', attrs_b::json,
                                 'associations', json_build_array(json_build_object('belongsTo', a, 'as', 'a', 'foreignKey', 'aId'))),
            a, json_build_object('attributes', attrs_a::json,
                                 'associations', json_build_array(json_build_object('hasMany', b, 'as', 'bs', 'foreignKey', 'aId')))))),
        ('sync', format('SELECT orm.sync(%L)', models));
    END IF;
    IF i % 8 = w % 8 THEN
      RETURN QUERY VALUES ('shared undefine', 'SELECT orm.undefine(''Shared'')');
    END IF;
    IF i % 4 = w % 4 THEN
      RETURN QUERY VALUES
        ('shared define', format('SELECT orm.define(''Shared'', %L, ''{"timestamps": false}'')',
                                 CASE WHEN w % 2 = 0 THEN '{"v": "TEXT"}' ELSE '{"v": "TEXT", "w": "INTEGER"}' END)),
        ('shared sync', 'SELECT orm.sync(''{"models": ["Shared"], "force": true}'')'),
        ('shared find', 'SELECT orm.find_all(''Shared'')'),
        ('shared define', format('SELECT orm.define(%L, ''{"label": "TEXT", "sharedId": "INTEGER"}'')', c)),
        ('shared associate', format('SELECT orm.associate(%L, ''belongsTo'', ''Shared'', ''{"as": "shared", "foreignKey": "sharedId", "constraints": false}'')', c)),
        ('shared associate', format('SELECT orm.associate(''Shared'', ''hasMany'', %L, %L)', c,
                                    json_build_object('as', 'c' || w, 'foreignKey', 'sharedId', 'constraints', false))),
        ('shared sync', format('SELECT orm.sync(''{"models": ["Shared", %s], "force": true}'')', to_json(c))),
        ('shared find', format('SELECT orm.find_all(%L, ''{"include": ["shared"]}'')', c)),
        ('shared find', format('SELECT orm.find_all(''Shared'', %L)', json_build_object('include', json_build_array('c' || w))));
    END IF;
  ELSIF kind = 'reader' THEN
    RETURN QUERY VALUES
      ('find_all', format('CHECK SELECT (SELECT string_agg((x->>''id'') || '':'' || json_array_length(x->''posts''), '','') FROM json_array_elements(orm.find_all(''User'', ''{"include": [{"association": "posts", "include": ["comments", "tags"]}], "where": {"id": {"$between": [%s, %s]}}, "order": ["id"]}'')) x) = (SELECT string_agg(u.id || '':'' || (SELECT count(*) FROM "Posts" p WHERE p."userId" = u.id), '','' ORDER BY u.id) FROM "Users" u WHERE u.id BETWEEN %s AND %s)', u, u + 9, u, u + 9)),
      ('find_by_pk', format('CHECK SELECT (SELECT (j->>''id'')::int = %s AND json_array_length(j->''posts'') = (SELECT count(*) FROM "Posts" WHERE "userId" = %s) AND (json_typeof(j->''profile'') = ''null'') = (%s > 120) FROM orm.find_by_pk(''User'', %s, ''{"include": ["posts", {"association": "profile", "paranoid": false}]}'') j)', u, u, u, u)),
      ('find_one', format('CHECK SELECT (orm.find_one(''Post'', ''{"where": {"userId": %s}, "order": [["id", "DESC"]], "include": ["author", "tags", "comments"]}'')->''author''->>''id'')::int IS NOT DISTINCT FROM (SELECT max("userId") FROM "Posts" WHERE "userId" = %s)', u, u)),
      ('count', format('CHECK SELECT orm.count(''Post'', ''{"include": [{"association": "tags", "where": {"id": %s}}]}'') = (SELECT count(DISTINCT "PostId") FROM "PostTags" WHERE "TagId" = %s)', 1 + i % 20, 1 + i % 20)),
      ('find_all_sql', 'CHECK SELECT orm.find_all_sql(''Tag'', ''{"include": [{"association": "posts", "include": ["author"]}]}'') ~ ''^(WITH |\(SELECT |SELECT )'''),
      ('find_all_rows', format('CHECK SELECT count(*) = 10 FROM orm.find_all_rows(''Post'', ''{"where": {"id": {"$gt": %s}}, "limit": 10, "include": ["comments"]}'')', u)),
      ('find_all limit', 'CHECK SELECT json_array_length(orm.find_all(''Tag'', ''{"include": [{"association": "posts", "limit": 2, "order": [["id", "DESC"]]}], "limit": 5, "offset": 3}'')) = 5'),
      ('drift', 'CHECK SELECT NOT EXISTS (SELECT FROM orm.drift() WHERE model IN (''User'', ''Post'', ''Comment'', ''Profile'', ''Tag''))');
  ELSE -- chaos
    RETURN QUERY VALUES
      ('find writer', format('SELECT orm.find_all(%L, ''{"include": ["bs"]}'')', a)),
      ('find writer', format('SELECT orm.find_by_pk(%L, 1, ''{"include": ["a"]}'')', b)),
      ('count writer', format('SELECT orm.count(%L)', a)),
      ('describe all', 'SELECT count(orm.describe(name)) FROM orm.models'),
      ('drift', 'SELECT count(*) FROM orm.drift()'),
      ('find shared', 'SELECT orm.find_all(''Shared'')'),
      ('find_all_sql', format('SELECT orm.find_all_sql(%L, ''{"include": [{"all": true}]}'')', a));
  END IF;
END $$;

CREATE PROCEDURE conc.worker(kind text, w int, seconds int) LANGUAGE plpgsql AS $$
DECLARE
  deadline timestamptz := clock_timestamp() + seconds * interval '1 second';
  i int := 0;
  ops text[];
  names text[];
  n int;
  t record;
BEGIN
  WHILE clock_timestamp() < deadline LOOP
    i := i + 1;
    SELECT array_agg(o.q), array_agg(o.op) INTO ops, names FROM conc.ops(kind, w, i) o;
    COMMIT;
    FOR n IN 1 .. array_length(ops, 1) LOOP
      SELECT * INTO t FROM conc.try(ops[n]);
      INSERT INTO conc.results (worker, op, state, msg)
        VALUES (kind || w, names[n], t.st, CASE WHEN t.st <> '00000' THEN t.msg END);
      COMMIT;
    END LOOP;
  END LOOP;
END $$;
SQL
	fail "setup: $(head -n 20 "$tmp/setup.out")"
	finish
fi
pass "setup: stable models synced, worker procedures created"

# ------------------------------------------------------------------ run

start_worker()
{
	local kind=$1 w=$2
	PGAPPNAME=orm_conc_$kind$w psql -X -q -At -v ON_ERROR_STOP=1 \
		-c "SELECT 'backend pid ' || pg_backend_pid()" \
		-c "SET lock_timeout = '3s'" -c "SET statement_timeout = '60s'" \
		-c "CALL conc.worker('$kind', $w, $SECONDS_RUN)" -c "SELECT 'done'" \
		>"$tmp/$kind$w.out" 2>&1 &
	pids+=($!)
	names+=("$kind$w")
}
names=()
for w in $(seq 1 "$WRITERS"); do start_worker writer "$w"; done
for r in $(seq 1 "$READERS"); do start_worker reader "$r"; done
start_worker chaos 1
echo "-- ${#pids[@]} sessions for $SECONDS_RUN s: $WRITERS writers, $READERS readers, 1 chaos reader"

for k in "${!pids[@]}"; do
	if wait "${pids[$k]}" && grep -qx 'done' "$tmp/${names[$k]}.out"; then
		pass "session ${names[$k]} finished"
	else
		fail "session ${names[$k]} did not finish: $(head -c 500 "$tmp/${names[$k]}.out")"
	fi
done
pids=()

# ------------------------------------------------------------------ results

if [ -n "${ORM_PGLOG:-}" ] && [ -f "$ORM_PGLOG" ]; then
	if grep -qE 'terminated by signal|PANIC' < <(tail -c +"$((log_start + 1))" "$ORM_PGLOG"); then
		fail "server log: a backend crashed"
		tail -c +"$((log_start + 1))" "$ORM_PGLOG" | grep -E -B3 -A3 'terminated by signal|PANIC' | head -n 30
	else
		pass "server log: no crash"
	fi
else
	echo "-- (no ORM_PGLOG: server log not checked)"
fi

echo "-- operations by worker kind, operation and SQLSTATE:"
q -c "SELECT rpad(regexp_replace(worker, '[0-9]+$', ''), 7) || rpad(op, 15) || string_agg(state || '=' || n, ' ' ORDER BY state)
        FROM (SELECT worker, op, state, count(*) n FROM conc.results
               GROUP BY regexp_replace(worker, '[0-9]+$', ''), worker, op, state) s
       GROUP BY regexp_replace(worker, '[0-9]+$', ''), worker, op ORDER BY 1" | sed 's/^/   /'
echo "-- all errors by SQLSTATE:"
q -c "SELECT state || ': ' || count(*) || '  e.g. ' || left(min(msg), 150) FROM conc.results WHERE state <> '00000' GROUP BY state ORDER BY state" | sed 's/^/   /'

total=$(q -c "SELECT count(*) FROM conc.results")
[ "${total:-0}" -gt 100 ] && pass "$total operations ran" || fail "only ${total:-0} operations ran"
for kind in writer reader chaos; do
	n=$(q -c "SELECT count(*) FROM conc.results WHERE worker LIKE '$kind%' AND state = '00000'")
	[ "${n:-0}" -gt 0 ] && pass "$kind: $n operations succeeded" || fail "$kind: no operation succeeded"
done

# XX000 / internal errors / wrong results never
bad=$(q -c "SELECT count(*) FROM conc.results WHERE state LIKE 'XX%' OR state LIKE '58%' OR state = 'WRONG'")
if [ "$bad" = 0 ]; then
	pass "no internal error (XX000), no wrong result"
else
	fail "$bad internal errors or wrong results:"
	q -c "SELECT worker, op, state, left(msg, 300) FROM conc.results WHERE state LIKE 'XX%' OR state LIKE '58%' OR state = 'WRONG' ORDER BY at LIMIT 10" | sed 's/^/   /'
fi
# readers of the stable models: no error at all, except a lock timeout of
# drift(), which reads every model's table, the writers' too: deparsing a
# column's default (pg_get_expr) locks the table, and waits while a
# writer's sync force holds it (PostgreSQL's rule for a table being rebuilt)
bad=$(q -c "SELECT count(*) FROM conc.results WHERE worker LIKE 'reader%' AND state <> '00000' AND NOT (op = 'drift' AND state = '55P03')")
if [ "$bad" = 0 ]; then
	pass "readers of the stable models: no error"
else
	fail "readers of the stable models: $bad errors"
	q -c "SELECT op, state, left(msg, 300) FROM conc.results WHERE worker LIKE 'reader%' AND state <> '00000' ORDER BY at LIMIT 10" | sed 's/^/   /'
fi
# writers: lock, deadlock, serialization and duplicate kinds only (on their
# own models; the shared model may also be missing for a moment)
writer_ok="'00000', '40001', '40P01', '55P03', '23505', '42P07', '42710'"
bad=$(q -c "SELECT count(*) FROM conc.results WHERE worker LIKE 'writer%' AND state NOT IN ($writer_ok)
              AND NOT (op LIKE 'shared%' AND state IN ('42P01', '42704', '42703', '42P17', '42723'))")
if [ "$bad" = 0 ]; then
	pass "writers: only lock, deadlock, serialization or duplicate errors"
else
	fail "writers: $bad unexpected errors"
	q -c "SELECT op, state, left(msg, 300) FROM conc.results WHERE worker LIKE 'writer%' AND state NOT IN ($writer_ok)
	        AND NOT (op LIKE 'shared%' AND state IN ('42P01', '42704', '42703', '42P17', '42723')) ORDER BY at LIMIT 10" | sed 's/^/   /'
fi
# chaos: also "does not exist" kinds (a model or table undefined or
# dropped and recreated under the reader)
chaos_ok="$writer_ok, '42P01', '42704', '42703', '22023', '42809'"
bad=$(q -c "SELECT count(*) FROM conc.results WHERE worker LIKE 'chaos%' AND state NOT IN ($chaos_ok)")
if [ "$bad" = 0 ]; then
	pass "chaos reader: only clean errors"
else
	fail "chaos reader: $bad unexpected errors"
	q -c "SELECT op, state, left(msg, 300) FROM conc.results WHERE worker LIKE 'chaos%' AND state NOT IN ($chaos_ok) ORDER BY at LIMIT 10" | sed 's/^/   /'
fi

# ------------------------------------------------------------ consistency

check()
{
	local label=$1 sql=$2 want=$3 got
	got=$(q -c "$sql" 2>&1)
	if [ "$got" = "$want" ]; then
		pass "$label"
	else
		fail "$label: got '$(printf '%s' "$got" | head -c 600)', expected '$want'"
	fi
}
check "every association's source and target exist" \
	"SELECT count(*) FROM orm.associations a WHERE NOT EXISTS (SELECT FROM orm.models WHERE name = a.source) OR NOT EXISTS (SELECT FROM orm.models WHERE name = a.target)" 0
check "describe works for every model" \
	"SELECT count(*) = count(orm.describe(name)) FROM orm.models" t
check "describe lists every association of every model" \
	"SELECT (SELECT count(*) FROM orm.associations) = (SELECT sum(jsonb_array_length(coalesce(orm.describe(name)->'associations', '[]'))) FROM orm.models)" t
check "every linked table exists" \
	"SELECT count(*) FROM orm.models WHERE relid IS NOT NULL AND NOT EXISTS (SELECT FROM pg_class WHERE oid = relid::oid)" 0
check "every linked relationship function exists" \
	"SELECT count(*) FROM orm.associations WHERE function IS NOT NULL AND NOT EXISTS (SELECT FROM pg_proc WHERE oid = function::oid)" 0
check "the stable models show no drift" \
	"SELECT count(*) FROM orm.drift() WHERE model IN ('User', 'Post', 'Comment', 'Profile', 'Tag')" 0
check "the stable data is intact" \
	"SELECT json_array_length(orm.find_all('User', '{\"include\": [\"posts\"]}')) || ',' || orm.count('Post') || ',' || (SELECT count(*) FROM \"Comments\")" "200,1000,3000"
check "the writers' models are all there" \
	"SELECT count(*) FROM orm.models WHERE name ~ '^W[0-9]+[AB]$'" "$((WRITERS * 2))"
check "the writers' associations are all there" \
	"SELECT count(*) FROM orm.associations WHERE source ~ '^W[0-9]+[AB]$'" "$((WRITERS * 2))"
# a final sync makes everything match
run=$(q -c "SELECT count(*) FROM orm.sync(jsonb_build_object('models', (SELECT jsonb_agg(name) FROM orm.models WHERE name NOT IN ('User', 'Post', 'Comment', 'Profile', 'Tag')), 'force', true))" 2>&1)
[[ $run =~ ^[0-9]+$ ]] && pass "final sync (force) of the writers' models: $run statements" || fail "final sync: $run"
check "drift() empty after the final sync" \
	"SELECT coalesce(string_agg(model || ': ' || problem || ': ' || detail, '; '), '') FROM orm.drift()" ""
check "every model answers find_all with all its includes" \
	"SELECT count(*) = count(orm.find_all(name, '{\"include\": [{\"all\": true}], \"limit\": 3}')) FROM orm.models" t
check "sync dryRun has nothing left to do" \
	"SELECT count(*) FROM orm.sync('{\"dryRun\": true}')" 0

q -c "DROP SCHEMA conc CASCADE" >/dev/null 2>&1
finish
