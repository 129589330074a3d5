#!/usr/bin/env bash
#
# test/writer/run.sh: the JSON writer against the SQL path, on every query
# of the suite's query tests.  With orm_models.json_writer = 'check', each
# find_* call is answered both ways, and an error (XX000) is raised when the
# two are not the same JSON value or the writer's text is not compact
# (src/json_check.c); so any query of these runs that finds a disagreement
# fails here:
#   1. every pg_regress input of sql/, run by psql in a fresh database of
#      its own set to 'check' (their expected output is pg_regress's
#      business: here only the check's errors count);
#   2. test/sequelize_find, both model sets, its connections set to 'check';
#   3. the fuzzer, WRITER_FUZZ_N random inputs (default 1500) and its fixed
#      corpus, in 'check'.
# Also: with the writer off, a find returns the SQL path's text (json_agg's
# ", " between rows), and with it on, the compact text: the setting works.
#
# Needs PGHOST PGPORT PGUSER (a superuser) PGDATABASE, as test/run sets them.
# Ends with "N passed, N failed"; exits non-zero on failure.
set -uo pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
tmp=$(mktemp -d)
db=writer_check
# shellcheck source=test/lib/tally.sh
. "$here/../lib/tally.sh"

psql_q() { psql -X -q -At "$@"; }

