#!/usr/bin/env bash
#
# test/privileges/run.sh: ownership, privileges, row-level security,
# injection and search_path hijacking.
#
# Roles (created here, dropped on exit): alice and bob (ordinary LOGIN
# roles), carol (a member of alice), dave (a NOINHERIT member of alice).
#
#   - alice defines and syncs models in schema "app" (she has CREATE on it);
#     bob cannot redefine, undefine, associate onto or sync them (42501),
#     nor write orm.models / orm.associations directly (42501), nor claim
#     alice's table with a model of his own and drop or alter it;
#   - carol (member of alice) can change alice's models; dave (NOINHERIT)
#     only after SET ROLE alice; the superuser can;
#   - find_* read with the caller's rights: without SELECT, 42501; with row
#     level security, only the permitted rows, in includes too, also when
#     one session switches roles (cached plans);
#   - hostile names and values in bob's own models (model, table, schema,
#     attribute, field, default, comment, enum value, unique and index
#     names, index where, alias, foreign key, through, where values, json
#     paths) never run SQL: as bob, as alice reading bob's models, nor as
#     the superuser.  Canary tables that an injection would drop, and tables
#     it would create, prove it;
#   - search_path hijack: bob makes a schema of look-alike functions,
#     operators and types (now(), =, json_agg, row_to_json, text, json...)
#     that RAISE, and pg_temp look-alike types; puts them first; define,
#     sync, find_* behave exactly as with a clean search_path and never call
#     them; nothing synced depends on them.
#
# Connects with PGHOST/PGPORT/PGUSER (a superuser)/PGDATABASE, creates the
# extension.  Ends with "N passed, N failed"; exits non-zero on failure.

set -uo pipefail
cd "$(dirname "$0")" || exit 1
unset PGOPTIONS PGSERVICE PGSERVICEFILE PGTARGETSESSIONATTRS

SUPER=${PGUSER:-postgres}
DB=${PGDATABASE:?PGDATABASE must be set}
ROLES=(alice bob carol dave)
# shellcheck source=test/lib/tally.sh
. "$(dirname "${BASH_SOURCE[0]}")/../lib/tally.sh"
declare -A states=()
t0=$(date +%s)
log_start=0
if [ -n "${ORM_PGLOG:-}" ] && [ -f "$ORM_PGLOG" ]; then
	log_start=$(stat -c %s "$ORM_PGLOG")
fi


drop_roles()
{
	local r
	for r in "${ROLES[@]}"; do
		psql -X -q -At -U "$SUPER" -d "$DB" -c "SET client_min_messages = warning" \
			-c "DO \$\$ BEGIN IF EXISTS (SELECT FROM pg_roles WHERE rolname = '$r') THEN
				EXECUTE 'DROP OWNED BY $r CASCADE'; EXECUTE 'DROP ROLE $r'; END IF; END \$\$" >/dev/null 2>&1
	done
}

cleanup()
{
	local rc=$?
	trap - EXIT INT TERM
	[ -n "${tmp_err:-}" ] && rm -f -- "$tmp_err"
	[ -n "${PRIV_KEEP:-}" ] && exit "$rc"   # debugging: leave everything in place
	psql -X -q -At -U "$SUPER" -d "$DB" -c "SET client_min_messages = warning" \
		-c "DROP SCHEMA IF EXISTS app, bobs, evil CASCADE" -c "DROP TABLE IF EXISTS public.canary" >/dev/null 2>&1
	drop_roles
	exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

finish()
{
	local k
	if [ -n "${ORM_PGLOG:-}" ] && [ -f "$ORM_PGLOG" ]; then
		if grep -qE 'terminated by signal|PANIC' < <(tail -c +"$((log_start + 1))" "$ORM_PGLOG"); then
			fail "server log: a backend crashed"
			tail -c +"$((log_start + 1))" "$ORM_PGLOG" | grep -E -B2 -A2 'terminated by signal|PANIC' | head -n 20
		else
			pass "server log: no crash"
		fi
	fi
	printf -- '-- SQLSTATEs seen:'
	for k in $(printf '%s\n' "${!states[@]}" | sort); do
		printf ' %s=%s' "$k" "${states[$k]}"
	done
	printf '\n-- privileges test took %d s\n' "$(($(date +%s) - t0))"
	printf '%d passed, %d failed\n' "$passed" "$failed"
	[ "$failed" -eq 0 ] && exit 0
	exit 1
}

die()
{
	fail "$*"
	finish
}

# run ROLE SQL [psql -v args...]: runs SQL (a script, on stdin) as ROLE;
# sets out (the output, errors included) and st (the SQLSTATE of the last
# statement: 00000 on success, empty when the connection was lost).
out=
st=
run()
{
	local role=$1 sql=$2
	shift 2
	# the last statement must be terminated before \echo runs
	sql=$(printf '%s' "$sql" | sed -e ':a' -e '/^[[:space:]]*$/{$d;N;ba' -e '}')
	case $sql in *\;) ;; *) sql="$sql;" ;; esac
	out=$(printf '%s\n\\echo @@SQLSTATE=:SQLSTATE\n' "$sql" |
		psql -X -q -At -U "$role" -d "$DB" -v VERBOSITY=default "$@" 2>&1)
	st=$(printf '%s\n' "$out" | sed -n 's/^@@SQLSTATE=//p' | tail -n 1)
	out=$(printf '%s\n' "$out" | grep -v '^@@SQLSTATE=')
	states[${st:-lost}]=$((${states[${st:-lost}]:-0} + 1))
}

# expect ROLE STATES LABEL SQL [psql args]: STATES an extended regexp.
expect()
{
	local role=$1 want=$2 label=$3 sql=$4
	shift 4
	run "$role" "$sql" "$@"
	if [[ $st =~ ^($want)$ ]]; then
		pass "$label ($role: $st)"
	else
		fail "$label ($role): expected $want, got '${st:-lost}': $(printf '%s' "$out" | grep -E 'ERROR|FATAL|closed|hijack' | head -n 3 | tr '\n' ' ')"
	fi
}

# expect_out ROLE LABEL SQL EXPECTED [psql args]
expect_out()
{
	local role=$1 label=$2 sql=$3 want=$4
	shift 4
	run "$role" "$sql" "$@"
	if [ "$st" = 00000 ] && [ "$out" = "$want" ]; then
		pass "$label ($role)"
	else
		fail "$label ($role): status '${st:-lost}', got '$(printf '%s' "$out" | head -c 400)', expected '$want'"
	fi
}

setup()
{
	printf '%s\n' "$1" | psql -X -q -At -U "${2:-$SUPER}" -d "$DB" -v ON_ERROR_STOP=1 >/dev/null 2>"$tmp_err" ||
		die "setup as ${2:-$SUPER} failed: $(head -n 5 "$tmp_err")"
}
tmp_err=$(mktemp)

# ------------------------------------------------------------------ setup

drop_roles
setup "
SET client_min_messages = warning;
DROP EXTENSION IF EXISTS orm_models CASCADE;
CREATE EXTENSION orm_models;
DROP SCHEMA IF EXISTS app, bobs, evil CASCADE;
DROP TABLE IF EXISTS public.canary;
CREATE ROLE alice LOGIN;
CREATE ROLE bob LOGIN;
CREATE ROLE carol LOGIN IN ROLE alice;
CREATE ROLE dave LOGIN NOINHERIT IN ROLE alice;
CREATE SCHEMA app;
GRANT USAGE, CREATE ON SCHEMA app TO alice;
GRANT USAGE ON SCHEMA app TO bob;
CREATE SCHEMA bobs AUTHORIZATION bob;
GRANT CREATE ON DATABASE \"$DB\" TO bob;  -- bob may create schemas (hostile ones too)
CREATE TABLE public.canary (x int);
INSERT INTO public.canary VALUES (1);
GRANT SELECT ON public.canary TO PUBLIC;
"
setup "
CREATE TABLE app.canary (x int);
SELECT orm.define_models('{
  \"User\": {
    \"attributes\": {\"name\": {\"type\": \"STRING\", \"allowNull\": false}, \"secret\": \"TEXT\"},
    \"options\": {\"schema\": \"app\"},
    \"associations\": [{\"hasMany\": \"Post\", \"as\": \"posts\", \"foreignKey\": \"userId\"}]
  },
  \"Post\": {
    \"attributes\": {\"title\": \"STRING\",
                   \"published\": {\"type\": \"BOOLEAN\", \"allowNull\": false, \"defaultValue\": false},
                   \"userId\": {\"type\": \"INTEGER\", \"allowNull\": false}},
    \"options\": {\"schema\": \"app\"},
    \"associations\": [{\"belongsTo\": \"User\", \"as\": \"author\", \"foreignKey\": \"userId\"}]
  },
  \"Scratch\": {\"attributes\": {\"v\": \"TEXT\"}, \"options\": {\"schema\": \"app\", \"timestamps\": false}}
}');
SELECT count(*) FROM orm.sync('{\"models\": [\"User\", \"Post\", \"Scratch\"]}');
INSERT INTO app.\"Users\" (id, name, secret) OVERRIDING SYSTEM VALUE
  VALUES (1, 'a1', 's1'), (2, 'a2', 's2'), (3, 'a3', 's3');
INSERT INTO app.\"Posts\" (id, title, published, \"userId\") OVERRIDING SYSTEM VALUE
  VALUES (1, 'p1', true, 1), (2, 'p2', false, 1), (3, 'p3', true, 2), (4, 'p4', false, 2),
         (5, 'p5', true, 3), (6, 'p6', false, 3), (7, 'p7', true, 1);
ALTER TABLE app.\"Posts\" ENABLE ROW LEVEL SECURITY;
CREATE POLICY bob_published ON app.\"Posts\" FOR SELECT TO bob USING (published);
ALTER TABLE app.\"Users\" ENABLE ROW LEVEL SECURITY;
CREATE POLICY bob_not_a3 ON app.\"Users\" FOR SELECT TO bob USING (name <> 'a3');
" alice

