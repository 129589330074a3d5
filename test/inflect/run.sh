#!/bin/sh
# test/inflect/run.sh: differential test of orm.pluralize and
# orm.singularize against npm inflection@1.13.4, the inflector Sequelize 6
# uses.  Generates some tens of thousands of words, sends them all to the
# server in one query, and compares every answer with the library's.
#
# Connects with the usual PGHOST, PGPORT, PGUSER, PGDATABASE; creates the
# extension there if it is missing.  Needs node and npm (runs "npm ci"
# once, offline if the npm cache has inflection).  Prints up to 20
# mismatches and ends with "N passed, N failed"; exits non-zero on any
# failure.
set -eu

here=$(cd "$(dirname "$0")" && pwd)
cd "$here"

if [ ! -d node_modules/inflection ]; then
	npm ci --no-audit --no-fund --loglevel=error >&2
fi

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM

export PGCLIENTENCODING=UTF8
psql="psql -X -q -At -v ON_ERROR_STOP=1"

encoding=$($psql -c 'SHOW server_encoding')
if [ "$encoding" = UTF8 ]; then
	node gen_words.js >"$tmp/words.json"
else
	node gen_words.js --ascii-only >"$tmp/words.json"
fi

# psql runs the backquoted cat in $tmp; the words reach the server as one
# jsonb literal and come back as one JSON array, in order.
(cd "$tmp" && $psql) >"$tmp/actual.json" <<'SQL'
SET client_min_messages = warning;
CREATE EXTENSION IF NOT EXISTS orm_models;
\set words `cat words.json`
SELECT pg_catalog.json_agg(pg_catalog.json_build_array(w, orm.pluralize(w), orm.singularize(w)) ORDER BY n)
  FROM pg_catalog.jsonb_array_elements_text(:'words'::jsonb) WITH ORDINALITY AS t(w, n);
SQL

node compare.js "$tmp/words.json" "$tmp/actual.json"
