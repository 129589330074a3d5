#!/usr/bin/env bash
#
# test/node_app/run.sh: the orm-models Node package (clients/node), tested
# with real Sequelize 6.37.8 and node-postgres, both pinned in the lock files.
#
#   1. clients/node: its own tests (node --test test/), the logic without a
#      server and the client against one (a scratch database);
#   2. import_cases.js: importModels on small model sets, each schema
#      compared with the one Sequelize's sync makes;
#   3. compare.js: the test app (models/, both Sequelize styles), imported,
#      synced, filled, and every call of queries.js through Sequelize and
#      through orm-models, results deep-equal; then types.js: `orm-models
#      types` from that database, and tsc --strict on a sample that must
#      compile and one that must not.
# Their counts add up to one "N passed, N failed" line; cases marked
# pending (an extension gap, or a TODO test) are listed and not counted.
#
# Usage: run.sh [-v] [unit|cases|app ...]   (default: all three)
#
# Environment: PGHOST, PGPORT, PGUSER (a superuser; orm_models installed on
# the server), PGPASSWORD if needed, PGDATABASE an existing database used to
# create and drop the others (test/run gives a fresh one).  node and npm in
# PATH; node_modules are installed with "npm ci --prefer-offline" from the
# lock files when missing or older than them.

set -uo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
pkg=$(cd "$here/../../clients/node" && pwd)
cd "$here" || exit 2

verbose=
parts=()
for arg in "$@"; do
	case $arg in
		-v) verbose=-v ;;
		unit|cases|app) parts+=("$arg") ;;
		*) echo "usage: run.sh [-v] [unit|cases|app ...]" >&2; exit 2 ;;
	esac
done
[ ${#parts[@]} -gt 0 ] || parts=(unit cases app)

: "${PGHOST:?PGHOST must be set}" "${PGPORT:?PGPORT must be set}" "${PGUSER:?PGUSER must be set}"
export PGHOST PGPORT PGUSER
admin_db=${PGDATABASE:-postgres}
unset PGDATABASE
export ORM_ADMIN_DB=$admin_db

db_seq=nodeapp_sequelize
db_orm=nodeapp_orm
work=$(mktemp -d "${TMPDIR:-/tmp}/node_app.XXXXXX")
passed=0
failed=0

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
	drop_db "$db_seq" >/dev/null 2>&1
	drop_db "$db_orm" >/dev/null 2>&1
	rm -rf "$work" "$here/out"
}
trap cleanup EXIT

# Adds "N passed, N failed" (the last such line of file $1) to the totals.
add_counts()
{
	local line
	line=$(grep -E '^[0-9]+ passed, [0-9]+ failed' "$1" | tail -n 1)
	if [[ $line =~ ^([0-9]+)\ passed,\ ([0-9]+)\ failed ]]; then
		passed=$((passed + BASH_REMATCH[1]))
		failed=$((failed + BASH_REMATCH[2]))
	else
		echo "FAILED $2: printed no \"N passed, N failed\" line"
		failed=$((failed + 1))
	fi
}

# npm ci in $1 when node_modules is missing or older than the lock file.
npm_ci()
{
	if [ ! -f "$1/node_modules/.package-lock.json" ] ||
		[ "$1/package-lock.json" -nt "$1/node_modules/.package-lock.json" ]; then
		(cd "$1" && npm ci --prefer-offline --no-audit --no-fund --loglevel=error) >"$work/npm.log" 2>&1 || {
			echo "FAILED setup: npm ci in $1"
			sed 's/^/  /' "$work/npm.log" | tail -n 20
			return 1
		}
	fi
}

if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
	echo "FAILED setup: node and npm are needed"
	echo "0 passed, 1 failed"
	exit 1
fi
if ! npm_ci "$pkg" || ! npm_ci "$here"; then
	echo "0 passed, 1 failed"
	exit 1
fi

for part in "${parts[@]}"; do
	case $part in
	unit)
		# node --test: TAP; "# pass N", "# fail N", "# todo N", "# skipped N"
		(cd "$pkg" && timeout 600 node --test --test-reporter=tap test/*.test.js) >"$work/unit.out" 2>&1
		grep -E '^not ok|# (TODO|SKIP)' "$work/unit.out" |
			sed 's/^/unit: /'
		if [ -n "$verbose" ] || grep -q '^not ok' "$work/unit.out"; then
			grep -B2 -A30 '^not ok' "$work/unit.out" | head -n 200
		fi
		p=$(sed -n 's/^# pass \([0-9]*\)$/\1/p' "$work/unit.out" | tail -n 1)
		f=$(sed -n 's/^# fail \([0-9]*\)$/\1/p' "$work/unit.out" | tail -n 1)
		if [ -z "$p" ] || [ -z "$f" ]; then
			echo "FAILED unit: node --test printed no summary"
			tail -n 30 "$work/unit.out"
			failed=$((failed + 1))
		else
			echo "unit: $p passed, $f failed"
			passed=$((passed + p))
			failed=$((failed + f))
		fi
		;;
	cases)
		timeout 900 node import_cases.js "$admin_db" $verbose 2>&1 | grep -v '^(sequelize) Warning\|^>> Check' | tee "$work/cases.out"
		add_counts "$work/cases.out" import_cases.js
		;;
	app)
		for db in "$db_seq" "$db_orm"; do
			{ drop_db "$db" && run_psql -d "$admin_db" -c "CREATE DATABASE \"$db\""; } >"$work/log" 2>&1 || {
				echo "FAILED setup: could not create database $db"
				failed=$((failed + 1))
				continue 2
			}
		done
		run_psql -d "$db_orm" -c "SET client_min_messages = warning" -c "CREATE EXTENSION orm_models" >"$work/log" 2>&1 || {
			echo "FAILED setup: CREATE EXTENSION orm_models"
			sed 's/^/  /' "$work/log"
			failed=$((failed + 1))
			continue
		}
		timeout 600 node compare.js "$db_seq" "$db_orm" $verbose 2>&1 | tee "$work/app.out"
		add_counts "$work/app.out" compare.js
		# orm-models types from the synced database, checked with tsc --strict
		timeout 600 node types.js "$db_orm" $verbose 2>&1 | tee "$work/types.out"
		add_counts "$work/types.out" types.js
		;;
	esac
done

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