expect_out "$SUPER" "alice owns her models" \
	"SELECT string_agg(name || ':' || owner::text, ',' ORDER BY name) FROM orm.models" \
	"Post:alice,Scratch:alice,User:alice"
expect_out "$SUPER" "alice owns her tables" \
	"SELECT string_agg(relname || ':' || pg_get_userbyid(relowner), ',' ORDER BY relname) FROM pg_class WHERE relnamespace = 'app'::regnamespace AND relkind = 'r'" \
	"Posts:alice,Scratches:alice,Users:alice,canary:alice"

users_cols="SELECT string_agg(attname || ' ' || format_type(atttypid, atttypmod), ', ' ORDER BY attnum) FROM pg_attribute WHERE attrelid = 'app.\"Users\"'::regclass AND attnum > 0 AND NOT attisdropped"
run "$SUPER" "$users_cols"
users_cols_before=$out
catalog_snapshot="SELECT md5(string_agg(m::text, '|' ORDER BY name)) FROM orm.models m"
assoc_snapshot="SELECT md5(string_agg(a::text, '|' ORDER BY source, alias)) FROM orm.associations a"
run "$SUPER" "$catalog_snapshot"
snap_models=$out
run "$SUPER" "$assoc_snapshot"
snap_assoc=$out

# ------------------------------------------- bob cannot change alice's models

expect bob 42501 "bob cannot redefine alice's model" \
	"SELECT orm.define('User', '{\"name\": \"TEXT\"}', '{\"schema\": \"app\"}')"
expect bob 42501 "bob cannot redefine alice's model identically" \
	"SELECT orm.define('Scratch', '{\"v\": \"TEXT\"}', '{\"schema\": \"app\", \"timestamps\": false}')"
expect bob 42501 "bob cannot undefine alice's model" "SELECT orm.undefine('User')"
expect bob 42501 "bob cannot define_models over alice's model" \
	"SELECT orm.define_models('{\"BobNew\": {\"attributes\": {\"x\": \"TEXT\"}}, \"User\": {\"attributes\": {\"x\": \"TEXT\"}}}')"
expect_out bob "define_models is all or nothing (BobNew not left behind)" \
	"SELECT count(*) FROM orm.models WHERE name = 'BobNew'" 0
expect bob 00000 "bob defines a model of his own" \
	"SELECT orm.define('BobThing', '{\"label\": \"TEXT\", \"userId\": \"INTEGER\", \"postId\": \"INTEGER\"}', '{\"schema\": \"bobs\"}') IS NOT NULL"
expect bob 42501 "bob cannot associate from alice's model" \
	"SELECT orm.associate('User', 'hasMany', 'BobThing', '{\"as\": \"bobThings\", \"foreignKey\": \"userId\"}')"
expect bob 42501 "bob cannot associate onto alice's model (hasMany: a key in her table)" \
	"SELECT orm.associate('BobThing', 'hasMany', 'Post', '{\"as\": \"posts\", \"foreignKey\": \"bobThingId\"}')"
expect bob 42501 "bob cannot associate onto alice's model (hasOne)" \
	"SELECT orm.associate('BobThing', 'hasOne', 'User', '{\"as\": \"user\", \"foreignKey\": \"bobThingId\"}')"
expect bob 42501 "bob cannot associate onto alice's model (hasMany, reusing her column)" \
	"SELECT orm.associate('BobThing', 'hasMany', 'Post', '{\"as\": \"posts2\", \"foreignKey\": \"userId\"}')"
expect bob '00000|42501' "bob associates belongsTo alice's model (key in his own table)" \
	"SELECT orm.associate('BobThing', 'belongsTo', 'User', '{\"as\": \"user\", \"foreignKey\": \"userId\"}') IS NOT NULL"
expect bob 42501 "bob cannot sync alice's model" "SELECT * FROM orm.sync('{\"models\": [\"User\"]}')"
expect bob 42501 "bob cannot sync alice's model (force)" "SELECT * FROM orm.sync('{\"models\": [\"Post\"], \"force\": true}')"
expect bob 42501 "bob cannot sync alice's model (alter)" "SELECT * FROM orm.sync('{\"models\": [\"User\"], \"alter\": true}')"
expect bob 42501 "bob cannot sync everything (alice's models among them)" "SELECT * FROM orm.sync('{\"force\": true}')"
# bob's own sync: the belongsTo needs REFERENCES on alice's table
run bob "SELECT count(*) FROM orm.sync('{\"models\": [\"BobThing\"]}')"
if [ "$st" = 42501 ] || [ "$st" = 00000 ]; then
	pass "bob syncs his own model (with a belongsTo alice's model: $st, REFERENCES not granted)"
else
	fail "bob syncs his own model: '$st': $out"
fi
expect bob 00000 "bob undefines his own model" "SELECT orm.undefine('BobThing')"

# bob claims alice's table with a model of his own
expect bob '00000|42710|42501' "bob defines a model on alice's table name" \
	"SELECT orm.define('Claim', '{\"name\": \"TEXT\", \"extra\": \"TEXT\"}', '{\"schema\": \"app\", \"tableName\": \"Users\"}') IS NOT NULL"
[ "$st" = 00000 ] || printf "note   a model on another model's table is refused at define: %s\n" "$st"
expect bob '42501|42704'  "bob cannot drop alice's table through his model (force)" \
	"SELECT * FROM orm.sync('{\"models\": [\"Claim\"], \"force\": true}')"
expect bob '42501|42P17|42P07|0A000|42704' "bob cannot alter alice's table through his model" \
	"SELECT * FROM orm.sync('{\"models\": [\"Claim\"], \"alter\": true}')"
run bob "SELECT * FROM orm.sync('{\"models\": [\"Claim\"]}')"
case $st in
00000 | 42501 | 42P17 | 42P07 | 42704) pass "bob's sync of a model on alice's table: $st" ;;
*) fail "bob's sync of a model on alice's table: '$st': $out" ;;
esac
expect bob '00000|42704' "bob undefines his claim" "SELECT orm.undefine('Claim')"
run "$SUPER" "$users_cols"
[ "$out" = "$users_cols_before" ] && pass "alice's table unchanged by bob" || fail "alice's table changed: $out"
expect_out "$SUPER" "alice's table still hers, with her rows" \
	"SELECT pg_get_userbyid(relowner) || ':' || (SELECT count(*) FROM app.\"Users\") FROM pg_class WHERE oid = 'app.\"Users\"'::regclass" "alice:3"

# direct writes of the catalog
for t in orm.models orm.associations; do
	expect bob 42501 "bob cannot DELETE FROM $t" "DELETE FROM $t"
	expect bob 42501 "bob cannot UPDATE $t" "UPDATE $t SET owner = 'bob'"
	expect bob 42501 "bob cannot TRUNCATE $t" "TRUNCATE $t CASCADE"
done
expect bob 42501 "bob cannot INSERT INTO orm.models" \
	"INSERT INTO orm.models (name, table_name, schema_name, attributes, owner) VALUES ('Injected', 'x', 'bobs', '{}', 'bob')"
expect bob 42501 "bob cannot INSERT INTO orm.associations" \
	"INSERT INTO orm.associations (source, alias, kind, target, position, owner) VALUES ('User', 'x', 'hasMany', 'Post', 99, 'bob')"
expect bob 42501 "bob cannot ALTER orm.models" "ALTER TABLE orm.models DISABLE TRIGGER ALL"
expect bob 42501 "bob cannot replace orm.find_all" \
	"CREATE OR REPLACE FUNCTION orm.find_all(model text, query jsonb DEFAULT '{}') RETURNS json LANGUAGE sql AS 'SELECT NULL::json'"
expect bob 42501 "bob cannot create in schema orm" "CREATE TABLE orm.x (y int)"
expect alice 42501 "alice cannot write the catalog directly" "UPDATE orm.models SET attributes = '{}' WHERE name = 'User'"

run "$SUPER" "$catalog_snapshot"
[ "$out" = "$snap_models" ] && pass "orm.models unchanged by bob" || fail "orm.models changed by bob's attempts"
run "$SUPER" "$assoc_snapshot"
[ "$out" = "$snap_assoc" ] && pass "orm.associations unchanged by bob" || fail "orm.associations changed by bob's attempts"

# ---------------------------------- members of alice, and the superuser

expect carol 00000 "carol (member of alice) redefines alice's model" \
	"SELECT orm.define('User', '{\"name\": {\"type\": \"STRING\", \"allowNull\": false}, \"secret\": \"TEXT\", \"nick\": \"TEXT\"}', '{\"schema\": \"app\"}') IS NOT NULL"
expect carol 00000 "carol syncs alice's model (alter)" "SELECT count(*) FROM orm.sync('{\"models\": [\"User\"], \"alter\": true}')"
expect_out "$SUPER" "the model stays alice's" "SELECT owner::text FROM orm.models WHERE name = 'User'" alice
expect_out "$SUPER" "carol's sync added the column" \
	"SELECT count(*) FROM pg_attribute WHERE attrelid = 'app.\"Users\"'::regclass AND attname = 'nick'" 1
expect carol 00000 "carol associates from alice's model" \
	"SELECT orm.associate('User', 'hasMany', 'Scratch', '{\"as\": \"scratches\", \"constraints\": false}') IS NOT NULL"
expect dave 42501 "dave (NOINHERIT member) cannot change alice's model without SET ROLE" "SELECT orm.undefine('Scratch')"
expect dave 00000 "dave can after SET ROLE alice" "SET ROLE alice; SELECT orm.define('Scratch', '{\"v\": \"TEXT\", \"w\": \"TEXT\"}', '{\"schema\": \"app\", \"timestamps\": false}') IS NOT NULL"
expect carol 00000 "carol undefines alice's model" "SELECT orm.undefine('Scratch')"
expect_out "$SUPER" "undefine took the association from User along" "SELECT count(*) FROM orm.associations WHERE target = 'Scratch' OR source = 'Scratch'" 0
expect "$SUPER" 00000 "the superuser redefines alice's model" \
	"SELECT orm.define('User', '{\"name\": {\"type\": \"STRING\", \"allowNull\": false}, \"secret\": \"TEXT\", \"nick\": \"TEXT\"}', '{\"schema\": \"app\"}') IS NOT NULL"
