#!/usr/bin/env bash
#
# test/standby/run.sh: orm_models on a streaming hot standby.
#
# Starts its own primary (initdb in a temporary directory, 127.0.0.1, a free
# port from 54600 on, wal_level=replica), creates the extension, defines and
# syncs models, loads rows, and makes a hot standby of it with
# pg_basebackup -R.  On the standby:
#   - find_all, find_one, find_by_pk, count, find_all_sql, find_all_rows,
#     pluralize, singularize, drift and describe work and return exactly what
#     they return on the primary;
#   - define, define_models, associate, undefine and sync fail with a clean
#     read-only error (SQLSTATE 25006), never XX000 or a crash;
#   - after the catalog changes on the primary (a model redefined, a new model
#     and association, sync), a standby session that had cached the old
#     catalog sees the new one once the change is replayed.
# Both servers are stopped, and their directory removed, on exit.
#
# Needs: initdb, pg_ctl, pg_basebackup, psql (first in PATH, or in
# ORM_PG_BINDIR).  Ends with "N passed, N failed"; exits non-zero on failure.

set -uo pipefail

cd "$(dirname "$0")" || exit 1

bindir=${ORM_PG_BINDIR:-$(dirname "$(command -v postgres 2>/dev/null || command -v pg_ctl)")}
[ -x "$bindir/pg_ctl" ] || bindir=$(pg_config --bindir 2>/dev/null || echo /usr/lib/postgresql/15/bin)
export PATH="$bindir:$PATH"
unset PGHOSTADDR PGSERVICE PGSERVICEFILE PGOPTIONS PGTARGETSESSIONATTRS PGPASSWORD

# shellcheck source=test/lib/tally.sh
. "$(dirname "${BASH_SOURCE[0]}")/../lib/tally.sh"
tmp=
primary_started=
standby_started=
sess_pid=
DB=orm_standby

as_pg()
{
	if [ "$(id -u)" -eq 0 ]; then
		runuser -u postgres -- "$@"
	else
		"$@"
	fi
}


stop_server()
{
	local data=$1 pid
	[ -f "$data/postmaster.pid" ] || return 0
	if ! (cd "$tmp" && as_pg pg_ctl -D "$data" -m immediate -w -t 30 stop >/dev/null 2>&1); then
		pid=$(head -n 1 "$data/postmaster.pid" 2>/dev/null || true)
		[ -n "$pid" ] && kill -KILL "$pid" 2>/dev/null
	fi
}

