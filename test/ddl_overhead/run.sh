#!/usr/bin/env bash
#
# test/ddl_overhead/run.sh: what the DDL watcher costs DDL that has nothing
# to do with orm_models.  SPEC.md: "unrelated DDL with the extension
# installed: at most 1.05x the time without it".
#
# Two databases in one run: ddl_overhead_with (orm_models installed, a few
# models synced, so that the event triggers are armed and look at every
# dropped or altered object) and ddl_overhead_without (no extension).  Each
# gets the same stream of DDL_N (default 500)
#     CREATE TABLE t_i (id integer PRIMARY KEY, x text)
#     ALTER TABLE t_i ADD COLUMN y integer
#     DROP TABLE t_i
# statements (all the CREATEs, then the ALTERs, then the DROPs), each its
# own transaction, run by a procedure that COMMITs after every statement
# and times the whole stream with clock_timestamp().  One psql session per
# database, open for the whole run (after a short warm-up stream in each);
# DDL_ROUNDS rounds (default 5), alternating which database goes first.  Printed: the
# median time of each database, and the median of the rounds' ratios (each
# round's two streams run back to back, under the same load), which is the
# ratio judged.
#
# Always checked: the streams run without error, the triggers are armed,
# and the catalog (orm.models, orm.associations, orm.drift()) is untouched.
# The ratio is printed always and judged (<= DDL_MAX_RATIO, default 1.05)
# at full size only: DDL_N >= 2000, or DDL_JUDGE=1 (DDL_JUDGE=0: never).
# Small streams are too noisy to judge 5%.
#
# Needs PGHOST, PGPORT, PGUSER (a superuser) as test/run sets them.  Ends
# with "N passed, N failed"; exits non-zero on any failure.
set -uo pipefail

n=${DDL_N:-500}
rounds=${DDL_ROUNDS:-5}
max_ratio=${DDL_MAX_RATIO:-1.05}
judge=${DDL_JUDGE:-}
for v in "$n" "$rounds"; do
	if ! [[ $v =~ ^[1-9][0-9]*$ ]]; then
		echo "DDL_N and DDL_ROUNDS must be positive integers"
		echo "0 passed, 1 failed"
		exit 1
	fi
done
if [ -z "$judge" ]; then
	if [ "$n" -ge 2000 ]; then judge=1; else judge=0; fi
fi
with_db=ddl_overhead_with
without_db=ddl_overhead_without
# shellcheck source=test/lib/tally.sh
. "$(dirname "${BASH_SOURCE[0]}")/../lib/tally.sh"
tmp=$(mktemp -d)

export PGCLIENTENCODING=UTF8
psql_q() { psql -X -q -At -v ON_ERROR_STOP=1 "$@"; }