expect_out "$SUPER" "the model stays alice's after the superuser's redefinition" "SELECT owner::text FROM orm.models WHERE name = 'User'" alice
expect bob 42501 "bob still cannot redefine it" \
	"SELECT orm.define('User', '{\"name\": \"TEXT\"}', '{\"schema\": \"app\"}')"
expect alice 00000 "alice syncs again (drift empty)" "SELECT count(*) FROM orm.sync('{\"models\": [\"User\", \"Post\"], \"alter\": true}')"
expect_out alice "drift() empty for alice's models" "SELECT count(*) FROM orm.drift() WHERE model IN ('User', 'Post')" 0

# ------------------------------------------------- find_* and table privileges

for q in "SELECT orm.find_all('User')" "SELECT orm.find_one('User')" "SELECT orm.find_by_pk('User', 1)" \
	"SELECT orm.count('User')" "SELECT count(*) FROM orm.find_all_rows('User')" \
	"SELECT orm.find_all('Post', '{\"include\": [\"author\"]}')"; do
	expect bob 42501 "no SELECT: $q" "$q"
done
setup "GRANT SELECT ON app.\"Users\" TO bob;" alice
expect bob 42501 "SELECT on Users only: include posts" "SELECT orm.find_all('User', '{\"include\": [\"posts\"]}')"
expect bob 42501 "SELECT on Users only: required include posts in count" \
	"SELECT orm.count('User', '{\"include\": [{\"association\": \"posts\", \"required\": true}]}')"
expect bob 42501 "SELECT on Users only: find_by_pk with posts" "SELECT orm.find_by_pk('User', 1, '{\"include\": [\"posts\"]}')"
setup "GRANT SELECT ON app.\"Posts\" TO bob;" alice

# RLS: bob sees users a1, a2 and published posts only
expect_out bob "RLS: find_all(User) as bob" "SELECT json_agg(x->>'name') FROM json_array_elements(orm.find_all('User', '{\"order\": [\"id\"]}')) x" '["a1", "a2"]'
expect_out bob "RLS: count(User) as bob" "SELECT orm.count('User')" 2
expect_out bob "RLS: count(Post) as bob" "SELECT orm.count('Post')" 4
expect_out bob "RLS: find_by_pk of a hidden user is NULL" "SELECT orm.find_by_pk('User', 3) IS NULL" t
expect_out bob "RLS: find_by_pk of a hidden post is NULL" "SELECT orm.find_by_pk('Post', 2) IS NULL" t
expect_out bob "RLS: include posts shows published posts only" \
	"SELECT string_agg((u->>'name') || ':' || (SELECT coalesce(string_agg(p->>'title', ',' ORDER BY p->>'title'), '') FROM json_array_elements(u->'posts') p), ' ' ORDER BY u->>'name') FROM json_array_elements(orm.find_all('User', '{\"include\": [\"posts\"]}')) u" \
	"a1:p1,p7 a2:p3"
expect_out bob "RLS: belongsTo include of a hidden user is null" \
	"SELECT string_agg((p->>'title') || ':' || coalesce(p->'author'->>'name', 'null'), ' ' ORDER BY p->>'title') FROM json_array_elements(orm.find_all('Post', '{\"include\": [\"author\"]}')) p" \
	"p1:a1 p3:a2 p5:null p7:a1"
expect_out bob "RLS: required include counts permitted children only" \
	"SELECT orm.count('User', '{\"include\": [{\"association\": \"posts\", \"where\": {\"title\": \"p2\"}}]}')" 0
expect_out bob "RLS: find_all_rows" "SELECT count(*) FROM orm.find_all_rows('Post', '{\"include\": [\"author\"]}')" 4
expect_out bob "RLS: relationship function" "SELECT count(*) FROM app.\"Users\" u, LATERAL app.posts(u) p" 3
expect_out alice "alice (owner) sees everything" \
	"SELECT orm.count('Post') || ',' || json_array_length(orm.find_all('User', '{\"include\": [\"posts\"]}'))" "7,3"

# one session, switching roles: the cached plans must not leak rows
expect_out "$SUPER" "one session: alice, bob, alice, bob" "
SET ROLE alice; SELECT orm.count('Post'); SELECT json_array_length(orm.find_all('Post', '{\"include\": [\"author\"]}'));
RESET ROLE; SET ROLE bob; SELECT orm.count('Post'); SELECT json_array_length(orm.find_all('Post', '{\"include\": [\"author\"]}'));
RESET ROLE; SET ROLE alice; SELECT json_array_length(orm.find_all('Post', '{\"include\": [\"author\"]}'));
RESET ROLE; SET ROLE bob; SELECT json_array_length(orm.find_all('Post', '{\"include\": [\"author\"]}')); SELECT orm.find_by_pk('User', 3) IS NULL;" \
	"$(printf '7\n7\n4\n4\n7\n4\nt')"
expect_out "$SUPER" "one session: bob first, then alice" "
SET ROLE bob; SELECT json_array_length(orm.find_all('User', '{\"include\": [\"posts\"]}'));
RESET ROLE; SET ROLE alice; SELECT json_array_length(orm.find_all('User', '{\"include\": [\"posts\"]}'));
SELECT orm.find_by_pk('User', 3) IS NULL;" "$(printf '2\n3\nf')"
run "$SUPER" "
SET ROLE bob; SELECT orm.count('Post');
RESET ROLE; REVOKE SELECT ON app.\"Posts\" FROM bob;
SET ROLE bob; SELECT orm.count('Post');"
[ "$st" = 42501 ] && pass "one session: privilege revoked after a cached plan: 42501" ||
	fail "one session: after REVOKE, bob's cached count: '$st' $out"
setup "GRANT SELECT ON app.\"Posts\" TO bob;" alice
# FORCE ROW LEVEL SECURITY binds alice too; a SECURITY DEFINER function reads as alice
setup "
CREATE FUNCTION app.alice_count() RETURNS bigint LANGUAGE sql SECURITY DEFINER SET search_path = pg_catalog, pg_temp
  AS \$\$ SELECT orm.count('Post') \$\$;
GRANT EXECUTE ON FUNCTION app.alice_count() TO bob;" alice
expect_out bob "a SECURITY DEFINER function of alice's reads with her rights" \
	"SELECT app.alice_count() || ',' || orm.count('Post')" "7,4"

# ------------------------------------------------------ hostile names (bob)

PAYLOADS=(
	'a";CREATE TABLE bobs.pwned();DROP TABLE bobs.canary;--'
	"a');CREATE TABLE bobs.pwned();DROP TABLE bobs.canary;--"
	'a$$;CREATE TABLE bobs.pwned();DROP TABLE bobs.canary;--'
	"a\\');CREATE TABLE bobs.pwned();DROP TABLE bobs.canary;--"
	'a";CREATE TABLE app.pwned();DROP TABLE app.canary;--'
	'a'"'"';CREATE TABLE public.pwned();DROP TABLE public.canary;--'
	'x)) OR 1=1; CREATE TABLE bobs.pwned(); --'
)
setup "CREATE TABLE bobs.canary (x int); GRANT SELECT ON bobs.canary TO PUBLIC;" bob
clean_states='00000|42703|42809|42804|22023|22P02|22P04|42P17|42622|42704|42710|42P07|42723|0A000|42501|23505|23502|42P16|42701|22001'
hostile_models=()
hostile()
{
	local label=$1 sql=$2
	shift 2
	run bob "$sql" "$@"
	if [[ $st =~ ^($clean_states)$ ]]; then
		pass "hostile $label: $st"
	else
		fail "hostile $label: '${st:-lost}': $(printf '%s' "$out" | grep -E 'ERROR|FATAL|closed|hijack' | head -n 3 | tr '\n' ' ')"
	fi
}
i=0
for P in "${PAYLOADS[@]}"; do
	i=$((i + 1))
	V=(-v "P=$P" -v "i=$i")
	hostile "model name #$i" "SELECT orm.define(:'P', '{\"v\": \"TEXT\"}', '{\"schema\": \"bobs\", \"freezeTableName\": true}') IS NOT NULL" "${V[@]}"
	[ "$st" = 00000 ] && hostile_models+=("$P")
	hostile "tableName #$i" "SELECT orm.define('TN$i', '{\"v\": \"TEXT\"}', jsonb_build_object('schema', 'bobs', 'tableName', :'P')) IS NOT NULL" "${V[@]}"
	[ "$st" = 00000 ] && hostile_models+=("TN$i")
	hostile "attribute and field #$i" "SELECT orm.define('AT$i', json_build_object(:'P', 'TEXT', 'f', json_build_object('type', 'INTEGER', 'field', :'P' || 'f', 'unique', true)), '{\"schema\": \"bobs\"}') IS NOT NULL" "${V[@]}"
	[ "$st" = 00000 ] && hostile_models+=("AT$i")
	hostile "default and comments #$i" "SELECT orm.define('DV$i', json_build_object('v', json_build_object('type', 'TEXT', 'defaultValue', :'P', 'comment', :'P'), 'j', json_build_object('type', 'JSONB', 'defaultValue', json_build_object(:'P', :'P'))), jsonb_build_object('schema', 'bobs', 'comment', :'P')) IS NOT NULL" "${V[@]}"
	[ "$st" = 00000 ] && hostile_models+=("DV$i")
	hostile "enum values #$i" "SELECT orm.define('EN$i', json_build_object('v', json_build_object('type', 'ENUM', 'values', json_build_array(:'P', 'b'), 'defaultValue', :'P')), '{\"schema\": \"bobs\"}') IS NOT NULL" "${V[@]}"
	[ "$st" = 00000 ] && hostile_models+=("EN$i")
	hostile "unique and index names, index where #$i" "SELECT orm.define('UQ$i', json_build_object('v', json_build_object('type', 'TEXT', 'unique', :'P'), 'w', json_build_object('type', 'TEXT', 'unique', :'P')), jsonb_build_object('schema', 'bobs', 'indexes', jsonb_build_array(jsonb_build_object('fields', jsonb_build_array('v'), 'name', 'i' || :'P', 'where', jsonb_build_object('w', :'P')), jsonb_build_object('fields', jsonb_build_array('w'), 'where', jsonb_build_object('v', jsonb_build_object('\$like', :'P')))))) IS NOT NULL" "${V[@]}"
	[ "$st" = 00000 ] && hostile_models+=("UQ$i")
	hostile "schema name #$i" "SELECT orm.define('SC$i', '{\"v\": \"TEXT\"}', jsonb_build_object('schema', 's' || :'P')) IS NOT NULL" "${V[@]}"
	[ "$st" = 00000 ] && hostile_models+=("SC$i")
	hostile "type #$i" "SELECT orm.define('TY$i', json_build_object('v', 'TEXT' || :'P'), '{\"schema\": \"bobs\"}')" "${V[@]}"
	hostile "type in ARRAY() #$i" "SELECT orm.define('TY$i', json_build_object('v', 'ARRAY(' || :'P' || ')'), '{\"schema\": \"bobs\"}')" "${V[@]}"
	hostile "references #$i" "SELECT orm.define('RF$i', json_build_object('v', json_build_object('type', 'INTEGER', 'references', json_build_object('model', :'P', 'key', :'P'))), '{\"schema\": \"bobs\"}')" "${V[@]}"
	# associations
	hostile "association models #$i" "SELECT orm.define_models('{\"AS$i\": {\"attributes\": {\"v\": \"TEXT\"}, \"options\": {\"schema\": \"bobs\"}}, \"AT${i}x\": {\"attributes\": {\"v\": \"TEXT\"}, \"options\": {\"schema\": \"bobs\"}}}') IS NOT NULL" "${V[@]}"
	if [ "$st" = 00000 ]; then
		hostile_models+=("AS$i" "AT${i}x")
		hostile "alias #$i" "SELECT orm.associate('AS$i', 'hasMany', 'AT${i}x', jsonb_build_object('as', :'P', 'foreignKey', 'k')) IS NOT NULL" "${V[@]}"
		hostile "foreign key #$i" "SELECT orm.associate('AT${i}x', 'belongsTo', 'AS$i', jsonb_build_object('as', 'owner', 'foreignKey', :'P')) IS NOT NULL" "${V[@]}"
		hostile "through #$i" "SELECT orm.associate('AS$i', 'belongsToMany', 'AT${i}x', jsonb_build_object('as', 'others', 'through', 'j' || :'P')) IS NOT NULL" "${V[@]}"
		hostile "belongsToMany keys #$i" "SELECT orm.associate('AT${i}x', 'belongsToMany', 'AS$i', jsonb_build_object('as', 'others', 'through', 'j' || :'P', 'foreignKey', 'f' || :'P', 'otherKey', 'o' || :'P')) IS NOT NULL" "${V[@]}"
	fi
