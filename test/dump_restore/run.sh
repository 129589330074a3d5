#!/usr/bin/env bash
#
# test/dump_restore/run.sh: the catalog survives pg_dump and restore.
#
# In a database A (models.sql): the extension, several models and
# associations, rows, a table and a column renamed by hand.  A is dumped
# in custom format (pg_dump -Fc), restored with pg_restore -d B and with
# pg_restore -j 4 -d D, and as plain SQL (pg_dump -Fp | psql -d C).  In each
# restored database:
#   - the restore exits 0 and prints no error;
#   - orm.models and orm.associations hold the same rows as in A (relid and
#     function compared as text, the per-OID "columns" map left out);
#   - every model's relid is the restored table of that name, every
#     association's function the restored function;
#   - orm.drift() is empty, as in A;
#   - find_all of a few queries returns the same JSON as in A;
#   - the DDL watcher works (a rename is followed), and define + sync of a
#     new model still works.
#
# Needs PGHOST, PGPORT, PGUSER (a superuser) as test/run sets them, and the
# extension installed.  Creates and drops its own databases dumpres_*.
# Prints "ok <check>" / "FAILED <check>" lines and ends with
# "N passed, N failed"; exits non-zero on any failure.
set -uo pipefail

here=$(cd "$(dirname "$0")" && pwd)
tmp=$(mktemp -d)
db_a=dumpres_a
db_b=dumpres_b
db_c=dumpres_c
db_d=dumpres_d
# shellcheck source=test/lib/tally.sh
. "$(dirname "${BASH_SOURCE[0]}")/../lib/tally.sh"

export PGCLIENTENCODING=UTF8
psql_q() { psql -X -q -At -v ON_ERROR_STOP=1 "$@"; }

drop_dbs()
{
	local db

	for db in "$db_a" "$db_b" "$db_c" "$db_d"; do
		psql_q -d postgres -c "DROP DATABASE IF EXISTS $db WITH (FORCE)" >/dev/null 2>&1 || true
	done
}