cleanup()
{
	local rc=$?
	trap - EXIT INT TERM
	if [ -n "$sess_pid" ]; then
		exec 7>&- 2>/dev/null
		kill "$sess_pid" 2>/dev/null
		wait "$sess_pid" 2>/dev/null
	fi
	[ -n "$standby_started" ] && stop_server "$tmp/standby"
	[ -n "$primary_started" ] && stop_server "$tmp/primary"
	[ -n "$tmp" ] && [ -d "$tmp" ] && rm -rf -- "$tmp"
	exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

finish()
{
	printf '%d passed, %d failed\n' "$passed" "$failed"
	[ "$failed" -eq 0 ] && exit 0
	exit 1
}

# Aborts the run (a setup step failed): counts one failure.
die()
{
	fail "$*"
	for f in "$tmp"/primary.log "$tmp"/standby.log; do
		[ -f "$f" ] && { echo "---- tail of $f"; tail -n 30 "$f"; }
	done
	finish
}

port_in_use()
{
	(exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

free_port()
{
	local p=$1
	while [ "$p" -lt $(($1 + 300)) ]; do
		if ! port_in_use "$p"; then
			echo "$p"
			return 0
		fi
		p=$((p + 1))
	done
	return 1
}

# start_server DATA LOG PORTVAR: starts postgres, on the next free port if
# the chosen one is taken meanwhile.
start_server()
{
	local data=$1 log=$2 port=$3 tries=0
	while :; do
		port=$(free_port "$port") || return 1
		if (cd "$tmp" && as_pg pg_ctl -D "$data" -l "$log" -o "-p $port" -w -t 60 start >/dev/null 2>&1); then
			echo "$port"
			return 0
		fi
		tries=$((tries + 1))
		if [ "$tries" -lt 10 ] && grep -q 'could not bind\|could not create any TCP/IP sockets' "$log"; then
			port=$((port + 1))
			continue
		fi
		return 1
	done
}

PSQL=(psql -X -q -At -h 127.0.0.1 -U postgres -d "$DB" -v ON_ERROR_STOP=1)
qp() { "${PSQL[@]}" -p "$pport" "$@"; }
qs() { "${PSQL[@]}" -p "$sport" "$@"; }

# sqlstate PORT SQL: runs SQL; sets st to the SQLSTATE it ended with (00000
# on success, empty if the connection was lost) and errmsg to the error.
st=
errmsg=
sqlstate()
{
	local out
	out=$(psql -X -q -At -h 127.0.0.1 -U postgres -d "$DB" -p "$1" \
		-c "$2" -c '\echo SQLSTATE=:LAST_ERROR_SQLSTATE' 2>&1)
	errmsg=$(printf '%s\n' "$out" | grep -E 'ERROR|FATAL|PANIC|server closed|connection' | head -n 2 | tr '\n' ' ')
	st=$(printf '%s\n' "$out" | sed -n 's/^SQLSTATE=//p' | tail -n 1)
}

crashes()
{
	grep -cE 'terminated by signal|PANIC|server process .* was terminated' "$1" 2>/dev/null || true
}

# wait_replay: until the standby has replayed what the primary has written.
wait_replay()
{
	local lsn
	lsn=$(qp -c 'SELECT pg_current_wal_lsn()') || return 1
	for _ in $(seq 1 300); do
		if [ "$(qs -c "SELECT pg_last_wal_replay_lsn() >= '$lsn'::pg_lsn" 2>/dev/null)" = t ]; then
			return 0
		fi
		sleep 0.1
	done
	return 1
}

# ---------------------------------------------------------------- servers

t0=$(date +%s)
tmp=$(mktemp -d "${TMPDIR:-/tmp}/orm_standby.XXXXXX") || die "mktemp"
chmod 755 "$tmp"
[ "$(id -u)" -eq 0 ] && chown postgres: "$tmp"

(cd "$tmp" && as_pg initdb -D "$tmp/primary" -U postgres -A trust -E UTF8 --locale=C \
	--no-sync --no-instructions >"$tmp/initdb.log" 2>&1) || { cat "$tmp/initdb.log"; die "initdb"; }
cat >>"$tmp/primary/postgresql.conf" <<EOF

# orm_models standby test: primary
listen_addresses = '127.0.0.1'
unix_socket_directories = '$tmp'
wal_level = replica
max_wal_senders = 5
hot_standby = on
fsync = off
full_page_writes = on
timezone = 'UTC'
log_timezone = 'UTC'
lc_messages = 'C'
log_min_messages = warning
log_line_prefix = '%m [%p] %e %q%u@%d '
EOF
cat >>"$tmp/primary/pg_hba.conf" <<EOF
host replication postgres 127.0.0.1/32 trust
EOF
primary_started=1
pport=$(start_server "$tmp/primary" "$tmp/primary.log" 54600) || die "starting the primary"
echo "-- primary on 127.0.0.1:$pport"

psql -X -q -h 127.0.0.1 -p "$pport" -U postgres -d postgres -c "CREATE DATABASE $DB" || die "createdb"

qp <<'SQL' >/dev/null || die "defining and syncing models on the primary"
SET client_min_messages = warning;
CREATE EXTENSION orm_models;
SELECT orm.define_models('{
  "User": {
    "attributes": {
      "id":    {"type": "INTEGER", "primaryKey": true, "autoIncrement": true},
      "name":  {"type": "STRING", "allowNull": false},
      "email": {"type": "STRING", "allowNull": false, "unique": true}
    },
    "associations": [{"hasMany": "Post", "as": "posts", "foreignKey": "userId"},
                     {"hasOne": "Profile", "as": "profile", "foreignKey": "userId"}]
  },
  "Post": {
    "attributes": {
      "id":      {"type": "INTEGER", "primaryKey": true, "autoIncrement": true},
      "title":   {"type": "STRING", "allowNull": false},
      "content": {"type": "TEXT", "allowNull": false},
      "userId":  {"type": "INTEGER", "allowNull": false,
                  "references": {"model": "Users", "key": "id"}}
    },
    "associations": [{"belongsTo": "User", "as": "author", "foreignKey": "userId"},
                     {"hasMany": "Comment", "as": "comments", "foreignKey": "postId"}]
  },
  "Comment": {
    "attributes": {"body": "TEXT", "postId": {"type": "INTEGER", "allowNull": false}},
    "options": {"timestamps": false}
  },
  "Profile": {
    "attributes": {"bio": "TEXT", "userId": "INTEGER"},
    "options": {"paranoid": true}
  }
}');
SELECT count(*) FROM orm.sync('{"force": true}');
INSERT INTO "Users" (name, email, "createdAt", "updatedAt")
  SELECT 'user ' || i, 'u' || i || '@example.com',
         '2024-01-01 00:00:00+00'::timestamptz + i * interval '1 hour',
         '2024-01-01 00:00:00+00'::timestamptz + i * interval '1 hour'
    FROM generate_series(1, 50) i;
INSERT INTO "Posts" (title, content, "userId")
  SELECT 'post ' || i, 'content ' || i, 1 + i % 40 FROM generate_series(1, 200) i;
INSERT INTO "Comments" (body, "postId") SELECT 'comment ' || i, 1 + i % 150 FROM generate_series(1, 600) i;
INSERT INTO "Profiles" (bio, "userId") SELECT 'bio ' || i, i FROM generate_series(1, 30) i;
UPDATE "Profiles" SET "deletedAt" = now() WHERE "userId" % 7 = 0;
SQL

as_pg pg_basebackup -h 127.0.0.1 -p "$pport" -U postgres -D "$tmp/standby" -R -X stream -c fast \
	>"$tmp/basebackup.log" 2>&1 || { cat "$tmp/basebackup.log"; die "pg_basebackup"; }
cat >>"$tmp/standby/postgresql.conf" <<EOF

# orm_models standby test: standby
hot_standby = on
EOF
rm -f "$tmp/standby/postmaster.pid"
standby_started=1
sport=$(start_server "$tmp/standby" "$tmp/standby.log" $((pport + 1))) || die "starting the standby"
echo "-- standby on 127.0.0.1:$sport"

[ "$(qs -c 'SELECT pg_is_in_recovery()')" = t ] || die "the standby is not in recovery"
wait_replay || die "the standby did not catch up"
[ "$(qs -c "SELECT status FROM pg_stat_wal_receiver")" = streaming ] && pass "standby is streaming" || fail "standby is not streaming"

# A long-lived standby session (psql reading a fifo): it caches the catalog
# and plans before the primary changes them.
mkfifo "$tmp/sess.in"
psql -X -q -At -h 127.0.0.1 -p "$sport" -U postgres -d "$DB" <"$tmp/sess.in" >"$tmp/sess.out" 2>&1 &
sess_pid=$!
exec 7>"$tmp/sess.in"
echo 0 >"$tmp/sess.mark"
# sess SQL: runs SQL in the long-lived standby session, prints its output.
# (Called in $(...): the mark counter lives in a file.)
sess()
{
	local mark
	mark=$(($(cat "$tmp/sess.mark") + 1))
	echo "$mark" >"$tmp/sess.mark"
	printf '%s\n\\echo @@MARK%d@@\n' "$1" "$mark" >&7
	for _ in $(seq 1 300); do
		grep -q "^@@MARK$mark@@\$" "$tmp/sess.out" && break
		sleep 0.1
	done
	awk -v m="@@MARK$mark@@" -v p="@@MARK$((mark - 1))@@" '
		$0 == p { on = 1; next } $0 == m { exit } on || p == "@@MARK0@@" { print }' "$tmp/sess.out"
}

# ----------------------------------------------- read-only functions agree

queries=(
	"SELECT orm.find_all('User')"
	"SELECT orm.find_all('User', '{\"include\": [\"posts\", \"profile\"], \"order\": [[\"id\", \"ASC\"]]}')"
	"SELECT orm.find_all('User', '{\"include\": [{\"association\": \"posts\", \"include\": [\"comments\"], \"order\": [[\"id\", \"DESC\"]], \"limit\": 2}], \"where\": {\"name\": {\"\$iLike\": \"user 1%\"}}, \"limit\": 5, \"offset\": 1, \"order\": [[\"name\", \"DESC\"]]}')"
	"SELECT orm.find_all('Post', '{\"include\": [{\"association\": \"author\", \"include\": [\"profile\"]}], \"where\": {\"\$or\": [{\"id\": [1, 2, 3]}, {\"title\": {\"\$like\": \"post 19%\"}}]}}')"
	"SELECT orm.find_all('Profile', '{\"paranoid\": false, \"order\": [\"userId\"]}')"
	"SELECT orm.find_all('Profile')"
	"SELECT orm.find_one('User', '{\"where\": {\"email\": \"u7@example.com\"}, \"include\": [\"posts\"]}')"
	"SELECT orm.find_one('User', '{\"where\": {\"id\": -1}}') IS NULL"
	"SELECT orm.find_by_pk('User', 3, '{\"include\": [{\"all\": true}]}')"
	"SELECT orm.find_by_pk('Post', 17)"
	"SELECT orm.find_by_pk('Post', 100000) IS NULL"
	"SELECT orm.count('Post')"
	"SELECT orm.count('User', '{\"include\": [{\"association\": \"posts\", \"where\": {\"title\": {\"\$like\": \"post 1%\"}}}]}')"
	"SELECT orm.find_all_sql('User', '{\"include\": [{\"association\": \"posts\", \"include\": [\"comments\"]}], \"where\": {\"id\": {\"\$gt\": 3}}}')"
	"SELECT count(*), md5(string_agg(r::text, '|')) FROM orm.find_all_rows('Post', '{\"include\": [\"comments\", \"author\"]}') r"
	"SELECT orm.pluralize('Person'), orm.singularize('People'), orm.pluralize('Category'), orm.singularize('Mice')"
	"SELECT count(*), coalesce(string_agg(model || ':' || problem || ':' || detail, '|' ORDER BY model, problem, detail), '') FROM orm.drift()"
	"SELECT orm.describe('User')"
	"SELECT orm.describe('Post')"
	"SELECT orm.describe('Profile')"
	"SELECT orm.describe('Comment')"
)
for q in "${queries[@]}"; do
	a=$(qp -c "$q" 2>&1)
	ra=$?
	b=$(qs -c "$q" 2>&1)
	rb=$?
	short=${q:0:110}
	if [ "$ra" -ne 0 ] || [ "$rb" -ne 0 ]; then
		fail "primary/standby: $short: primary status $ra, standby status $rb: $(printf '%s' "$b" | head -c 300)"
	elif [ "$a" != "$b" ]; then
		fail "primary/standby differ: $short"
		diff <(printf '%s\n' "$a") <(printf '%s\n' "$b") | head -n 10
	elif [ -z "$a" ]; then
		fail "primary/standby: empty result: $short"
	else
		pass "same on the standby: $short"
	fi
done

# drift is empty on both
[ "$(qs -c 'SELECT count(*) FROM orm.drift()')" = 0 ] && pass "drift() is empty on the standby" ||
	fail "drift() on the standby: $(qs -c 'SELECT * FROM orm.drift()' 2>&1 | head -n 5)"

# A bad query is a clean error on the standby, as on the primary.
for q in "SELECT orm.find_all('Nope')" \
	"SELECT orm.find_all('User', '{\"include\": [\"nope\"]}')" \
	"SELECT orm.find_all('User', '{\"where\": {\"id\": \"x\"}}')"; do
	sqlstate "$pport" "$q"
	a=$st
	sqlstate "$sport" "$q"
	b=$st
	if [ "$a" = "$b" ] && [ "$b" != 00000 ] && [ "$b" != XX000 ] && [ -n "$b" ]; then
		pass "same clean error ($b) on the standby: $q"
	else
		fail "error on the standby: $q: primary $a, standby $b: $errmsg"
	fi
done

# The long-lived session caches the catalog and the plans now.
before_user=$(sess "SELECT orm.find_all('User', '{\"include\": [\"posts\"], \"where\": {\"id\": [1, 2]}}');")
before_keys=$(sess "SELECT string_agg(k, ',') FROM json_object_keys(orm.find_by_pk('User', 1)) k;")
sess "SELECT orm.describe('Post');" >/dev/null
sess "SELECT orm.count('Post');" >/dev/null
sess "SELECT orm.find_by_pk('Post', 1, '{\"include\": [\"author\"]}');" >/dev/null
if [ "$before_keys" = "id,name,email,createdAt,updatedAt" ]; then
	pass "standby session: find_by_pk keys before the change: $before_keys"
else
	fail "standby session: find_by_pk keys before the change: '$before_keys'"
fi
[ -n "$before_user" ] || fail "standby session: find_all returned nothing"

# ------------------------------------------- writes fail, read-only, cleanly

writes=(
	"SELECT orm.define('Standby', '{\"x\": \"TEXT\"}')"
	"SELECT orm.define('User', '{\"name\": \"TEXT\"}')"
	"SELECT orm.define_models('{\"Standby\": {\"attributes\": {\"x\": \"TEXT\"}}}')"
	"SELECT orm.associate('User', 'hasMany', 'Comment', '{\"as\": \"standbyComments\"}')"
	"SELECT orm.define('Comment', '{\"body\": \"TEXT\", \"postId\": {\"type\": \"INTEGER\", \"allowNull\": false}}', '{\"timestamps\": false}')"
	"SELECT orm.undefine('Comment')"
	"SELECT orm.undefine('Nope')"
	"SELECT * FROM orm.sync()"
	"SELECT * FROM orm.sync('{\"force\": true}')"
	"SELECT * FROM orm.sync('{\"alter\": true}')"
	"SELECT * FROM orm.sync('{\"models\": [\"User\"]}')"
)
for q in "${writes[@]}"; do
	sqlstate "$sport" "$q"
	if [ "$st" = 25006 ]; then
		pass "read-only error 25006 on the standby: $q"
	else
		fail "on the standby, expected 25006, got '${st:-none}': $q: $errmsg"
	fi
done
# Declaring an association that exists is a no-op (README): it may succeed
# without writing, or be refused as read-only.
q="SELECT orm.associate('User', 'hasMany', 'Post', '{\"foreignKey\": \"userId\", \"as\": \"posts\"}')"
sqlstate "$sport" "$q"
case $st in
00000 | 25006) pass "re-declaring an existing association on the standby: $st" ;;
*) fail "re-declaring an existing association on the standby: '$st': $errmsg" ;;
esac
# sync dryRun runs nothing: either it works (and lists nothing to do, the
# tables exist) or it is refused as read-only; never XX000 or a crash.
sqlstate "$sport" "SELECT * FROM orm.sync('{\"dryRun\": true}')"
case $st in
00000 | 25006) pass "sync dryRun on the standby: $st" ;;
*) fail "sync dryRun on the standby: '$st': $errmsg" ;;
esac
sqlstate "$sport" "SELECT * FROM orm.sync('{\"dryRun\": true, \"force\": true}')"
case $st in
00000 | 25006) pass "sync dryRun force on the standby: $st" ;;
*) fail "sync dryRun force on the standby: '$st': $errmsg" ;;
esac