done
printf -- '-- %d hostile models defined\n' "${#hostile_models[@]}"

# sync each of them (with their associations' targets) as bob
run bob "SELECT string_agg(DISTINCT name, E'\\n') FROM orm.models WHERE owner = 'bob'::regrole"
mapfile -t bob_models <<<"$out"
synced=0
for m in "${bob_models[@]}"; do
	[ -n "$m" ] || continue
	run bob "SELECT count(*) FROM orm.sync(jsonb_build_object('models', (SELECT jsonb_agg(DISTINCT x) FROM (SELECT :'m' x UNION SELECT target FROM orm.associations WHERE source = :'m' UNION SELECT source FROM orm.associations WHERE target = :'m') s)))" -v "m=$m"
	if [ "$st" = 00000 ]; then
		synced=$((synced + 1))
	elif [[ $st =~ ^(42601|XX000|42P01|42883)$ ]] || [ -z "$st" ]; then
		fail "sync of hostile model $(printf %q "$m"): $st: $(printf '%s' "$out" | grep ERROR | head -n 2)"
	else
		printf 'note   sync of hostile model %q: %s %s\n' "$m" "$st" "$(printf '%s' "$out" | grep ERROR | head -n 1)"
	fi
done
[ "$synced" -gt 0 ] && pass "bob synced $synced hostile models" || fail "no hostile model could be synced"

# rows, then every find_* as bob, as alice (bob lets her read), as the superuser
setup "
GRANT USAGE ON SCHEMA bobs TO alice;
DO \$\$ DECLARE r record; BEGIN
  FOR r IN SELECT relid FROM orm.models WHERE owner = 'bob'::regrole AND relid IS NOT NULL LOOP
    BEGIN
      EXECUTE format('INSERT INTO %s DEFAULT VALUES', r.relid);
      EXECUTE format('INSERT INTO %s DEFAULT VALUES', r.relid);
    EXCEPTION WHEN others THEN NULL;
    END;
    EXECUTE format('GRANT SELECT ON %s TO alice', r.relid);
  END LOOP;
END \$\$;" bob
i=0
for P in "${PAYLOADS[@]}"; do
	i=$((i + 1))
	psql -X -q -U bob -d "$DB" -v "s=s$P" -c "SELECT 1" \
		-f <(printf '%s\n' "GRANT USAGE ON SCHEMA :\"s\" TO alice;") >/dev/null 2>&1
done
# try_all ROLE LABEL QUERIES-SQL-ARRAY ARGS-SQL: runs every query (text, $1
# bound to each row of ARGS-SQL) in one session, each in its own
# subtransaction; fails on any SQLSTATE outside $try_ok.
try_ok='00000|42501|42P01|22023|42809|42703|22P02|42804|42704|22007|22008|0A000|42P17|42622'
try_all()
{
	local role=$1 label=$2 queries=$3 args=$4
	shift 4
	run "$role" "
SET client_min_messages = warning;
CREATE TEMP TABLE try_res (arg text, q text, st text, msg text);
CREATE TEMP TABLE try_args AS $args;
DO \$try\$ DECLARE r record; q text; BEGIN
  FOR r IN SELECT arg FROM try_args LOOP
    FOREACH q IN ARRAY $queries LOOP
      BEGIN
        EXECUTE q USING r.arg;
        INSERT INTO try_res VALUES (r.arg, q, '00000', NULL);
      EXCEPTION WHEN OTHERS THEN
        INSERT INTO try_res VALUES (r.arg, q, SQLSTATE, SQLERRM);
      END;
    END LOOP;
  END LOOP;
END \$try\$;
SELECT 'states', string_agg(st || '=' || n, ' ' ORDER BY st) FROM (SELECT st, count(*) n FROM try_res GROUP BY st) s;
SELECT 'bad', st, left(q, 120), left(arg, 70), left(msg, 200) FROM try_res WHERE st !~ '^($try_ok)\$' LIMIT 6;
SELECT 'total', count(*), count(*) FILTER (WHERE st !~ '^($try_ok)\$') FROM try_res;" "$@"
	local total nbad
	total=$(printf '%s\n' "$out" | awk -F'|' '$1 == "total" { print $2 }')
	nbad=$(printf '%s\n' "$out" | awk -F'|' '$1 == "total" { print $3 }')
	printf -- '-- %s (%s): %s\n' "$label" "$role" "$(printf '%s\n' "$out" | awk -F'|' '$1 == "states" { print $2 }')"
	if [ "$st" = 00000 ] && [ -n "$total" ] && [ "$nbad" = 0 ]; then
		pass "$label ($role): $total calls, all clean"
	else
		fail "$label ($role): status '${st:-lost}', ${nbad:-?} of ${total:-?} calls failed unexpectedly"
		printf '%s\n' "$out" | grep -E '^bad|ERROR|FATAL|closed' | head -n 8 | sed 's/^/    /'
	fi
}
find_queries="ARRAY[
  'SELECT orm.find_all(\$1, ''{\"include\": [{\"all\": true}]}'')',
  'SELECT orm.find_one(\$1, ''{\"include\": [{\"all\": true}], \"order\": [[\"id\", \"DESC\"]]}'')',
  'SELECT orm.find_by_pk(\$1, 1)',
  'SELECT orm.count(\$1)',
  'SELECT count(*) FROM orm.find_all_rows(\$1)',
  'SELECT orm.describe(\$1)',
  'SELECT orm.find_all_sql(\$1, ''{\"include\": [{\"all\": true, \"nested\": true}]}'')',
  'SELECT orm.find_all(\$1, ''{\"where\": {\"id\": {\"\$gt\": 0}}, \"order\": [[\"id\", \"DESC\"]], \"limit\": 1, \"offset\": 1}'')']"
for who in bob alice "$SUPER"; do
	try_all "$who" "find_* of bob's hostile models" "$find_queries" \
		"SELECT name AS arg FROM orm.models WHERE owner = 'bob'::regrole ORDER BY name"
done
for who in bob alice "$SUPER"; do
	expect "$who" 00000 "drift() with bob's hostile models, as $who" "SELECT count(*) FROM orm.drift()"
done
# relationship functions of the hostile aliases, called as alice
run bob "SELECT string_agg(a.function::text, E'\\n') FROM orm.associations a WHERE a.owner = 'bob'::regrole AND a.function IS NOT NULL"
nf=0
if [ -n "$out" ]; then
	while IFS= read -r f; do
		run "$SUPER" "SELECT format('SELECT count(*) FROM %s t, LATERAL %s(t) x', p.proargtypes[0]::regtype, p.oid::regproc) FROM pg_proc p WHERE p.oid = :'f'::regprocedure" -v "f=$f"
		q=$out
		run alice "$q"
		nf=$((nf + 1))
		[[ $st =~ ^(00000|42501)$ ]] || fail "relationship function $f as alice: $st $(printf '%s' "$out" | head -n 2)"
	done <<<"$out"
