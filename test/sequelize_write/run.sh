#!/usr/bin/env bash
#
# test/sequelize_write/run.sh: differential test of the write functions,
# orm_models' orm.create / bulk_create / update / increment / decrement /
# destroy / restore / upsert against real Sequelize 6's Model.create (with
# include) / bulkCreate / update / increment / decrement / destroy /
# restore / upsert, on the same models (models.json) and the same data:
#
#   1. database seqwrite_sequelize: Sequelize defines models.json and runs
#      sync({force: true});
#   2. database seqwrite_orm: CREATE EXTENSION orm_models,
#      orm.define_models(models.json), orm.sync('{"force": true}');
#   3. compare.js runs every step through both and compares what each
#      returned and every table's contents after the step (see compare.js
#      for the normalizations and the known, deliberate differences).
#
# The databases are dropped afterwards.  One line per step, then
# "N passed, N failed"; exit status 1 if anything failed.
#
# Usage: run.sh [--show] [--keep]
# Environment: PGHOST, PGPORT, PGUSER (a superuser; orm_models installed),
# PGDATABASE an existing database (default postgres).  node and npm in
# PATH; node_modules is installed with "npm ci" when missing.
set -uo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
cd "$here" || exit 2
keep=
args=()
for arg in "$@"; do
	case $arg in
		--keep) keep=1 ;;
		--show) args+=("$arg") ;;
		*) echo "usage: run.sh [--show] [--keep]" >&2; exit 2 ;;
	esac
done

: "${PGHOST:?PGHOST must be set}" "${PGPORT:?PGPORT must be set}" "${PGUSER:?PGUSER must be set}"
export PGHOST PGPORT PGUSER
admin_db=${PGDATABASE:-postgres}
unset PGDATABASE
db_seq=seqwrite_sequelize
db_orm=seqwrite_orm
work=$(mktemp -d "${TMPDIR:-/tmp}/sequelize_write.XXXXXX")

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

fail_setup()
{
	echo "FAILED setup: $1"
	[ -s "$work/log" ] && tail -n 30 "$work/log" | sed 's/^/  /'
	echo "0 passed, 1 failed"
	exit 1
}

command -v node >/dev/null || fail_setup "node is not installed"
if [ ! -d node_modules/sequelize ] || [ ! -d node_modules/pg ]; then
	command -v npm >/dev/null || fail_setup "npm is not installed"
	npm ci --no-audit --no-fund >"$work/log" 2>&1 || fail_setup "npm ci failed"
fi
# compare.js builds the Sequelize models with test/sequelize_find's helper
for db in "$db_seq" "$db_orm"; do
	{ drop_db "$db" && run_psql -d "$admin_db" -c "CREATE DATABASE \"$db\""; } \
		>"$work/log" 2>&1 || fail_setup "could not create database $db"
done
NODE_PATH="$here/node_modules" node -e '
	const { Sequelize } = require("sequelize");
	const { buildModels } = require("../sequelize_find/sequelize_models");
	const s = new Sequelize(process.argv[1], process.env.PGUSER, process.env.PGPASSWORD || null, {
		dialect: "postgres", host: process.env.PGHOST, port: Number(process.env.PGPORT), logging: false });
	buildModels(s, require("./models.json"));
	s.sync({ force: true }).then(() => s.close(), e => { console.error(e.message); process.exit(1); });
' "$db_seq" >"$work/log" 2>&1 || fail_setup "Sequelize sync failed"
run_psql -d "$db_orm" -v "models=$(cat models.json)" >"$work/log" 2>&1 <<-'SQL' ||
	SET client_min_messages = warning;
	CREATE EXTENSION orm_models;
	SELECT orm.define_models(:'models') \g /dev/null
	SELECT * FROM orm.sync('{"force": true}') \g /dev/null
SQL
	fail_setup "orm_models define_models/sync failed"
NODE_PATH="$here/node_modules" timeout 300 node compare.js "$db_seq" "$db_orm" "${args[@]}"
