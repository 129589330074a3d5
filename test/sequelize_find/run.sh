#!/usr/bin/env bash
#
# test/sequelize_find/run.sh: differential test of eager loading, orm_models'
# orm.find_all / find_one / find_by_pk / count against real Sequelize 6's
# findAll / findOne / findByPk / count, on the same models and the same data.
# Two model sets: this directory's (models.json, gen_data.js, queries.json,
# known_differences.json) and app/'s (shaped like real applications'
# models/ folders); for each:
#
#   1. database seqfind[_app]_sequelize: Sequelize defines models.json and runs
#      sync({force: true});
#   2. the data set (gen_data.js: plain SQL INSERTs, deterministic) is loaded
#      into it;
#   3. database seqfind[_app]_orm: CREATE EXTENSION orm_models, orm.define_models
#      (models.json), orm.sync('{"force": true}'), the same data;
#   4. compare.js runs every query of queries.json through both and compares
#      the results (see compare.js for the normalizations, and
#      known_differences.json for what orm_models does differently on
#      purpose).
# The databases are dropped afterwards.  One line per query, "ok NAME" or
# "FAILED NAME" followed by the differences, "N passed, N failed" per set,
# then the totals in the same form; exit status 1 if anything failed.
#
# Usage: run.sh [-v] [--show] [--keep] [QUERY ...]
#   -v      with each failure, also the SQL both sides ran
#   --show  print both results of every query
#   --keep  do not drop the databases afterwards
#
# Environment: PGHOST, PGPORT, PGUSER (a superuser; the server has
# orm_models installed), PGPASSWORD if needed, PGDATABASE an existing
# database used to create and drop the others (default postgres).  node and
# npm in PATH; node_modules is installed with "npm ci" when missing.

set -uo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
cd "$here" || exit 2

args=()
keep=
for arg in "$@"; do
	case $arg in
		--keep) keep=1 ;;
		-v|--show) args+=("$arg") ;;
		-*) echo "usage: run.sh [-v] [--show] [--keep] [QUERY ...]" >&2; exit 2 ;;
		*) args+=("$arg") ;;
	esac
done

: "${PGHOST:?PGHOST must be set}" "${PGPORT:?PGPORT must be set}" "${PGUSER:?PGUSER must be set}"
export PGHOST PGPORT PGUSER
admin_db=${PGDATABASE:-postgres}
unset PGDATABASE

dbs=()
work=$(mktemp -d "${TMPDIR:-/tmp}/sequelize_find.XXXXXX")

run_psql()
{
	psql -X -q -v ON_ERROR_STOP=1 "$@"
}

drop_db()
{
	run_psql -d "$admin_db" -c "SET client_min_messages = warning" \
		-c "DROP DATABASE IF EXISTS \"$1\" WITH (FORCE)"
}

cleanup()
{
	if [ -z "$keep" ]; then
		for db in "${dbs[@]}"; do
			drop_db "$db" >/dev/null 2>&1
		done
	fi
	rm -rf "$work"
}
trap cleanup EXIT

# The whole test fails as one: setup did not get as far as the queries.
fail_setup()
{
	echo "FAILED setup: $1"
	if [ -s "$work/log" ]; then
		tail -n 30 "$work/log" | sed 's/^/  /'
	fi
	echo "0 passed, 1 failed"
	exit 1
}

command -v node >/dev/null || fail_setup "node is not installed"
if [ ! -d node_modules/sequelize ] || [ ! -d node_modules/pg ]; then
	command -v npm >/dev/null || fail_setup "npm is not installed"
	npm ci --no-audit --no-fund >"$work/log" 2>&1 || fail_setup "npm ci failed"
fi

# One model set: its directory (models.json, gen_data.js, queries.json) and
# the prefix of its two databases.  Prints compare.js's lines; adds its
# counts to the totals.
passed=0
failed=0
run_set()
{
	local dir=$1 prefix=$2 status line

	db_seq=${prefix}_sequelize
	db_orm=${prefix}_orm
	dbs+=("$db_seq" "$db_orm")
	if ! run_set_setup "$dir"; then
		failed=$((failed + 1))
		return
	fi
	timeout 300 node compare.js "$db_seq" "$db_orm" --set "$dir" "${args[@]}" | tee "$work/compare.out"
	status=${PIPESTATUS[0]}
	if [ "$status" -eq 124 ]; then
		echo "FAILED compare.js ($dir): timed out"
	fi
	line=$(grep -E '^[0-9]+ passed, [0-9]+ failed$' "$work/compare.out" | tail -n 1)
	if [[ $line =~ ^([0-9]+)\ passed,\ ([0-9]+)\ failed$ ]]; then
		passed=$((passed + BASH_REMATCH[1]))
		failed=$((failed + BASH_REMATCH[2]))
		[ "$status" -eq 0 ] || [ "${BASH_REMATCH[2]}" -gt 0 ] || failed=$((failed + 1))
	else
		failed=$((failed + 1))
	fi
}

# Steps 1-3 for one model set; prints why and returns 1 when one fails.
run_set_setup()
{
	local dir=$1

	setup_error() { echo "FAILED setup ($dir): $1"; [ -s "$work/log" ] && tail -n 30 "$work/log" | sed 's/^/  /'; return 1; }
	node "$dir/gen_data.js" >"$work/data.sql" 2>"$work/log" || { setup_error "gen_data.js failed"; return 1; }
	for db in "$db_seq" "$db_orm"; do
		{ drop_db "$db" && run_psql -d "$admin_db" -c "CREATE DATABASE \"$db\""; } \
			>"$work/log" 2>&1 || { setup_error "could not create database $db"; return 1; }
	done

	# 1-2: Sequelize's schema, then the data.
	node -e '
		const { Sequelize } = require("sequelize");
		const { buildModels } = require("./sequelize_models");
		const s = new Sequelize(process.argv[1], process.env.PGUSER, process.env.PGPASSWORD || null, {
			dialect: "postgres", host: process.env.PGHOST, port: Number(process.env.PGPORT), logging: false });
		buildModels(s, require(require("path").resolve(process.argv[2], "models.json")));
		s.sync({ force: true }).then(() => s.close(), e => { console.error(e.message); process.exit(1); });
	' "$db_seq" "$dir" >"$work/log" 2>&1 || { setup_error "Sequelize sync failed"; return 1; }
	run_psql -d "$db_seq" -f "$work/data.sql" >"$work/log" 2>&1 ||
		{ setup_error "loading the data into the Sequelize database failed"; return 1; }

	# 3: orm_models' schema, then the same data.
	run_psql -d "$db_orm" -v "models=$(cat "$dir/models.json")" >"$work/log" 2>&1 <<-'SQL' ||
		SET client_min_messages = warning;
		CREATE EXTENSION orm_models;
		SELECT orm.define_models(:'models') \g /dev/null
		SELECT * FROM orm.sync('{"force": true}') \g /dev/null
	SQL
		{ setup_error "orm_models define_models/sync failed"; return 1; }
	run_psql -d "$db_orm" -f "$work/data.sql" >"$work/log" 2>&1 ||
		{ setup_error "loading the data into the orm_models database failed"; return 1; }
}

# 4: the queries, of each set.
run_set . seqfind
run_set app seqfind_app
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