fi
printf -- '-- %d hostile relationship functions called\n' "$nf"

# hostile values in queries (bob, on his own clean model)
setup "
SELECT orm.define('Doc', '{\"title\": \"TEXT\", \"data\": \"JSONB\", \"tags\": \"ARRAY(TEXT)\", \"n\": \"INTEGER\"}', '{\"schema\": \"bobs\"}');
SELECT orm.define('Note', '{\"body\": \"TEXT\", \"docId\": \"INTEGER\"}', '{\"schema\": \"bobs\"}');
SELECT orm.associate('Doc', 'hasMany', 'Note', '{\"as\": \"notes\", \"foreignKey\": \"docId\"}');
SELECT count(*) FROM orm.sync('{\"models\": [\"Doc\", \"Note\"], \"force\": true}');
INSERT INTO bobs.\"Docs\" (title, data, tags, n) VALUES ('t1', '{\"k\": \"v\"}', '{a,b}', 1), ('t2', '{\"k\": \"w\"}', '{c}', 2);
INSERT INTO bobs.\"Notes\" (body, \"docId\") VALUES ('n1', 1), ('n2', 1), ('n3', 2);
" bob
PV=()
parr="ARRAY["
i=0
for P in "${PAYLOADS[@]}"; do
	i=$((i + 1))
	PV+=(-v "P$i=$P")
	[ "$i" -gt 1 ] && parr="$parr,"
	parr="$parr:'P$i'"
done
parr="$parr]"
where_queries="ARRAY[
  'SELECT orm.find_all(''Doc'', jsonb_build_object(''where'', jsonb_build_object(''title'', \$1)))',
  'SELECT orm.find_all(''Doc'', jsonb_build_object(''where'', jsonb_build_object(''title'', jsonb_build_object(''\$like'', \$1))))',
  'SELECT orm.find_all(''Doc'', jsonb_build_object(''where'', jsonb_build_object(''title'', jsonb_build_object(''\$iLike'', \$1))))',
  'SELECT orm.find_all(''Doc'', jsonb_build_object(''where'', jsonb_build_object(''title'', jsonb_build_object(''\$startsWith'', \$1))))',
  'SELECT orm.find_all(''Doc'', jsonb_build_object(''where'', jsonb_build_object(''title'', jsonb_build_object(''\$substring'', \$1))))',
  'SELECT orm.find_all(''Doc'', jsonb_build_object(''where'', jsonb_build_object(''title'', jsonb_build_array(\$1, ''t1''))))',
  'SELECT orm.find_all(''Doc'', jsonb_build_object(''where'', jsonb_build_object(''\$or'', jsonb_build_array(jsonb_build_object(''title'', \$1), jsonb_build_object(''n'', 1)))))',
  'SELECT orm.find_all(''Doc'', jsonb_build_object(''where'', jsonb_build_object(''data'', jsonb_build_object(\$1, \$1))))',
  'SELECT orm.find_all(''Doc'', jsonb_build_object(''where'', jsonb_build_object(''data'', jsonb_build_object(''k'', jsonb_build_object(\$1, ''v'')))))',
  'SELECT orm.find_all(''Doc'', jsonb_build_object(''where'', jsonb_build_object(''data'', jsonb_build_object(''\$contains'', jsonb_build_object(\$1, 1)))))',
  'SELECT orm.find_all(''Doc'', jsonb_build_object(''where'', jsonb_build_object(''tags'', jsonb_build_object(''\$contains'', jsonb_build_array(\$1)))))',
  'SELECT orm.find_all(''Doc'', jsonb_build_object(''where'', jsonb_build_object(\$1, 1)))',
  'SELECT orm.find_all(''Doc'', jsonb_build_object(''include'', jsonb_build_array(jsonb_build_object(''association'', ''notes'', ''where'', jsonb_build_object(''body'', jsonb_build_object(''\$ne'', \$1)), ''required'', false))))',
  'SELECT orm.find_all(''Doc'', jsonb_build_object(''order'', jsonb_build_array(jsonb_build_array(''title'', \$1))))',
  'SELECT orm.find_all(''Doc'', jsonb_build_object(''order'', jsonb_build_array(\$1)))',
  'SELECT orm.find_all(''Doc'', jsonb_build_object(''attributes'', jsonb_build_array(''title'', \$1)))',
  'SELECT orm.find_all(''Doc'', jsonb_build_object(''include'', jsonb_build_array(\$1)))',
  'SELECT orm.find_by_pk(''Doc'', \$1)',
  'SELECT orm.find_all(''Doc'', jsonb_build_object(''limit'', \$1))',
  'SELECT orm.find_all(\$1)',
  'SELECT orm.count(\$1)',
  'SELECT orm.sync(jsonb_build_object(''models'', jsonb_build_array(\$1), ''dryRun'', true))']"
try_all bob "hostile values in find_* queries" "$where_queries" "SELECT unnest($parr) AS arg" "${PV[@]}"
expect_out bob "a where value that looks like SQL matches nothing" \
	"SELECT json_array_length(orm.find_all('Doc', jsonb_build_object('where', jsonb_build_object('title', :'P'))))" 0 -v "P=t1' OR '1'='1"
expect_out bob "a json path key that looks like SQL matches nothing" \
	"SELECT json_array_length(orm.find_all('Doc', jsonb_build_object('where', jsonb_build_object('data', jsonb_build_object(:'P', 'v')))))" 0 -v "P=k}' OR '1'='1"

# nothing was injected
expect_out "$SUPER" "no table was created by an injection" "SELECT count(*) FROM pg_class WHERE relname LIKE 'pwned%'" 0
expect_out "$SUPER" "every canary table survived" \
	"SELECT count(*) FROM pg_class WHERE relname = 'canary' AND relnamespace IN ('public'::regnamespace, 'app'::regnamespace, 'bobs'::regnamespace)" 3
expect_out "$SUPER" "every synced table belongs to the role that owns its model" \
	"SELECT count(*) FROM orm.models m JOIN pg_class c ON c.oid = m.relid WHERE NOT pg_has_role(c.relowner, m.owner, 'USAGE') AND m.name <> 'Claim'" 0

# ------------------------------------------------------- search_path hijack

setup "
CREATE SCHEMA evil AUTHORIZATION bob;
SET search_path = evil;
CREATE FUNCTION evil.boom(what pg_catalog.text) RETURNS pg_catalog.bool LANGUAGE plpgsql AS
  \$\$ BEGIN RAISE EXCEPTION 'hijacked: % called as %', what, current_user; END \$\$;
