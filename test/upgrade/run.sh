#!/usr/bin/env bash
#
# test/upgrade/run.sh: orm_models 1.0 updated with ALTER EXTENSION ... UPDATE
# is exactly a fresh install of the default version, and the user's models,
# tables and rows come through untouched.
#
# Database A: CREATE EXTENSION orm_models VERSION '1.0'; models and
# associations defined and synced (models.sql of test/dump_restore: renamed
# tables and columns, every association kind), rows in them.  Then, in A:
#   - the catalog rows, every user table's rows (md5), drift() and a few
#     find_all results are recorded;
#   - ALTER EXTENSION orm_models UPDATE reaches the default version;
#   - the same records are equal afterwards;
#   - the extension's objects (functions with their definitions and
#     properties, tables with columns, constraints, indexes, triggers,
#     comments and privileges, event triggers, config tables, the schema)
#     are equal to those of database B, where the default version was
#     created fresh;
#   - define + sync + find of a new model work after the update.
# Each update step script of sql/ is checked to exist for every version the
# control file's default is reached from.
#
# Needs PGHOST, PGPORT, PGUSER (a superuser), as test/run sets them, and the
# extension installed.  Creates and drops databases upgrade_a, upgrade_b.
# Ends with "N passed, N failed"; exits non-zero on failure.
set -uo pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
tmp=$(mktemp -d)
db_a=upgrade_a
db_b=upgrade_b
# shellcheck source=test/lib/tally.sh
. "$here/../lib/tally.sh"

export PGCLIENTENCODING=UTF8
psql_q() { psql -X -q -At -v ON_ERROR_STOP=1 "$@"; }