cleanup()
{
	psql_q -d postgres -c "DROP DATABASE IF EXISTS $db WITH (FORCE)" >/dev/null 2>&1
	rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

check_errors='the JSON writer and the SQL path disagree|the JSON writer.s answer .* is not compact'

# 1. pg_regress inputs
for f in "$root"/sql/*.sql; do
	name=$(basename "$f" .sql)
	case $name in orm_models--*) continue ;; esac
	psql_q -d postgres -c "DROP DATABASE IF EXISTS $db WITH (FORCE)" \
		-c "CREATE DATABASE $db" \
		-c "ALTER DATABASE $db SET orm_models.json_writer = 'check'" >/dev/null 2>&1
	(cd "$root" && psql -X -a -d "$db" -v VERBOSITY=default -f "$f") >"$tmp/$name.out" 2>&1
	if grep -Eq "$check_errors" "$tmp/$name.out"; then
		fail "sql/$name.sql: the writer and the SQL path agree on every find" \
			"$(grep -E -B3 -A3 "$check_errors" "$tmp/$name.out" | head -n 30)"
	elif grep -q "server closed the connection" "$tmp/$name.out"; then
		fail "sql/$name.sql: the backend crashed"
	else
		pass "sql/$name.sql: the writer and the SQL path agree on every find ($(grep -c 'orm\.find' "$f") find calls)"
	fi
done
psql_q -d postgres -c "DROP DATABASE IF EXISTS $db WITH (FORCE)" >/dev/null 2>&1

# 2. the differential test's queries, every one answered both ways
if PGOPTIONS="-c orm_models.json_writer=check" bash "$root/test/sequelize_find/run.sh" >"$tmp/seqfind.out" 2>&1; then
	pass "test/sequelize_find in check mode: $(grep -E '^[0-9]+ passed' "$tmp/seqfind.out" | tail -n 1)"
else
	fail "test/sequelize_find in check mode" "$(grep -E "FAILED|$check_errors" "$tmp/seqfind.out" | head -n 20)"
fi

# 3. the fuzzer
psql_q -d postgres -c "CREATE DATABASE $db" \
	-c "ALTER DATABASE $db SET orm_models.json_writer = 'check'" >/dev/null 2>&1
if PGDATABASE=$db FUZZ_N=${WRITER_FUZZ_N:-1500} FUZZ_BIG=0 bash "$root/test/fuzz/run.sh" >"$tmp/fuzz.out" 2>&1; then
	pass "the fuzzer in check mode: $(grep -E '^[0-9]+ passed' "$tmp/fuzz.out" | tail -n 1)"
else
	fail "the fuzzer in check mode" "$(grep -E "FAIL|$check_errors" "$tmp/fuzz.out" | head -n 20)"
fi
psql_q -d postgres -c "DROP DATABASE IF EXISTS $db WITH (FORCE)" >/dev/null 2>&1

# the setting itself: off gives the SQL path's text, on the compact one
psql_q -d postgres -c "CREATE DATABASE $db" >/dev/null 2>&1
out=$(psql_q -d "$db" 2>&1 <<'SQL'
SET client_min_messages = warning;
CREATE EXTENSION orm_models;
SELECT orm.define('Item', '{"name": "TEXT"}', '{"timestamps": false}') IS NOT NULL;
SELECT count(*) > 0 FROM orm.sync();
INSERT INTO "Items" (name) VALUES ('a'), ('b');
SET orm_models.json_writer = off;
SELECT orm.find_all('Item', '{"order": ["id"]}');
SET orm_models.json_writer = on;
SELECT orm.find_all('Item', '{"order": ["id"]}');
SQL
)
case $out in
*'[{"id":1,"name":"a"}, '*'{"id":2,"name":"b"}]'*'[{"id":1,"name":"a"},{"id":2,"name":"b"}]'*)
	pass "orm_models.json_writer: off writes json_agg's text, on the compact text" ;;
*) fail "orm_models.json_writer: off writes json_agg's text, on the compact text" "$out" ;;
esac

# a point load (find_by_pk, find_one: one root row) is planned without
# bitmap scans (OrmPlanSettings); find_all of the same include, on the same
# data, shows the planner would have chosen one; the caller's
# enable_bitmapscan is the same after the calls, also after one that was cancelled
out=$(psql -X -q -At -d "$db" 2>&1 <<'SQL'
SET client_min_messages = warning;
SELECT orm.define('Owner', '{}', '{"timestamps": false}') IS NOT NULL;
SELECT orm.define('Pet', '{"name": "TEXT"}', '{"timestamps": false}') IS NOT NULL;
SELECT orm.associate('Owner', 'hasMany', 'Pet', '{"as": "pets"}') IS NOT NULL;
SELECT count(*) > 0 FROM orm.sync();
INSERT INTO "Owners" SELECT FROM generate_series(1, 5000);
INSERT INTO "Pets" (name, "OwnerId") SELECT 'pet ' || i, 1 + (hashint4(i) & 2147483647) % 5000 FROM generate_series(1, 100000) i;
ANALYZE "Owners", "Pets";
LOAD 'auto_explain';
SET auto_explain.log_min_duration = 0;
SET auto_explain.log_nested_statements = on;
SET auto_explain.log_level = notice;
SET client_min_messages = notice;
SELECT 'find_all: ' || (orm.find_all('Owner', '{"where": {"id": {"$lt": 3}}, "include": ["pets"]}') IS NOT NULL);
SELECT 'find_by_pk: ' || (orm.find_by_pk('Owner', 2, '{"include": ["pets"]}') IS NOT NULL);
SELECT 'find_one: ' || (orm.find_one('Owner', '{"where": {"id": 2}, "include": ["pets"]}') IS NOT NULL);
SET client_min_messages = warning;
SELECT 'after: ' || current_setting('enable_bitmapscan');
INSERT INTO "Owners" DEFAULT VALUES;
INSERT INTO "Pets" (name, "OwnerId") SELECT 'pet ' || i, 5001 FROM generate_series(1, 200000) i;
SET statement_timeout = '20ms';
SELECT orm.find_by_pk('Owner', 5001, '{"include": ["pets"]}') IS NOT NULL;
RESET statement_timeout;
SELECT 'after an error: ' || current_setting('enable_bitmapscan');
SQL
)
# each call's nested statements' plans come before its own line
plans() { printf '%s\n' "$out" | awk -v want="$1" '/^(find_all|find_by_pk|find_one): /{ if (index($0, want ": ") == 1) { print buf; exit } buf=""; next } { buf = buf "\n" $0 }'; }
if plans find_all | grep -q 'Bitmap Heap Scan on "Pets"' \
	&& plans find_by_pk | grep -q 'Index Scan using "Pets_OwnerId_idx"' \
	&& ! plans find_by_pk | grep -q 'Bitmap' \
	&& plans find_one | grep -q 'Index Scan using "Pets_OwnerId_idx"' \
	&& ! plans find_one | grep -q 'Bitmap' \
	&& printf '%s\n' "$out" | grep -qx 'after: on' \
	&& printf '%s\n' "$out" | grep -q 'canceling statement due to statement timeout' \
	&& printf '%s\n' "$out" | grep -qx 'after an error: on'; then
	pass "a point load's levels are planned without bitmap scans (find_all's with them); enable_bitmapscan is the caller's after the call"
else
	fail "a point load's levels are planned without bitmap scans (find_all's with them); enable_bitmapscan is the caller's after the call" \
		"$(printf '%s\n' "$out" | grep -E 'Scan|^(find|after)|ERROR' | head -n 30)"
fi

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