GRANT USAGE ON SCHEMA evil TO PUBLIC;
GRANT EXECUTE ON FUNCTION evil.boom(pg_catalog.text) TO PUBLIC;
CREATE FUNCTION evil.now() RETURNS pg_catalog.timestamptz LANGUAGE plpgsql AS \$\$ BEGIN PERFORM evil.boom('now'); RETURN NULL; END \$\$;
CREATE FUNCTION evil.json_agg(anyelement) RETURNS pg_catalog.json LANGUAGE plpgsql AS \$\$ BEGIN PERFORM evil.boom('json_agg'); RETURN NULL; END \$\$;
CREATE FUNCTION evil.jsonb_agg(anyelement) RETURNS pg_catalog.jsonb LANGUAGE plpgsql AS \$\$ BEGIN PERFORM evil.boom('jsonb_agg'); RETURN NULL; END \$\$;
CREATE FUNCTION evil.row_to_json(pg_catalog.record) RETURNS pg_catalog.json LANGUAGE plpgsql AS \$\$ BEGIN PERFORM evil.boom('row_to_json'); RETURN NULL; END \$\$;
CREATE FUNCTION evil.row_to_json(pg_catalog.record, pg_catalog.bool) RETURNS pg_catalog.json LANGUAGE plpgsql AS \$\$ BEGIN PERFORM evil.boom('row_to_json2'); RETURN NULL; END \$\$;
CREATE FUNCTION evil.to_json(anyelement) RETURNS pg_catalog.json LANGUAGE plpgsql AS \$\$ BEGIN PERFORM evil.boom('to_json'); RETURN NULL; END \$\$;
CREATE FUNCTION evil.to_jsonb(anyelement) RETURNS pg_catalog.jsonb LANGUAGE plpgsql AS \$\$ BEGIN PERFORM evil.boom('to_jsonb'); RETURN NULL; END \$\$;
CREATE FUNCTION evil.\"coalesce\"(anyelement, anyelement) RETURNS anyelement LANGUAGE plpgsql AS \$\$ BEGIN PERFORM evil.boom('coalesce'); RETURN NULL; END \$\$;
CREATE FUNCTION evil.lower(pg_catalog.text) RETURNS pg_catalog.text LANGUAGE plpgsql AS \$\$ BEGIN PERFORM evil.boom('lower'); RETURN NULL; END \$\$;
CREATE FUNCTION evil.upper(pg_catalog.text) RETURNS pg_catalog.text LANGUAGE plpgsql AS \$\$ BEGIN PERFORM evil.boom('upper'); RETURN NULL; END \$\$;
CREATE FUNCTION evil.length(pg_catalog.text) RETURNS pg_catalog.int4 LANGUAGE plpgsql AS \$\$ BEGIN PERFORM evil.boom('length'); RETURN NULL; END \$\$;
CREATE FUNCTION evil.gen_random_uuid() RETURNS pg_catalog.uuid LANGUAGE plpgsql AS \$\$ BEGIN PERFORM evil.boom('gen_random_uuid'); RETURN NULL; END \$\$;
CREATE FUNCTION evil.nextval(pg_catalog.regclass) RETURNS pg_catalog.int8 LANGUAGE plpgsql AS \$\$ BEGIN PERFORM evil.boom('nextval'); RETURN NULL; END \$\$;
CREATE FUNCTION evil.string_agg(pg_catalog.text, pg_catalog.text) RETURNS pg_catalog.text LANGUAGE plpgsql AS \$\$ BEGIN PERFORM evil.boom('string_agg'); RETURN NULL; END \$\$;
CREATE FUNCTION evil.array_agg(anynonarray) RETURNS anyarray LANGUAGE plpgsql AS \$\$ BEGIN PERFORM evil.boom('array_agg'); RETURN NULL; END \$\$;
CREATE FUNCTION evil.count_sfunc(pg_catalog.int8) RETURNS pg_catalog.int8 LANGUAGE plpgsql AS \$\$ BEGIN PERFORM evil.boom('count'); RETURN 0; END \$\$;
CREATE AGGREGATE evil.count(*) (sfunc = evil.count_sfunc, stype = pg_catalog.int8);
CREATE FUNCTION evil.array_length(anyarray, pg_catalog.int4) RETURNS pg_catalog.int4 LANGUAGE plpgsql AS \$\$ BEGIN PERFORM evil.boom('array_length'); RETURN NULL; END \$\$;
CREATE FUNCTION evil.unnest(anyarray) RETURNS SETOF anyelement LANGUAGE plpgsql AS \$\$ BEGIN PERFORM evil.boom('unnest'); END \$\$;
CREATE FUNCTION evil.json_array_elements(pg_catalog.json) RETURNS SETOF pg_catalog.json LANGUAGE plpgsql AS \$\$ BEGIN PERFORM evil.boom('json_array_elements'); END \$\$;
CREATE FUNCTION evil.jsonb_array_elements(pg_catalog.jsonb) RETURNS SETOF pg_catalog.jsonb LANGUAGE plpgsql AS \$\$ BEGIN PERFORM evil.boom('jsonb_array_elements'); END \$\$;
CREATE FUNCTION evil.jsonb_array_elements_text(pg_catalog.jsonb) RETURNS SETOF pg_catalog.text LANGUAGE plpgsql AS \$\$ BEGIN PERFORM evil.boom('jsonb_array_elements_text'); END \$\$;
CREATE FUNCTION evil.format_type(pg_catalog.oid, pg_catalog.int4) RETURNS pg_catalog.text LANGUAGE plpgsql AS \$\$ BEGIN PERFORM evil.boom('format_type'); RETURN NULL; END \$\$;
CREATE FUNCTION evil.quote_ident(pg_catalog.text) RETURNS pg_catalog.text LANGUAGE plpgsql AS \$\$ BEGIN PERFORM evil.boom('quote_ident'); RETURN NULL; END \$\$;
CREATE FUNCTION evil.pg_get_expr(pg_catalog.pg_node_tree, pg_catalog.oid) RETURNS pg_catalog.text LANGUAGE plpgsql AS \$\$ BEGIN PERFORM evil.boom('pg_get_expr'); RETURN NULL; END \$\$;
CREATE FUNCTION evil.current_setting(pg_catalog.text) RETURNS pg_catalog.text LANGUAGE plpgsql AS \$\$ BEGIN PERFORM evil.boom('current_setting'); RETURN NULL; END \$\$;
-- operators
CREATE FUNCTION evil.eq_int4(pg_catalog.int4, pg_catalog.int4) RETURNS pg_catalog.bool LANGUAGE plpgsql AS \$\$ BEGIN RETURN evil.boom('= int4'); END \$\$;
CREATE FUNCTION evil.eq_int8(pg_catalog.int8, pg_catalog.int8) RETURNS pg_catalog.bool LANGUAGE plpgsql AS \$\$ BEGIN RETURN evil.boom('= int8'); END \$\$;
CREATE FUNCTION evil.eq_text(pg_catalog.text, pg_catalog.text) RETURNS pg_catalog.bool LANGUAGE plpgsql AS \$\$ BEGIN RETURN evil.boom('= text'); END \$\$;
CREATE FUNCTION evil.eq_oid(pg_catalog.oid, pg_catalog.oid) RETURNS pg_catalog.bool LANGUAGE plpgsql AS \$\$ BEGIN RETURN evil.boom('= oid'); END \$\$;
CREATE FUNCTION evil.eq_name(pg_catalog.name, pg_catalog.name) RETURNS pg_catalog.bool LANGUAGE plpgsql AS \$\$ BEGIN RETURN evil.boom('= name'); END \$\$;
CREATE FUNCTION evil.eq_int2(pg_catalog.int2, pg_catalog.int2) RETURNS pg_catalog.bool LANGUAGE plpgsql AS \$\$ BEGIN RETURN evil.boom('= int2'); END \$\$;
CREATE FUNCTION evil.eq_bool(pg_catalog.bool, pg_catalog.bool) RETURNS pg_catalog.bool LANGUAGE plpgsql AS \$\$ BEGIN RETURN evil.boom('= bool'); END \$\$;
CREATE FUNCTION evil.eq_jsonb(pg_catalog.jsonb, pg_catalog.jsonb) RETURNS pg_catalog.bool LANGUAGE plpgsql AS \$\$ BEGIN RETURN evil.boom('= jsonb'); END \$\$;
CREATE FUNCTION evil.eq_regclass(pg_catalog.regclass, pg_catalog.regclass) RETURNS pg_catalog.bool LANGUAGE plpgsql AS \$\$ BEGIN RETURN evil.boom('= regclass'); END \$\$;
CREATE FUNCTION evil.eq_char(pg_catalog.char, pg_catalog.char) RETURNS pg_catalog.bool LANGUAGE plpgsql AS \$\$ BEGIN RETURN evil.boom('= char'); END \$\$;
CREATE FUNCTION evil.cmp_int4(pg_catalog.int4, pg_catalog.int4) RETURNS pg_catalog.bool LANGUAGE plpgsql AS \$\$ BEGIN RETURN evil.boom('cmp int4'); END \$\$;
CREATE FUNCTION evil.cmp_text(pg_catalog.text, pg_catalog.text) RETURNS pg_catalog.bool LANGUAGE plpgsql AS \$\$ BEGIN RETURN evil.boom('cmp text'); END \$\$;
CREATE FUNCTION evil.cat_text(pg_catalog.text, pg_catalog.text) RETURNS pg_catalog.text LANGUAGE plpgsql AS \$\$ BEGIN PERFORM evil.boom('|| text'); RETURN NULL; END \$\$;
CREATE FUNCTION evil.contains_jsonb(pg_catalog.jsonb, pg_catalog.jsonb) RETURNS pg_catalog.bool LANGUAGE plpgsql AS \$\$ BEGIN RETURN evil.boom('@> jsonb'); END \$\$;
CREATE FUNCTION evil.contains_arr(anyarray, anyarray) RETURNS pg_catalog.bool LANGUAGE plpgsql AS \$\$ BEGIN RETURN evil.boom('@> array'); END \$\$;
CREATE FUNCTION evil.get_text(pg_catalog.jsonb, pg_catalog.text[]) RETURNS pg_catalog.text LANGUAGE plpgsql AS \$\$ BEGIN PERFORM evil.boom('#>> jsonb'); RETURN NULL; END \$\$;
CREATE FUNCTION evil.get_field(pg_catalog.jsonb, pg_catalog.text) RETURNS pg_catalog.text LANGUAGE plpgsql AS \$\$ BEGIN PERFORM evil.boom('->> jsonb'); RETURN NULL; END \$\$;
CREATE FUNCTION evil.eq_any_int4(pg_catalog.int4, pg_catalog.int4[]) RETURNS pg_catalog.bool LANGUAGE plpgsql AS \$\$ BEGIN RETURN evil.boom('= any'); END \$\$;
CREATE OPERATOR evil.= (leftarg = pg_catalog.int4, rightarg = pg_catalog.int4, function = evil.eq_int4);
CREATE OPERATOR evil.= (leftarg = pg_catalog.int8, rightarg = pg_catalog.int8, function = evil.eq_int8);
CREATE OPERATOR evil.= (leftarg = pg_catalog.text, rightarg = pg_catalog.text, function = evil.eq_text);
CREATE OPERATOR evil.= (leftarg = pg_catalog.oid, rightarg = pg_catalog.oid, function = evil.eq_oid);
CREATE OPERATOR evil.= (leftarg = pg_catalog.name, rightarg = pg_catalog.name, function = evil.eq_name);
CREATE OPERATOR evil.= (leftarg = pg_catalog.int2, rightarg = pg_catalog.int2, function = evil.eq_int2);
CREATE OPERATOR evil.= (leftarg = pg_catalog.bool, rightarg = pg_catalog.bool, function = evil.eq_bool);
CREATE OPERATOR evil.= (leftarg = pg_catalog.jsonb, rightarg = pg_catalog.jsonb, function = evil.eq_jsonb);
CREATE OPERATOR evil.= (leftarg = pg_catalog.regclass, rightarg = pg_catalog.regclass, function = evil.eq_regclass);
CREATE OPERATOR evil.= (leftarg = pg_catalog.char, rightarg = pg_catalog.char, function = evil.eq_char);
CREATE OPERATOR evil.<> (leftarg = pg_catalog.int4, rightarg = pg_catalog.int4, function = evil.cmp_int4);
CREATE OPERATOR evil.<> (leftarg = pg_catalog.text, rightarg = pg_catalog.text, function = evil.cmp_text);
CREATE OPERATOR evil.< (leftarg = pg_catalog.int4, rightarg = pg_catalog.int4, function = evil.cmp_int4);
CREATE OPERATOR evil.> (leftarg = pg_catalog.int4, rightarg = pg_catalog.int4, function = evil.cmp_int4);
CREATE OPERATOR evil.<= (leftarg = pg_catalog.int4, rightarg = pg_catalog.int4, function = evil.cmp_int4);
CREATE OPERATOR evil.>= (leftarg = pg_catalog.int4, rightarg = pg_catalog.int4, function = evil.cmp_int4);
CREATE OPERATOR evil.< (leftarg = pg_catalog.text, rightarg = pg_catalog.text, function = evil.cmp_text);
CREATE OPERATOR evil.> (leftarg = pg_catalog.text, rightarg = pg_catalog.text, function = evil.cmp_text);
CREATE OPERATOR evil.~~ (leftarg = pg_catalog.text, rightarg = pg_catalog.text, function = evil.cmp_text);
CREATE OPERATOR evil.~~* (leftarg = pg_catalog.text, rightarg = pg_catalog.text, function = evil.cmp_text);
CREATE OPERATOR evil.!~~ (leftarg = pg_catalog.text, rightarg = pg_catalog.text, function = evil.cmp_text);
CREATE OPERATOR evil.|| (leftarg = pg_catalog.text, rightarg = pg_catalog.text, function = evil.cat_text);
CREATE OPERATOR evil.@> (leftarg = pg_catalog.jsonb, rightarg = pg_catalog.jsonb, function = evil.contains_jsonb);
CREATE OPERATOR evil.@> (leftarg = anyarray, rightarg = anyarray, function = evil.contains_arr);
CREATE OPERATOR evil.&& (leftarg = anyarray, rightarg = anyarray, function = evil.contains_arr);
CREATE OPERATOR evil.#>> (leftarg = pg_catalog.jsonb, rightarg = pg_catalog.text[], function = evil.get_text);
CREATE OPERATOR evil.->> (leftarg = pg_catalog.jsonb, rightarg = pg_catalog.text, function = evil.get_field);
-- look-alike types: a domain whose check raises
CREATE DOMAIN evil.text AS pg_catalog.text CHECK (evil.boom('domain text'));
CREATE DOMAIN evil.json AS pg_catalog.json CHECK (evil.boom('domain json'));
CREATE DOMAIN evil.jsonb AS pg_catalog.jsonb CHECK (evil.boom('domain jsonb'));
CREATE DOMAIN evil.oid AS pg_catalog.oid CHECK (evil.boom('domain oid'));
CREATE DOMAIN evil.regclass AS pg_catalog.regclass CHECK (evil.boom('domain regclass'));
CREATE DOMAIN evil.regrole AS pg_catalog.regrole CHECK (evil.boom('domain regrole'));
CREATE DOMAIN evil.regprocedure AS pg_catalog.regprocedure CHECK (evil.boom('domain regprocedure'));
CREATE DOMAIN evil.name AS pg_catalog.name CHECK (evil.boom('domain name'));
CREATE DOMAIN evil.int4 AS pg_catalog.int4 CHECK (evil.boom('domain int4'));
CREATE DOMAIN evil.int8 AS pg_catalog.int8 CHECK (evil.boom('domain int8'));
CREATE DOMAIN evil.timestamptz AS pg_catalog.timestamptz CHECK (evil.boom('domain timestamptz'));
CREATE DOMAIN evil.bool AS pg_catalog.bool CHECK (evil.boom('domain bool'));
CREATE DOMAIN evil.uuid AS pg_catalog.uuid CHECK (evil.boom('domain uuid'));
CREATE DOMAIN evil.varchar AS pg_catalog.varchar CHECK (evil.boom('domain varchar'));
" bob

