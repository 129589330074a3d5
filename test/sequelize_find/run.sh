#!/usr/bin/env bash
#
# test/sequelize_find/run.sh: differential test of eager loading, orm_models'
# orm.find_all / find_one / find_by_pk / count against real Sequelize 6's
# findAll / findOne / findByPk / count, on the same models and the same data.
#
#   1. database seqfind_sequelize: Sequelize defines models.json and runs
#      sync({force: true});
#   2. the data set (gen_data.js: plain SQL INSERTs, deterministic) is loaded
#      into it;
#   3. database seqfind_orm: CREATE EXTENSION orm_models, orm.define_models
#      (models.json), orm.sync('{"force": true}'), the same data;
#   4. compare.js runs every query of queries.json through both and compares
#      the results (see compare.js for the normalizations, and
#      known_differences.json for what orm_models does differently on
#      purpose).
# Both databases are dropped afterwards.  One line per query, "ok NAME" or
# "FAILED NAME" followed by the differences, then "N passed, N failed";
# exit status 1 if anything failed.
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

db_seq=seqfind_sequelize
db_orm=seqfind_orm
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
		drop_db "$db_seq" >/dev/null 2>&1
		drop_db "$db_orm" >/dev/null 2>&1
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

node gen_data.js >"$work/data.sql" 2>"$work/log" || fail_setup "gen_data.js failed"

for db in "$db_seq" "$db_orm"; do
	{ drop_db "$db" && run_psql -d "$admin_db" -c "CREATE DATABASE \"$db\""; } \
		>"$work/log" 2>&1 || fail_setup "could not create database $db"
done

# 1-2: Sequelize's schema, then the data.
node -e '
	const { Sequelize } = require("sequelize");
	const { buildModels } = require("./sequelize_models");
	const s = new Sequelize(process.argv[1], process.env.PGUSER, process.env.PGPASSWORD || null, {
		dialect: "postgres", host: process.env.PGHOST, port: Number(process.env.PGPORT), logging: false });
	buildModels(s, require("./models.json"));
	s.sync({ force: true }).then(() => s.close(), e => { console.error(e.message); process.exit(1); });
' "$db_seq" >"$work/log" 2>&1 || fail_setup "Sequelize sync failed"
run_psql -d "$db_seq" -f "$work/data.sql" >"$work/log" 2>&1 ||
	fail_setup "loading the data into the Sequelize database failed"

# 3: orm_models' schema, then the same data.
run_psql -d "$db_orm" -v "models=$(cat models.json)" >"$work/log" 2>&1 <<-'SQL' ||
	SET client_min_messages = warning;
	CREATE EXTENSION orm_models;
	SELECT orm.define_models(:'models') \g /dev/null
	SELECT * FROM orm.sync('{"force": true}') \g /dev/null
SQL
	fail_setup "orm_models define_models/sync failed"
run_psql -d "$db_orm" -f "$work/data.sql" >"$work/log" 2>&1 ||
	fail_setup "loading the data into the orm_models database failed"

# 4: the queries.
timeout 300 node compare.js "$db_seq" "$db_orm" "${args[@]}"
status=$?
if [ "$status" -eq 124 ]; then
	echo "FAILED compare.js: timed out"
	echo "0 passed, 1 failed"
fi
[ "$status" -eq 0 ] || exit 1
exit 0