# Writing the catalog directly is refused by the standby itself.
sqlstate "$sport" "DELETE FROM orm.models"
[ "$st" = 25006 ] && pass "DELETE FROM orm.models on the standby: 25006" || fail "DELETE FROM orm.models on the standby: $st"

n=$(crashes "$tmp/standby.log")
[ "$n" = 0 ] && pass "no crash in the standby log" || fail "standby log: $n crash lines"
[ "$(qs -c 'SELECT 1')" = 1 ] && pass "standby still answers" || fail "standby does not answer"
# the long-lived session is still there
[ "$(sess 'SELECT 42;')" = 42 ] && pass "standby session still alive" || fail "standby session gone"

# -------------------------------- the catalog changes on the primary, replays

qp <<'SQL' >/dev/null || die "changing the catalog on the primary"
SET client_min_messages = warning;
SELECT orm.define('User', '{
  "id":    {"type": "INTEGER", "primaryKey": true, "autoIncrement": true},
  "name":  {"type": "STRING", "allowNull": false},
  "email": {"type": "STRING", "allowNull": false, "unique": true},
  "nick":  {"type": "STRING(40)"}
}');
SELECT orm.define('Tag', '{"id": {"type": "INTEGER", "primaryKey": true, "autoIncrement": true},
                           "label": {"type": "STRING", "allowNull": false, "unique": true}}',
                  '{"timestamps": false}');