# the models bob defines and syncs, with and without the hijacking path
hj_models='{
  "Author": {"attributes": {"name": {"type": "STRING", "allowNull": false}, "bio": "text",
             "meta": {"type": "JSONB", "defaultValue": {"a": 1}}, "kind": {"type": "ENUM", "values": ["x", "y"], "defaultValue": "x"},
             "uid": {"type": "UUID", "defaultValue": "UUIDV4"}, "born": {"type": "DATE", "defaultValue": "NOW"},
             "tags": "ARRAY(TEXT)", "score": {"type": "INTEGER", "defaultValue": 3}},
             "options": {"schema": "bobs", "paranoid": true,
                         "indexes": [{"fields": ["name"], "where": {"score": {"$gt": 1}}}, {"fields": ["bio"], "unique": true}]},
             "associations": [{"hasMany": "Book", "as": "books", "foreignKey": "authorId"},
                              {"belongsToMany": "Genre", "as": "genres", "through": "AuthorGenres"}]},
  "Book": {"attributes": {"title": "STRING", "authorId": {"type": "INTEGER", "allowNull": false}, "pages": "INTEGER"},
           "options": {"schema": "bobs", "underscored": true},
           "associations": [{"belongsTo": "Author", "as": "author", "foreignKey": "authorId"}]},
  "Genre": {"attributes": {"label": {"type": "STRING", "unique": true}}, "options": {"schema": "bobs", "timestamps": false},
            "associations": [{"belongsToMany": "Author", "as": "authors", "through": "AuthorGenres"}]}
}'
HJ_PATH="SET search_path = evil, pg_catalog, bobs, public;"
HJ_TEMP="SET search_path = bobs, public;
CREATE DOMAIN pg_temp.text AS pg_catalog.text CHECK (evil.boom('temp domain text'));
CREATE DOMAIN pg_temp.json AS pg_catalog.json CHECK (evil.boom('temp domain json'));
CREATE DOMAIN pg_temp.jsonb AS pg_catalog.jsonb CHECK (evil.boom('temp domain jsonb'));
CREATE DOMAIN pg_temp.regclass AS pg_catalog.regclass CHECK (evil.boom('temp domain regclass'));
CREATE DOMAIN pg_temp.regrole AS pg_catalog.regrole CHECK (evil.boom('temp domain regrole'));
CREATE DOMAIN pg_temp.oid AS pg_catalog.oid CHECK (evil.boom('temp domain oid'));
CREATE DOMAIN pg_temp.int4 AS pg_catalog.int4 CHECK (evil.boom('temp domain int4'));
CREATE DOMAIN pg_temp.int8 AS pg_catalog.int8 CHECK (evil.boom('temp domain int8'));
CREATE DOMAIN pg_temp.name AS pg_catalog.name CHECK (evil.boom('temp domain name'));
CREATE DOMAIN pg_temp.timestamptz AS pg_catalog.timestamptz CHECK (evil.boom('temp domain timestamptz'));
CREATE TEMP TABLE models (x int); CREATE TEMP TABLE associations (x int); CREATE TEMP TABLE \"Authors\" (x int);
"
# Reference results with a clean search_path: define, dry-run sync, sync,
# rows, then every query.
hj_queries=(
	"SELECT orm.find_all('Author', '{\"include\": [{\"association\": \"books\", \"where\": {\"pages\": {\"\$gt\": 10}}, \"order\": [[\"id\", \"DESC\"]], \"limit\": 2}, \"genres\"], \"where\": {\"name\": {\"\$iLike\": \"a%\"}, \"\$or\": [{\"score\": [1, 2, 3]}, {\"bio\": null}]}, \"order\": [[\"name\", \"ASC\"]], \"limit\": 5}')"
	"SELECT orm.find_all('Author', '{\"where\": {\"meta\": {\"a\": 1}, \"tags\": {\"\$contains\": [\"t\"]}, \"name\": {\"\$like\": \"a%\", \"\$ne\": \"zz\"}, \"score\": {\"\$between\": [1, 9]}}, \"paranoid\": false}')"
	"SELECT orm.find_all('Author', '{\"where\": {\"tags\": {\"\$overlap\": [\"t\", \"u\"]}, \"name\": {\"\$startsWith\": \"a\", \"\$notILike\": \"%zz\"}, \"score\": {\"\$notIn\": [7, 8]}}}')"
	"SELECT orm.find_all('Book', '{\"include\": [{\"association\": \"author\", \"include\": [\"genres\"]}], \"where\": {\"title\": {\"\$endsWith\": \"1\"}}}')"
	"SELECT orm.find_all('Genre', '{\"include\": [{\"association\": \"authors\", \"through\": {\"attributes\": []}}], \"order\": [\"id\"]}')"
	"SELECT orm.find_one('Author', '{\"include\": [{\"all\": true}], \"order\": [[\"books\", \"id\", \"DESC\"]]}')"
	"SELECT orm.find_by_pk('Author', 1, '{\"include\": [\"books\", \"genres\"]}')"
	"SELECT orm.find_by_pk('Book', 2::bigint)"
	"SELECT orm.count('Author', '{\"include\": [{\"association\": \"books\", \"where\": {\"pages\": {\"\$lte\": 100}}}]}')"
	"SELECT orm.find_all_sql('Author', '{\"include\": [\"books\"], \"where\": {\"id\": 1}}')"
	"SELECT pg_catalog.count(*) FROM orm.find_all_rows('Author', '{\"include\": [\"books\"]}')"
	"SELECT orm.describe('Author')"
	"SELECT orm.describe('Book')"
	"SELECT pg_catalog.count(*) FROM orm.drift()"
	"SELECT orm.pluralize('Person'), orm.singularize('Books')"
	"SELECT pg_catalog.count(*) FROM bobs.\"Authors\" a, LATERAL bobs.books(a) b"
)
hj_load="
INSERT INTO bobs.\"Authors\" (id, name, bio, tags, score, born, uid, \"createdAt\", \"updatedAt\") OVERRIDING SYSTEM VALUE VALUES
  (1, 'alpha', NULL, '{t}', 2, '2020-01-01', '00000000-0000-0000-0000-000000000001', '2020-01-01', '2020-01-01'),
  (2, 'amber', 'b', '{u}', 5, '2020-01-01', '00000000-0000-0000-0000-000000000002', '2020-01-01', '2020-01-01'),
  (3, 'beta', 'c', '{t,u}', 3, '2020-01-01', '00000000-0000-0000-0000-000000000003', '2020-01-01', '2020-01-01');
INSERT INTO bobs.books (id, title, author_id, pages, created_at, updated_at) OVERRIDING SYSTEM VALUE VALUES
  (1, 'b1', 1, 50, '2020-01-01', '2020-01-01'), (2, 'b2', 1, 150, '2020-01-01', '2020-01-01'),
  (3, 'b3', 2, 20, '2020-01-01', '2020-01-01'), (4, 'b11', 3, 5, '2020-01-01', '2020-01-01');