drop_dbs()
{
	local db

	for db in "$db_a" "$db_b"; do
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

# check_same NAME FILE_A FILE_B
check_same()
{
	if cmp -s "$2" "$3"; then
		ok "$1"
	else
		fail "$1" "$(diff "$2" "$3" | head -n 40)"
	fi
}

default=$(sed -n "s/^default_version[[:space:]]*=[[:space:]]*'\([^']*\)'.*/\1/p" "$root/orm_models.control")
[ -n "$default" ] || { fail "default_version in orm_models.control"; finish; }
if [ -f "$root/sql/orm_models--1.0--$default.sql" ] || [ "$default" = 1.0 ]; then
	ok "an update script from 1.0 to $default"
else
	fail "an update script from 1.0 to $default" "sql/orm_models--1.0--$default.sql is missing"
fi

drop_dbs
psql_q -d postgres -c "CREATE DATABASE $db_a" -c "CREATE DATABASE $db_b" >/dev/null || { fail "create databases"; finish; }

# The user's side: models, tables, rows, made under 1.0.
# models.sql creates the extension itself: at 1.0 here
sed "s/^CREATE EXTENSION orm_models;/CREATE EXTENSION orm_models VERSION '1.0';/" \
	"$root/test/dump_restore/models.sql" >"$tmp/models.sql"
if grep -q "VERSION '1.0'" "$tmp/models.sql" &&
	psql_q -d "$db_a" -f "$tmp/models.sql" >"$tmp/models.out" 2>&1; then
	ok "1.0 installed, models defined and synced, rows written"
else
	fail "1.0 installed, models defined and synced, rows written" "$(tail -n 20 "$tmp/models.out")"
	finish
fi

# What must not change: the catalog, the rows, drift, the find results.
user_state()
{
	psql_q -d "$db_a" <<'SQL'
SELECT 'model', name, table_name, schema_name, attributes::text, options::text,
       owner::text, relid::text, columns::text FROM orm.models ORDER BY name;
SELECT 'association', source, alias, kind, target, options::text, position,
       owner::text, function::text FROM orm.associations ORDER BY source, alias;
SELECT 'table', c.oid::regclass::text, c.relfilenode,
       (xpath('/row/c/text()', query_to_xml(format('SELECT md5(string_agg(t::text, '','' ORDER BY t::text)) AS c FROM %s t', c.oid::regclass), false, true, '')))[1]::text
  FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
 WHERE c.relkind = 'r' AND n.nspname NOT IN ('pg_catalog', 'information_schema', 'orm')
 ORDER BY 2;
SELECT 'drift', model, problem, detail FROM orm.drift() ORDER BY 2, 3, 4;
SELECT 'find', m.name, orm.find_all(m.name, '{"include": [{"all": true}]}')::text
  FROM orm.models m WHERE m.relid IS NOT NULL ORDER BY m.name;
SQL
}

user_state >"$tmp/before" 2>&1
if psql_q -d "$db_a" -c "ALTER EXTENSION orm_models UPDATE" >"$tmp/update.out" 2>&1; then
	ok "ALTER EXTENSION orm_models UPDATE"
else
	fail "ALTER EXTENSION orm_models UPDATE" "$(cat "$tmp/update.out")"
fi
version=$(psql_q -d "$db_a" -c "SELECT extversion FROM pg_extension WHERE extname = 'orm_models'")
if [ "$version" = "$default" ]; then
	ok "updated to the default version $default"
else
	fail "updated to the default version $default" "extversion is '$version'"
fi
user_state >"$tmp/after" 2>&1
check_same "models, associations, tables, rows, drift and find results unchanged by the update" \
	"$tmp/before" "$tmp/after"

psql_q -d "$db_b" -c "CREATE EXTENSION orm_models" >/dev/null || fail "fresh CREATE EXTENSION in $db_b"

# Everything the extension owns, described so that two databases compare.
extension_objects()
{
	psql_q -d "$1" <<'SQL'
WITH ext AS (SELECT oid FROM pg_extension WHERE extname = 'orm_models'),
members AS (
	SELECT d.classid, d.objid FROM pg_depend d, ext
	 WHERE d.refclassid = 'pg_extension'::regclass AND d.refobjid = ext.oid AND d.deptype = 'e')
SELECT 'member', pg_describe_object(classid, objid, 0) FROM members
UNION ALL
SELECT 'function', p.oid::regprocedure::text || ' ' || pg_get_functiondef(p.oid) || ' acl=' || coalesce(p.proacl::text, '')
  FROM members m JOIN pg_proc p ON m.classid = 'pg_proc'::regclass AND p.oid = m.objid
 WHERE p.prokind <> 'a'
UNION ALL
SELECT 'comment', pg_describe_object(d.classoid, d.objoid, d.objsubid) || ': ' || d.description
  FROM pg_description d JOIN members m ON m.classid = d.classoid AND m.objid = d.objoid
UNION ALL
SELECT 'column', a.attrelid::regclass::text || '.' || a.attname || ' ' || format_type(a.atttypid, a.atttypmod)
       || CASE WHEN a.attnotnull THEN ' not null' ELSE '' END
       || coalesce(' default ' || pg_get_expr(ad.adbin, ad.adrelid), '')
       || ' #' || a.attnum
  FROM members m JOIN pg_class c ON m.classid = 'pg_class'::regclass AND c.oid = m.objid
  JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
  LEFT JOIN pg_attrdef ad ON ad.adrelid = a.attrelid AND ad.adnum = a.attnum
UNION ALL
SELECT 'constraint', con.conrelid::regclass::text || ' ' || con.conname || ' ' || pg_get_constraintdef(con.oid)
  FROM members m JOIN pg_constraint con ON m.classid = 'pg_class'::regclass AND con.conrelid = m.objid
UNION ALL
SELECT 'index', pg_get_indexdef(i.indexrelid)
  FROM members m JOIN pg_index i ON m.classid = 'pg_class'::regclass AND i.indrelid = m.objid
UNION ALL
SELECT 'trigger', pg_get_triggerdef(t.oid)
  FROM members m JOIN pg_trigger t ON m.classid = 'pg_class'::regclass AND t.tgrelid = m.objid
 WHERE NOT t.tgisinternal
UNION ALL
SELECT 'relation', c.oid::regclass::text || ' kind=' || c.relkind::text || ' acl=' || coalesce(c.relacl::text, '')
  FROM members m JOIN pg_class c ON m.classid = 'pg_class'::regclass AND c.oid = m.objid
UNION ALL
SELECT 'event trigger', e.evtname || ' ' || e.evtevent || ' ' || e.evtfoid::regproc::text || ' '
       || coalesce(e.evttags::text, '') || ' ' || e.evtenabled::text
  FROM members m JOIN pg_event_trigger e ON m.classid = 'pg_event_trigger'::regclass AND e.oid = m.objid
UNION ALL
SELECT 'schema', n.nspname || ' acl=' || coalesce(n.nspacl::text, '')
  FROM members m JOIN pg_namespace n ON m.classid = 'pg_namespace'::regclass AND n.oid = m.objid
UNION ALL
SELECT 'type', t.oid::regtype::text || ' ' || t.typtype::text
  FROM members m JOIN pg_type t ON m.classid = 'pg_type'::regclass AND t.oid = m.objid
UNION ALL
SELECT 'config', (SELECT string_agg(x::regclass::text, ',' ORDER BY x::regclass::text)
                    FROM unnest(e.extconfig) x) || ' ' || coalesce(e.extcondition::text, '')
  FROM pg_extension e WHERE e.extname = 'orm_models'
ORDER BY 1, 2;
SQL
}

extension_objects "$db_a" >"$tmp/updated" 2>&1
extension_objects "$db_b" >"$tmp/fresh" 2>&1
if [ -s "$tmp/fresh" ] && ! grep -q ERROR "$tmp/fresh"; then
	ok "the extension's objects described ($(wc -l <"$tmp/fresh") lines)"
else
	fail "the extension's objects described" "$(head -n 5 "$tmp/fresh")"
fi
check_same "1.0 updated to $default has exactly the objects of a fresh $default" "$tmp/fresh" "$tmp/updated"

# The updated extension works: a new model, synced and read.
if out=$(psql_q -d "$db_a" 2>&1 <<'SQL'
SELECT orm.define('Upgraded', '{"name": "TEXT"}') IS NOT NULL;
SELECT count(*) > 0 FROM orm.sync('{"models": ["Upgraded"]}');
INSERT INTO "Upgradeds" (name) VALUES ('after');
SELECT orm.find_all('Upgraded', '{"attributes": ["name"]}');
SQL
); then
	case $out in
	*'[{"name":"after"}]'*) ok "define, sync and find_all after the update" ;;
	*) fail "define, sync and find_all after the update" "$out" ;;
	esac
else
	fail "define, sync and find_all after the update" "$out"
fi

finish