SELECT orm.associate('Post', 'belongsToMany', 'Tag', '{"through": "PostTags", "as": "tags"}');
SELECT orm.associate('Tag', 'belongsToMany', 'Post', '{"through": "PostTags", "as": "posts"}');
SELECT count(*) FROM orm.sync('{"alter": true}');
UPDATE "Users" SET nick = 'nick' || id;
INSERT INTO "Tags" (label) SELECT 'tag ' || i FROM generate_series(1, 5) i;
INSERT INTO "PostTags" ("PostId", "TagId", "createdAt", "updatedAt")
  SELECT p, t, '2024-01-01', '2024-01-01' FROM generate_series(1, 20) p, generate_series(1, 5) t WHERE (p + t) % 3 = 0;
SQL
wait_replay || die "the standby did not replay the catalog change"

# The primary's drift is empty after the change.
[ "$(qp -c 'SELECT count(*) FROM orm.drift()')" = 0 ] && pass "drift() empty on the primary after the change" ||
	fail "drift() on the primary after the change: $(qp -c 'SELECT * FROM orm.drift()' 2>&1 | head -n 5)"

after_keys=$(sess "SELECT string_agg(k, ',') FROM json_object_keys(orm.find_by_pk('User', 1)) k;")
if [ "$after_keys" = "id,name,email,nick,createdAt,updatedAt" ]; then
	pass "standby session sees the redefined model: $after_keys"
