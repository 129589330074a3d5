#!/usr/bin/env bash
#
# test/sequelize_schema/run.sh: differential test of the schema orm_models
# creates against the one real Sequelize 6 creates from the same models.
#
# For each cases/*.json (a document in orm.define_models' format) it makes
# two fresh databases, seq_<case> and orm_<case>; runs Sequelize's
# sync({force: true}) into the first (sequelize_sync.js) and
#   CREATE EXTENSION orm_models; SELECT orm.define_models(<case>);
#   SELECT * FROM orm.sync('{"force": true}');
# in the second; describes both with describe.sql and compares them
# (compare.js).  Differences are allowed only where allowed_differences.json
# says so.  Then orm_models' drift() runs over the tables Sequelize made, the
# same models defined there, and may report only what those differences
# explain (compare.js --drift): its comparison of defaults, keys and
# indexes agrees with Sequelize's DDL.  Both databases are dropped afterwards.  One line per case,
# "ok <case>" or "FAILED <case>" and the differences, then
# "N passed, N failed"; exit status 1 if anything failed.
#
# Usage: run.sh [-v] [--show] [--sequelize-only] [CASE ...]
#   CASE              a case name (cases/CASE.json) or file; default: all
#   -v                also print the allowed differences
#   --show            print both schema descriptions
#   --sequelize-only  only the Sequelize half: print its description and
#                     the SQL it ran (for checking the cases themselves)
#
# Environment: PGHOST, PGPORT, PGUSER (a superuser; the server has
# orm_models installed), PGPASSWORD if needed, PGDATABASE an existing
# database used to create and drop the others (default postgres).  node and
# npm in PATH; node_modules is installed with "npm ci" when missing.

set -uo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
cd "$here" || exit 2

verbose=
show=
seq_only=
cases=()
for arg in "$@"; do
	case $arg in
		-v) verbose=--verbose ;;
		--show) show=1 ;;
		--sequelize-only) seq_only=1 ;;
		-*) echo "usage: run.sh [-v] [--show] [--sequelize-only] [CASE ...]" >&2; exit 2 ;;
		*.json) cases+=("$arg") ;;
		*) cases+=("cases/$arg.json") ;;
	esac