INSERT INTO bobs.\"Genres\" (id, label) OVERRIDING SYSTEM VALUE VALUES (1, 'g1'), (2, 'g2');
INSERT INTO bobs.\"AuthorGenres\" (\"AuthorId\", \"GenreId\", \"createdAt\", \"updatedAt\") VALUES (1, 1, '2020-01-01', '2020-01-01'), (1, 2, '2020-01-01', '2020-01-01'), (3, 2, '2020-01-01', '2020-01-01');
"
# hj_round PREFIX-SQL: defines, dry-runs, syncs (force), loads, queries;
# prints every result, one block each
hj_round()
{
	local prefix=$1 q k=0
	hj_out=()
	# start from nothing (with a clean search_path)
	run bob "SET client_min_messages = warning;
DROP TABLE IF EXISTS bobs.\"AuthorGenres\", bobs.\"Genres\", bobs.books, bobs.\"Authors\" CASCADE;
DROP TYPE IF EXISTS bobs.\"enum_Authors_kind\";
SELECT orm.undefine(name) FROM orm.models WHERE name IN ('Author', 'Book', 'Genre');"
	[ "$st" = 00000 ] || hj_out+=("reset: $st $out")
	run bob "$prefix SELECT orm.define_models(:'models');" -v "models=$hj_models"
	hj_out+=("define_models: $st $out")
	run bob "$prefix SELECT * FROM orm.sync('{\"models\": [\"Author\", \"Book\", \"Genre\"], \"dryRun\": true}');"
	hj_out+=("sync dryRun: $st $out")
	run bob "$prefix SELECT * FROM orm.sync('{\"models\": [\"Author\", \"Book\", \"Genre\"]}');"
	hj_out+=("sync: $st $out")
	run bob "$prefix SELECT * FROM orm.sync('{\"models\": [\"Author\", \"Book\", \"Genre\"], \"alter\": true}');"
	hj_out+=("sync alter: $st $out")
	run bob "$hj_load"
	hj_out+=("load: $st $out")
	run bob "$prefix INSERT INTO bobs.books (id, title, author_id, pages) OVERRIDING SYSTEM VALUE VALUES (99, 'tmp', 1, 1); UPDATE bobs.books SET pages = 2 WHERE id OPERATOR(pg_catalog.=) 99; DELETE FROM bobs.books WHERE id OPERATOR(pg_catalog.=) 99;"
	hj_out+=("writes: $st $out")
	for q in "${hj_queries[@]}"; do
		k=$((k + 1))
		run bob "$prefix $q;"
		hj_out+=("query $k: $st $out")
	done
	run bob "$prefix SELECT orm.undefine('Genre'); SELECT orm.define_models(:'models') IS NOT NULL;" -v "models=$hj_models"
	hj_out+=("undefine+define: $st $out")
}
hj_round ""
ref=("${hj_out[@]}")
bad=0
for r in "${ref[@]}"; do
	if ! [[ $r =~ ^[^:]+:\ 00000 ]] || [[ $r == *ERROR* ]]; then
		bad=$((bad + 1))
		printf '  reference step failed: %s\n' "$(printf '%s' "$r" | head -c 400)"
	fi
done
[ "$bad" -eq 0 ] && pass "search_path reference run: ${#ref[@]} steps" || fail "search_path reference run: $bad steps failed"

for variant in path temp both; do
	case $variant in
	path) prefix=$HJ_PATH ;;
	temp) prefix=$HJ_TEMP ;;
	both) prefix="$HJ_TEMP $HJ_PATH" ;;
	esac
	hj_round "$prefix"
	bad=0
	for k in "${!ref[@]}"; do
		# the temp tables and domains of the prefix print nothing (-q)
		if [ "${hj_out[$k]}" != "${ref[$k]}" ]; then
			bad=$((bad + 1))
			if [ "$bad" -le 4 ]; then
				printf '  %s, step %d:\n    got:      %s\n    expected: %s\n' "$variant" "$k" \
					"$(printf '%s' "${hj_out[$k]}" | head -c 300 | tr '\n' ' ')" "$(printf '%s' "${ref[$k]}" | head -c 300 | tr '\n' ' ')"
			fi
		fi
	done
	if [ "$bad" -eq 0 ]; then
		pass "search_path hijack ($variant): ${#ref[@]} steps, same results, nothing called"
	else
		fail "search_path hijack ($variant): $bad of ${#ref[@]} steps differ"
	fi
	if grep -q 'hijacked' < <(printf '%s\n' "${hj_out[@]}"); then
		fail "search_path hijack ($variant): a look-alike was called: $(printf '%s\n' "${hj_out[@]}" | grep -o 'hijacked: [^"]*' | sort -u | head -n 5 | tr '\n' ';')"
	fi
done
# the superuser, and alice, with the hijacking path too (the catalog is
# written as its owner: a look-alike called there would run as the owner)
for who in alice "$SUPER"; do
	run "$who" "$HJ_PATH SELECT orm.find_all('User', '{\"include\": [\"posts\"], \"where\": {\"name\": {\"\$like\": \"a%\"}}}') IS NOT NULL; SELECT orm.define('User', '{\"name\": {\"type\": \"STRING\", \"allowNull\": false}, \"secret\": \"TEXT\", \"nick\": \"TEXT\"}', '{\"schema\": \"app\"}') IS NOT NULL; SELECT pg_catalog.count(*) FROM orm.sync('{\"models\": [\"User\", \"Post\"], \"alter\": true}'); SELECT pg_catalog.count(*) FROM orm.drift();"
	if [ "$st" = 00000 ] && ! grep -q hijacked <<<"$out"; then
		pass "$who with bob's hijacking search_path: define, sync, find, drift clean"
	else
		fail "$who with bob's hijacking search_path: '$st' $(printf '%s' "$out" | grep -E 'ERROR|hijack' | head -n 3 | tr '\n' ' ')"
	fi
done
hj_round ""   # the tables again, whatever the hijacked rounds left
run bob "SELECT count(*) FROM orm.sync('{\"models\": [\"Author\", \"Book\", \"Genre\"]}')"
# The DDL watcher (SECURITY DEFINER, as the extension's owner) with bob's
# look-alikes in place: renames are followed, drops unlinked, nothing called.
run bob "$HJ_TEMP $HJ_PATH
SET client_min_messages = warning;
ALTER TABLE bobs.\"Genres\" RENAME TO \"GenresX\";
SELECT table_name FROM orm.models WHERE name OPERATOR(pg_catalog.=) 'Genre';
ALTER TABLE bobs.\"GenresX\" RENAME TO \"Genres\";
DROP TABLE bobs.books CASCADE;
SELECT relid IS NULL FROM orm.models WHERE name OPERATOR(pg_catalog.=) 'Book';"
if [ "$st" = 00000 ] && [ "$out" = "$(printf 'GenresX\nt')" ]; then
	pass "DDL watcher with bob's look-alikes: rename followed, drop unlinked"
else
	fail "DDL watcher with bob's look-alikes: '$st' $(printf '%s' "$out" | head -n 4 | tr '\n' ' ')"
fi
# A SECURITY DEFINER function of alice's that calls find_* (with the
# recommended SET search_path = pg_catalog, pg_temp), called by bob in a
# fresh session with pg_temp look-alike types: bob's code must not run as
# alice while the extension loads the catalog.
run bob "$HJ_TEMP SELECT app.alice_count();"
if [ "$st" = 00000 ] && [ "$out" = 7 ]; then
	pass "alice's SECURITY DEFINER function, bob's pg_temp look-alikes: nothing runs as alice"
else
	fail "alice's SECURITY DEFINER function, bob's pg_temp look-alikes: '$st' $(printf '%s' "$out" | grep -E 'ERROR|DETAIL' | head -n 2 | tr '\n' ' ')"
fi
run bob "$HJ_PATH SELECT app.alice_count();"
[ "$st" = 00000 ] && [ "$out" = 7 ] && pass "alice's SECURITY DEFINER function, bob's search_path: 7" ||
	fail "alice's SECURITY DEFINER function, bob's search_path: '$st' $(printf '%s' "$out" | grep -E 'ERROR|DETAIL' | head -n 2 | tr '\n' ' ')"

expect_out "$SUPER" "nothing outside schema evil depends on it" \
	"SELECT count(*) FROM pg_depend d WHERE d.refobjid IN (SELECT oid FROM pg_proc WHERE pronamespace = 'evil'::regnamespace UNION SELECT oid FROM pg_operator WHERE oprnamespace = 'evil'::regnamespace UNION SELECT oid FROM pg_type WHERE typnamespace = 'evil'::regnamespace) AND NOT (d.classid = 'pg_proc'::regclass AND d.objid IN (SELECT oid FROM pg_proc WHERE pronamespace = 'evil'::regnamespace)) AND NOT (d.classid = 'pg_operator'::regclass AND d.objid IN (SELECT oid FROM pg_operator WHERE oprnamespace = 'evil'::regnamespace)) AND NOT (d.classid = 'pg_type'::regclass AND d.objid IN (SELECT oid FROM pg_type WHERE typnamespace = 'evil'::regnamespace)) AND NOT (d.classid = 'pg_constraint'::regclass AND d.objid IN (SELECT oid FROM pg_constraint WHERE contypid IN (SELECT oid FROM pg_type WHERE typnamespace = 'evil'::regnamespace)))" 0
expect_out "$SUPER" "bob is not a superuser, and owns nothing of alice's" \
	"SELECT (SELECT rolsuper FROM pg_roles WHERE rolname = 'bob')::text || ',' || (SELECT count(*) FROM pg_class WHERE relnamespace = 'app'::regnamespace AND relowner = 'bob'::regrole)" "false,0"
expect_out "$SUPER" "no canary was dropped, no table created (end)" \
	"SELECT (SELECT count(*) FROM pg_class WHERE relname LIKE 'pwned%') || ',' || (SELECT count(*) FROM pg_class WHERE relname = 'canary')" "0,3"

finish