else
	fail "standby session after the change: keys '$after_keys' (expected id,name,email,nick,createdAt,updatedAt)"
fi
q="SELECT orm.find_all('Post', '{\"include\": [{\"association\": \"tags\", \"order\": [[\"id\", \"ASC\"]]}], \"where\": {\"id\": {\"\$lte\": 6}}, \"order\": [\"id\"]}')"
a=$(qp -c "$q" 2>&1)
b=$(sess "$q;")
if [ "$a" = "$b" ] && grep -q '"label"' <<<"$b"; then
	pass "standby session sees the new association (Post.tags)"
else
	fail "standby session, Post.tags: '$(printf '%s' "$b" | head -c 300)' vs primary '$(printf '%s' "$a" | head -c 300)'"
fi
for q in "SELECT orm.find_all('Tag', '{\"include\": [{\"association\": \"posts\", \"attributes\": [\"id\"]}], \"order\": [\"id\"]}')" \
	"SELECT orm.find_all('User', '{\"include\": [\"posts\"], \"where\": {\"id\": [1, 2]}}')" \
	"SELECT orm.describe('Post')" \
	"SELECT orm.describe('Tag')" \
	"SELECT orm.count('Tag')" \
	"SELECT count(*) FROM orm.drift()"; do
	a=$(qp -c "$q" 2>&1)
	b=$(sess "$q;")
	if [ "$a" = "$b" ] && [ -n "$b" ]; then
		pass "standby session after the change, same as primary: ${q:0:90}"
	else
		fail "standby session after the change differs: ${q:0:90}: '$(printf '%s' "$b" | head -c 300)'"
	fi