done
if [ ${#cases[@]} -eq 0 ]; then
	cases=(cases/*.json)
fi

: "${PGHOST:?PGHOST must be set}" "${PGPORT:?PGPORT must be set}" "${PGUSER:?PGUSER must be set}"
export PGHOST PGPORT PGUSER
admin_db=${PGDATABASE:-postgres}
unset PGDATABASE

passed=0
failed=0
work=$(mktemp -d "${TMPDIR:-/tmp}/sequelize_schema.XXXXXX")
trap 'rm -rf "$work"' EXIT

# psql, quiet, stopping at the first error, no psqlrc.
run_psql()
{
	psql -X -q -v ON_ERROR_STOP=1 "$@"
}

# Every case fails the same way: used when the tools are missing.
fail_all()
{
	echo "FAILED setup: $*"
	echo "0 passed, ${#cases[@]} failed"
	exit 1
}

# Install sequelize and pg from package-lock.json unless already there.
install_node_modules()
{
	command -v node >/dev/null || fail_all "node is not installed"
	if [ ! -d node_modules/sequelize ] || [ ! -d node_modules/pg ]; then
		command -v npm >/dev/null || fail_all "npm is not installed"
		if ! npm ci --no-audit --no-fund >"$work/npm.log" 2>&1; then
			sed 's/^/  /' "$work/npm.log" | tail -n 20
			fail_all "npm ci failed"
		fi
	fi
}

# Drop a database if it exists.
drop_db()
{
	run_psql -d "$admin_db" -c "SET client_min_messages = warning" \
		-c "DROP DATABASE IF EXISTS \"$1\" WITH (FORCE)"
}

# Make an empty database, dropping an old one of that name.
fresh_db()
{
	drop_db "$1" && run_psql -d "$admin_db" -c "CREATE DATABASE \"$1\""
}

# The schema description of a database (describe.sql) into a file.
describe_db()
{
	run_psql -At -d "$1" -f describe.sql >"$2"
}

# The orm_models half: define the case's models and sync them.
orm_sync()
{
	local db=$1 file=$2

	run_psql -d "$db" -v "models=$(cat "$file")" <<-'SQL'
		SET client_min_messages = warning;
		CREATE EXTENSION orm_models;
		SELECT orm.define_models(:'models') \g /dev/null
		SELECT * FROM orm.sync('{"force": true}') \g /dev/null
	SQL
}

# orm.drift() in the database Sequelize made, with the case's models
# defined there (nothing synced): its rows as JSON.
seq_drift()
{
	local db=$1 file=$2

	run_psql -At -d "$db" -v "models=$(cat "$file")" <<-'SQL'
		SET client_min_messages = warning;
		CREATE EXTENSION orm_models;
		SELECT orm.define_models(:'models') \g /dev/null
		SELECT COALESCE(pg_catalog.json_agg(pg_catalog.json_build_object(
			'table', COALESCE(m.table_name, d.model), 'problem', d.problem,
			'detail', d.detail)), '[]')
		FROM orm.drift() d LEFT JOIN orm.models m ON m.name = d.model;
	SQL
}

# Run one case; print its result line(s); return 1 if it failed.
run_case()
{
	local file=$1 name db_seq db_orm problems=

	name=$(basename "$file" .json)
	db_seq=seq_$(printf '%s' "$name" | tr -c 'A-Za-z0-9_' '_')
	db_orm=orm_$(printf '%s' "$name" | tr -c 'A-Za-z0-9_' '_')
	: >"$work/out"
	: >"$work/diff"

	if [ ! -f "$file" ]; then
		echo "FAILED $name"
		echo "  no such case file: $file"
		return 1
	fi

	if ! fresh_db "$db_seq" >>"$work/out" 2>&1 ||
		! timeout 300 node sequelize_sync.js "$file" "$db_seq" --meta "$work/meta.json" \
			${seq_only:+--sql} >"$work/seq.log" 2>&1 ||
		! describe_db "$db_seq" "$work/seq.json" 2>>"$work/out"; then
		problems="Sequelize sync failed"
		cat "$work/seq.log" >>"$work/out" 2>/dev/null
	fi

	if [ -n "$seq_only" ]; then
		drop_db "$db_seq" >/dev/null 2>&1
		if [ -n "$problems" ]; then
			echo "FAILED $name"
			echo "  $problems"
			sed 's/^/  /' "$work/out"
			return 1
		fi
		echo "ok $name (Sequelize only)"
		grep -E '^(CREATE|ALTER|COMMENT|DO)' "$work/seq.log" | sed 's/^/  sql: /'
		node compare.js --print "$work/seq.json" | sed 's/^/  /'
		return 0
	fi

	if [ -z "$problems" ]; then
		if ! fresh_db "$db_orm" >>"$work/out" 2>&1 ||
			! orm_sync "$db_orm" "$file" >>"$work/out" 2>&1 ||
			! describe_db "$db_orm" "$work/orm.json" 2>>"$work/out"; then
			problems="orm_models define_models/sync failed"
		fi
	fi

	if [ -z "$problems" ]; then
		if [ -n "$show" ]; then
			echo "-- $name: Sequelize"
			node compare.js --print "$work/seq.json" | sed 's/^/  /'
			echo "-- $name: orm_models"
			node compare.js --print "$work/orm.json" | sed 's/^/  /'
		fi
		node compare.js "$work/seq.json" "$work/orm.json" "$work/meta.json" \
			allowed_differences.json $verbose >"$work/diff" 2>&1
		case $? in
			0) ;;
			1) problems="schemas differ" ;;
			*) problems="compare.js failed" ;;
		esac
	fi

	# drift() over Sequelize's own tables: every default compares equal, ...
	if [ -z "$problems" ]; then
		if ! seq_drift "$db_seq" "$file" >"$work/drift.json" 2>>"$work/out"; then
			problems="orm_models define_models on Sequelize's tables failed"
		else
			node compare.js --drift "$work/drift.json" "$work/meta.json" $verbose \
				>>"$work/diff" 2>&1
			case $? in
				0) ;;
				1) problems="schemas differ" ;;
				*) problems="compare.js failed" ;;
			esac
		fi
	fi

	drop_db "$db_seq" >/dev/null 2>&1
	drop_db "$db_orm" >/dev/null 2>&1

	if [ -n "$problems" ]; then
		echo "FAILED $name"
		if [ "$problems" = "schemas differ" ]; then
			cat "$work/diff"
		else
			echo "  $problems"
			sed 's/^/  /' "$work/out" "$work/diff"
		fi
		return 1
	fi
	echo "ok $name"
	cat "$work/diff"
	return 0
}

# The CHECKs made from "validate" against Sequelize's own validation
# (validate_agreement.js): one check per sample value, added to the counts.
run_agreement()
{
	local db=val_agreement line

	if ! run_psql -d "$admin_db" -c "SET client_min_messages = warning" \
			-c "DROP DATABASE IF EXISTS $db WITH (FORCE)" \
			-c "CREATE DATABASE $db TEMPLATE template0 ENCODING 'UTF8' LC_COLLATE 'C' LC_CTYPE 'C'" \
			>"$work/agree.log" 2>&1; then
		echo "FAILED validate agreement: could not create $db"
		sed 's/^/  /' "$work/agree.log"
		failed=$((failed + 1))
		return
	fi
	PGDATABASE=$db timeout 300 node validate_agreement.js validate/samples.json "$db" \
		>"$work/agree.log" 2>&1
	if [ -n "$verbose" ]; then
		grep -v '^agreement:' "$work/agree.log"
	else
		grep -v -e '^ok ' -e '^agreement:' "$work/agree.log"
	fi
	line=$(grep -E '^agreement: [0-9]+ passed, [0-9]+ failed' "$work/agree.log" | tail -n 1)
	if [[ $line =~ ([0-9]+)\ passed,\ ([0-9]+)\ failed ]]; then
		echo "ok validate agreement: ${BASH_REMATCH[1]} values agree, ${BASH_REMATCH[2]} do not"
		passed=$((passed + BASH_REMATCH[1]))
		failed=$((failed + BASH_REMATCH[2]))
	else
		echo "FAILED validate agreement: no result"
		failed=$((failed + 1))
	fi
	drop_db "$db" >/dev/null 2>&1
}

install_node_modules
for file in "${cases[@]}"; do
	if run_case "$file"; then
		passed=$((passed + 1))
	else
		failed=$((failed + 1))
	fi
done
if [ -z "$seq_only" ]; then
	run_agreement
fi
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