cleanup()
{
	drop_dbs
	rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

finish()
{
	echo "$passed passed, $failed failed"
	[ "$failed" -eq 0 ]
	exit $?
}

# check NAME EXPECTED ACTUAL
check_eq()
{
	if [ "$2" == "$3" ]; then
		ok "$1"
	else
		fail "$1" "expected:" "$2" "actual:" "$3"
	fi
}

# check_same NAME FILE_A FILE_B: the two files are equal
check_same()
{
	if cmp -s "$2" "$3"; then
		ok "$1"
	else
		fail "$1" "$(diff "$2" "$3" | head -n 30)"
	fi
}

# The catalog as text, without the OIDs that differ by nature.
CATALOG_SQL="
SELECT name, table_name, schema_name, attributes::text, options::text, owner::text,
       relid::text, defined_at::text
  FROM orm.models ORDER BY name;
SELECT source, alias, kind, target, options::text, position, owner::text, function::text
  FROM orm.associations ORDER BY source, alias;"

# Links that do not point where the catalog says: a model whose relid is not
# the table named by its schema_name.table_name, an association whose function
# does not exist.
LINKS_SQL="
SELECT 'model ' || name || ': relid ' || coalesce(relid::text, 'NULL')
  FROM orm.models m
 WHERE relid IS NULL
    OR NOT EXISTS (SELECT FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                    WHERE c.oid = m.relid AND c.relname = m.table_name AND n.nspname = m.schema_name)
UNION ALL
SELECT 'association ' || source || '.' || alias || ': function ' || coalesce(function::text, 'NULL')
  FROM orm.associations a
 WHERE function IS NULL OR NOT EXISTS (SELECT FROM pg_proc p WHERE p.oid = a.function);"

# find_all queries compared between A and its restores, one per line.
FIND_SQL="
SELECT orm.find_all('User', '{\"include\": [\"posts\", \"groups\"], \"order\": [[\"id\", \"ASC\"]]}');
SELECT orm.find_all('Post', '{\"where\": {\"title\": {\"\$like\": \"%e%\"}}, \"include\": [{\"association\": \"author\", \"attributes\": [\"name\", \"role\"]}], \"order\": [[\"title\", \"ASC\"]]}');
SELECT orm.find_all('Group', '{\"include\": [{\"association\": \"members\", \"attributes\": [\"name\"], \"through\": {\"attributes\": []}}], \"order\": [[\"label\", \"ASC\"]]}');
SELECT orm.find_all('Order', '{\"include\": [\"buyer\", {\"association\": \"items\", \"where\": {\"qty\": {\"\$gte\": 2}}}], \"order\": [[\"id\", \"ASC\"]]}');
SELECT orm.find_by_pk('User', 2, '{\"include\": [{\"association\": \"posts\", \"attributes\": [\"title\"]}]}');
SELECT orm.count('OrderItem', '{\"where\": {\"sku\": \"A-1\"}}');
SELECT count(*) FROM articles a, LATERAL author(a) u;"

# Everything that is compared or checked in one database, into $tmp/$1.*
snapshot()
{
	local db=$1

	psql_q -d "$db" -c "$CATALOG_SQL" >"$tmp/$db.catalog" 2>&1
	psql_q -d "$db" -c "$LINKS_SQL" >"$tmp/$db.links" 2>&1
	psql_q -d "$db" -F ' | ' -c "SELECT * FROM orm.drift() ORDER BY 1, 2, 3" >"$tmp/$db.drift" 2>&1
	psql_q -d "$db" -f - >"$tmp/$db.find" 2>&1 <<<"$FIND_SQL"
}

# The checks on one restored database $1 (restored by $2).
check_restored()
{
	local db=$1 how=$2 out

	snapshot "$db"
	check_same "$how: orm.models and orm.associations as in A" "$tmp/$db_a.catalog" "$tmp/$db.catalog"
	check_eq "$how: every model and function linked to the restored objects" "" "$(cat "$tmp/$db.links")"
	check_eq "$how: drift() empty" "" "$(cat "$tmp/$db.drift")"
	check_same "$how: find_all results as in A" "$tmp/$db_a.find" "$tmp/$db.find"

	# the watcher follows a rename in the restored database
	out=$(psql_q -d "$db" -c 'ALTER TABLE shop.orders RENAME TO purchases' \
		-c "SELECT table_name || ' ' || relid::text FROM orm.models WHERE name = 'Order'" \
		-c "SELECT orm.count('Order')" 2>&1)
	check_eq "$how: a table renamed after the restore is followed" \
		"purchases shop.purchases
2" "$out"

	# define + sync of a new model, associated with a restored one
	out=$(psql_q -d "$db" 2>&1 <<'SQL'
SET client_min_messages = warning;
SELECT orm.define('Review', '{"stars": "INTEGER"}', '{"timestamps": false}') IS NOT NULL;
SELECT orm.associate('User', 'hasMany', 'Review', '{"as": "reviews"}') IS NOT NULL;
SELECT orm.associate('Review', 'belongsTo', 'User', '{"as": "reviewer", "foreignKey": "UserId"}') IS NOT NULL;
SELECT count(*) > 0 FROM orm.sync('{"models": ["Review"]}');
INSERT INTO "Reviews" (stars, "UserId") VALUES (5, 2);
SELECT orm.find_all('User', '{"attributes": ["name"], "where": {"id": 2}, "include": [{"association": "reviews", "attributes": ["stars"]}]}');
SELECT count(*) FROM orm.drift() WHERE model = 'Review' OR detail ~* 'review';
SQL
)
	check_eq "$how: define + sync of a new model" \
		"t
t
t
t
[{\"name\":\"Bob\",\"reviews\":[{\"stars\":5}]}]
0" "$out"
}

drop_dbs

# --- database A -------------------------------------------------------------
if ! psql_q -d postgres -c "CREATE DATABASE $db_a" >/dev/null ||
	! psql_q -d "$db_a" -f "$here/models.sql" >"$tmp/setup.out" 2>&1; then
	fail "set up database A" "$(cat "$tmp/setup.out" 2>/dev/null)"
	finish
fi
ok "set up database A (models.sql)"
snapshot "$db_a"
check_eq "A: every model and function linked" "" "$(cat "$tmp/$db_a.links")"
check_eq "A: drift() empty" "" "$(cat "$tmp/$db_a.drift")"
if grep -q ERROR "$tmp/$db_a.find"; then
	fail "A: find_all queries run" "$(cat "$tmp/$db_a.find")"
else
	ok "A: find_all queries run"
fi

# --- custom format: pg_dump -Fc | pg_restore -d B --------------------------------
if pg_dump -Fc -d "$db_a" -f "$tmp/a.dump" 2>"$tmp/dump_c.err" && [ ! -s "$tmp/dump_c.err" ]; then
	ok "pg_dump -Fc exits 0, no messages"
else
	fail "pg_dump -Fc exits 0, no messages" "$(cat "$tmp/dump_c.err")"
fi
psql_q -d postgres -c "CREATE DATABASE $db_b" >/dev/null
pg_restore -d "$db_b" "$tmp/a.dump" >"$tmp/restore_c.out" 2>&1
rc=$?
if [ "$rc" -eq 0 ] && ! grep -qiE 'error|warning' "$tmp/restore_c.out"; then
	ok "pg_restore exits 0, no errors"
else
	fail "pg_restore exits 0, no errors (status $rc)" "$(cat "$tmp/restore_c.out")"
fi
check_restored "$db_b" "pg_restore"

# --- the same dump, restored in parallel -------------------------------------------
psql_q -d postgres -c "CREATE DATABASE $db_d" >/dev/null
pg_restore -j 4 -d "$db_d" "$tmp/a.dump" >"$tmp/restore_j.out" 2>&1
rc=$?
if [ "$rc" -eq 0 ] && ! grep -qiE 'error|warning' "$tmp/restore_j.out"; then
	ok "pg_restore -j 4 exits 0, no errors"
else
	fail "pg_restore -j 4 exits 0, no errors (status $rc)" "$(cat "$tmp/restore_j.out")"
fi
check_restored "$db_d" "pg_restore -j 4"

# --- plain SQL: pg_dump -Fp | psql -d C ------------------------------------------
if pg_dump -Fp -d "$db_a" -f "$tmp/a.sql" 2>"$tmp/dump_p.err" && [ ! -s "$tmp/dump_p.err" ]; then
	ok "pg_dump -Fp exits 0, no messages"
else
	fail "pg_dump -Fp exits 0, no messages" "$(cat "$tmp/dump_p.err")"
fi
psql_q -d postgres -c "CREATE DATABASE $db_c" >/dev/null
psql -X -q -v ON_ERROR_STOP=1 -d "$db_c" -f "$tmp/a.sql" >"$tmp/restore_p.out" 2>&1
rc=$?
if [ "$rc" -eq 0 ] && ! grep -qiE 'error|warning' "$tmp/restore_p.out"; then
	ok "psql < plain dump exits 0, no errors"
else
	fail "psql < plain dump exits 0, no errors (status $rc)" "$(cat "$tmp/restore_p.out")"
fi
check_restored "$db_c" "plain dump"

# A is unchanged by all this
snapshot "$db_a"
check_eq "A: still no drift" "" "$(cat "$tmp/$db_a.drift")"

finish