done
[ "$before_user" != "$(sess "SELECT orm.find_all('User', '{\"include\": [\"posts\"], \"where\": {\"id\": [1, 2]}}');")" ] &&
	pass "standby session: cached find_all result changed with the model" ||
	fail "standby session: find_all still returns the old shape"

# A new standby connection too
a=$(qp -c "SELECT orm.find_by_pk('Tag', 2, '{\"include\": [\"posts\"]}')")
b=$(qs -c "SELECT orm.find_by_pk('Tag', 2, '{\"include\": [\"posts\"]}')")
[ "$a" = "$b" ] && [ -n "$b" ] && pass "new standby session sees Tag" || fail "new standby session: Tag: '$b'"

# A table renamed by hand on the primary: the DDL watcher's catalog update
# replays, and the standby session follows the table.
qp -c 'ALTER TABLE "Tags" RENAME TO "Labels"' >/dev/null || fail "rename on the primary"
wait_replay || die "replay after rename"
q="SELECT orm.find_all('Tag', '{\"include\": [{\"association\": \"posts\", \"attributes\": [\"id\"]}], \"order\": [\"id\"]}')"
a=$(qp -c "$q" 2>&1)
b=$(sess "$q;")
[ "$a" = "$b" ] && grep -q '"label"' <<<"$b" && pass "standby session follows a renamed table" ||
	fail "standby session after a rename: '$(printf '%s' "$b" | head -c 300)'"