cleanup()
{
	local db

	for db in "$with_db" "$without_db"; do
		psql_q -d postgres -c "DROP DATABASE IF EXISTS $db WITH (FORCE)" >/dev/null 2>&1 || true
	done
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

median()
{
	sort -g | awk '{ v[NR] = $1 } END { if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

# The stream, the same in both databases.
STREAM_SQL=$(cat <<'SQL'
SET client_min_messages = warning;
CREATE PROCEDURE public.ddl_stream(n integer, INOUT ms float8 DEFAULT NULL)
LANGUAGE plpgsql AS $$
DECLARE
	t0 timestamptz := clock_timestamp();
BEGIN
	FOR i IN 1 .. n LOOP
		EXECUTE format('CREATE TABLE public.t_%s (id integer PRIMARY KEY, x text)', i);
		COMMIT;
	END LOOP;
	FOR i IN 1 .. n LOOP
		EXECUTE format('ALTER TABLE public.t_%s ADD COLUMN y integer', i);
		COMMIT;
	END LOOP;
	FOR i IN 1 .. n LOOP
		EXECUTE format('DROP TABLE public.t_%s', i);
		COMMIT;
	END LOOP;
	ms := extract(epoch FROM clock_timestamp() - t0) * 1000;
END $$;
SQL
)

# A few synced models, so that the triggers have links to compare with.
MODELS_SQL=$(cat <<'SQL'
SET client_min_messages = warning;
CREATE EXTENSION orm_models;
SELECT orm.define_models('{
  "User": {"attributes": {"name": "STRING"},
           "associations": [{"hasMany": "Post", "as": "posts"}, {"belongsToMany": "Tag", "as": "tags"}]},
  "Post": {"attributes": {"title": "STRING"},
           "associations": [{"belongsTo": "User", "as": "author", "foreignKey": "UserId"}]},
  "Tag": {"attributes": {"label": "STRING"}, "options": {"schema": "other"}}
}') IS NOT NULL;
SELECT count(*) > 0 FROM orm.sync();
SQL
)

CATALOG_SQL="SELECT name, table_name, schema_name, relid::text, columns::text FROM orm.models ORDER BY name;
SELECT source, alias, function::text FROM orm.associations ORDER BY source, alias;
SELECT * FROM orm.drift();"

cleanup
mkdir -p "$tmp"

# --- set up ------------------------------------------------------------------------
if ! out=$(psql_q -d postgres -c "CREATE DATABASE $with_db" -c "CREATE DATABASE $without_db" 2>&1) ||
	! out=$(psql_q -d "$with_db" -c "$MODELS_SQL" 2>&1) ||
	! out=$(psql_q -d "$with_db" -c "$STREAM_SQL" 2>&1) ||
	! out=$(psql_q -d "$without_db" -c "$STREAM_SQL" 2>&1); then
	fail "set up the two databases" "$out"
	finish
fi
ok "set up $with_db (orm_models, 3 models synced) and $without_db (no extension)"

# the triggers are armed: a rename of a synced table is followed
out=$(psql_q -d "$with_db" -c 'ALTER TABLE public."Users" RENAME TO users_renamed' \
	-c "SELECT table_name FROM orm.models WHERE name = 'User'" \
	-c 'ALTER TABLE public.users_renamed RENAME TO "Users"' \
	-c "SELECT table_name FROM orm.models WHERE name = 'User'" 2>&1)
if [ "$out" = "users_renamed
Users" ]; then
	ok "the event triggers are armed in $with_db"
else
	fail "the event triggers are armed in $with_db" "$out"
fi
psql_q -d "$with_db" -c "$CATALOG_SQL" >"$tmp/catalog.before" 2>&1
psql_q -d "$without_db" -c "SELECT count(*) FROM pg_event_trigger" >"$tmp/without.triggers" 2>&1
if [ "$(cat "$tmp/without.triggers")" = 0 ]; then
	ok "$without_db has no event trigger"
else
	fail "$without_db has no event trigger" "$(cat "$tmp/without.triggers")"
fi

# --- the rounds ----------------------------------------------------------------------
# One psql session per database, kept open for all the rounds (through a
# pair of FIFOs): an untimed warm-up stream of the same size (loads the
# library, fills the caches),
# then per round one timed stream in each, back to back, alternating which
# goes first.  Each CALL prints the stream's milliseconds.
start_session()
{
	local which=$1 db=$2

	mkfifo "$tmp/$which.in" "$tmp/$which.out"
	psql -X -q -At -v ON_ERROR_STOP=1 -d "$db" <"$tmp/$which.in" >"$tmp/$which.out" 2>&1 &
}
start_session with "$with_db"
exec 3>"$tmp/with.in" 4<"$tmp/with.out"
start_session without "$without_db"
exec 5>"$tmp/without.in" 6<"$tmp/without.out"
# a session that ended on an error must not kill us when we write to it
trap '' PIPE

# stream WHICH N: runs the stream in that session, prints its milliseconds
# (or the error, and returns 1)
stream()
{
	local in out line

	if [ "$1" = with ]; then in=3 out=4; else in=5 out=6; fi
	echo "CALL public.ddl_stream($2);" >&"$in" || return 1
	if ! IFS= read -r -t 3600 line <&"$out"; then
		echo "(the session ended)"
		return 1
	fi
	echo "$line"
	[[ $line =~ ^[0-9]+(\.[0-9]+)?(e[-+]?[0-9]+)?$ ]] || {
		# an error: show what the session printed after it
		timeout 2 cat <&"$out" 2>/dev/null | head -n 10
		return 1
	}
}

errors=
: >"$tmp/with.ms"
: >"$tmp/without.ms"
echo "SET synchronous_commit = off;" >&3
echo "SET synchronous_commit = off;" >&5
for which in with without; do
	if ! out=$(stream "$which" "$n"); then
		errors="$errors
warm-up, $which: $out"
	fi
done
for r in $(seq 1 "$rounds"); do
	[ -z "$errors" ] || break
	if [ $((r % 2)) -eq 1 ]; then order="with without"; else order="without with"; fi
	for which in $order; do
		if out=$(stream "$which" "$n"); then
			echo "$out" >>"$tmp/$which.ms"
		else
			errors="$errors
round $r, $which: $out"
			break
		fi
	done
	if [ "$(wc -l <"$tmp/with.ms")" -eq "$r" ] && [ "$(wc -l <"$tmp/without.ms")" -eq "$r" ]; then
		printf 'round %d: with %8.1f ms, without %8.1f ms\n' "$r" \
			"$(tail -n 1 "$tmp/with.ms")" "$(tail -n 1 "$tmp/without.ms")"
	fi
done
exec 3>&- 5>&-
wait
exec 4<&- 6<&-
if [ -z "$errors" ]; then
	ok "$rounds rounds of $((3 * n)) statements in each database, no error"
else
	fail "$rounds rounds of $((3 * n)) statements in each database, no error" "$errors"
fi

# --- the catalog is untouched ---------------------------------------------------------
psql_q -d "$with_db" -c "$CATALOG_SQL" >"$tmp/catalog.after" 2>&1
if cmp -s "$tmp/catalog.before" "$tmp/catalog.after"; then
	ok "orm.models, orm.associations and orm.drift() untouched by the stream"
else
	fail "orm.models, orm.associations and orm.drift() untouched by the stream" \
		"$(diff "$tmp/catalog.before" "$tmp/catalog.after")"
fi
left=$(psql_q -d "$with_db" -c "SELECT count(*) FROM pg_class WHERE relname ~ '^t_[0-9]+$'" 2>&1)
left_b=$(psql_q -d "$without_db" -c "SELECT count(*) FROM pg_class WHERE relname ~ '^t_[0-9]+$'" 2>&1)
if [ "$left" = 0 ] && [ "$left_b" = 0 ]; then
	ok "no table of the stream left behind"
else
	fail "no table of the stream left behind" "with: $left, without: $left_b"
fi

# --- the ratio --------------------------------------------------------------------------
if [ -s "$tmp/with.ms" ] && [ -s "$tmp/without.ms" ]; then
	with_ms=$(median <"$tmp/with.ms")
	without_ms=$(median <"$tmp/without.ms")
	ratio_of_medians=$(awk -v a="$with_ms" -v b="$without_ms" 'BEGIN { printf "%.3f", a / b }')
	# each round's two streams ran back to back, under the same load: the
	# median of the rounds' ratios is what is judged
	ratio=$(paste "$tmp/with.ms" "$tmp/without.ms" | awk '{ printf "%.6f\n", $1 / $2 }' | median)
	ratio=$(awk -v r="$ratio" 'BEGIN { printf "%.3f", r }')
	per_stmt=$(awk -v a="$with_ms" -v b="$without_ms" -v n="$n" \
		'BEGIN { printf "%.1f", (a - b) * 1000 / (3 * n) }')
	printf 'DDL_N=%d, %d rounds, medians: with orm_models %.1f ms, without %.1f ms\n' \
		"$n" "$rounds" "$with_ms" "$without_ms"
	echo "ratio with/without: $ratio (median of the rounds' ratios; ratio of the medians $ratio_of_medians; ${per_stmt} us per statement)"
	if [ "$judge" = 1 ]; then
		if awk -v r="$ratio" -v m="$max_ratio" 'BEGIN { exit !(r <= m) }'; then
			ok "unrelated DDL with the extension at most ${max_ratio}x the time without ($ratio)"
		else
			fail "unrelated DDL with the extension at most ${max_ratio}x the time without ($ratio)"
		fi
	else
		echo "(ratio not judged at DDL_N=$n: run with DDL_N=2000 or more, or DDL_JUDGE=1)"
	fi
fi

finish