[ "$(qs -c "SELECT table_name FROM orm.models WHERE name = 'Tag'")" = Labels ] && pass "standby catalog shows the new table name" ||
	fail "standby catalog table name after rename: $(qs -c "SELECT table_name FROM orm.models WHERE name = 'Tag'" 2>&1)"

# Undefine on the primary replays too: the standby session no longer finds it.
qp -c "SELECT orm.undefine('Comment')" >/dev/null || fail "undefine on the primary"
wait_replay || die "replay after undefine"
st=$(sess "SELECT orm.find_all('Comment');" | grep -c 'ERROR' || true)
[ "$st" -ge 1 ] && pass "standby session: undefined model is gone" || fail "standby session still finds the undefined model Comment"
[ "$(sess "SELECT orm.count('Post');")" = 200 ] && pass "standby session still works after the error" ||
	fail "standby session after the error"

n=$(crashes "$tmp/standby.log")
[ "$n" = 0 ] && pass "no crash in the standby log (end)" || { fail "standby log: $n crash lines"; grep -E -B2 -A2 'terminated by signal|PANIC' "$tmp/standby.log" | head -n 20; }
n=$(crashes "$tmp/primary.log")
[ "$n" = 0 ] && pass "no crash in the primary log" || fail "primary log: $n crash lines"
# (a start on a port that turned out to be taken logs its bind failure as
# XX000 before the retry on the next port: not the extension's)
xx000()
{
	grep -E '] XX000 ' "$tmp/standby.log" 2>/dev/null |
		grep -vE 'could not bind|another postmaster|could not create any TCP/IP sockets'
}
if [ -n "$(xx000)" ]; then
	fail "XX000 in the standby log"
	xx000 | head -n 20
else
	pass "no XX000 in the standby log"
fi

echo "-- standby test took $(($(date +%s) - t0)) s"
finish
