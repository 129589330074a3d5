#!/usr/bin/env bash
#
# test/bench/run_bench.sh: the benchmark of SPEC.md's "Performance" section.
#
# One command (also "make bench").  Builds its own data set (schema.json,
# load.sql: 10,000 users, 100,000 posts, 500,000 comments times
# BENCH_SCALE), then measures, side by side in one run, orm_models against
# the hand-written SQL of cases.sql, checks once that every hand-written
# statement returns the same JSON as orm_models (a difference is a loud
# failure), and prints one table: case, orm_models, best hand-written
# (shape), ratio, target, PASS/MISS.
#
#   1  find_all('User', {include: ['posts']}) over every user  ratio <= 0.70
#   2  find_by_pk with posts.comments, pgbench -c 4 -j 2        TPS ratio >= 1.20
#   3  find_all, nested include + where + order + limit         ratio <= 0.80
#   4  define_models + sync force of 200 models, 400 assocs     seconds, not minutes
#   5  500 CREATE TABLE + 500 DROP TABLE, with the extension
#      vs a database without it                                 ratio <= 1.05
#   6  Sequelize 6 findAll (case 1) and findByPk with two levels from Node,
#      against the orm-models package                         (node/, if node is there)
#
# Server: PGHOST/PGPORT/PGUSER (and PGPASSWORD) of a server where
# orm_models is installed (it needs a superuser: CREATE DATABASE, CREATE
# EXTENSION).  Without PGPORT, starts a throwaway server of its own (as the
# postgres OS user when run as root) on a free port, and stops it at the end.
# Creates (and at the end drops) its databases: $BENCH_DB, ${BENCH_DB}_plain
# (no extension, case 5), ${BENCH_DB}_sync (case 4).
#
# Settings (environment):
#   BENCH_SCALE=1          data set scale (0.01 for a smoke run)
#   BENCH_REPS=7           timed samples per statement (median reported)
#   BENCH_WARMUP=2         warm-up rounds before timing
#   BENCH_SAMPLE_MS=200    fast statements are repeated within one sample
#                          until it lasts about this long
#   BENCH_PGBENCH_T=5      seconds per pgbench run (case 2)
#   BENCH_PGBENCH_CLIENTS=4, BENCH_PGBENCH_JOBS=2, BENCH_PGBENCH_ROUNDS=4 (rounds interleave the statements)
#   BENCH_SYNC_MODELS=200, BENCH_SYNC_REPS=3
#   BENCH_DDL_TABLES=500, BENCH_DDL_REPS=7
#   BENCH_NODE=auto|0|1    case 6 (auto: when node and npm are there)
#   BENCH_NODE_REPS=3      case 6: findAll samples (BENCH_PK_REPS=7: findByPk's)
#   BENCH_CASES=1,2,3,4,5,6,7,8
#   BENCH_JIT=off          jit setting of the benchmark's sessions
#   BENCH_JUDGE=1          0: print ratios without judging them (smoke)
#   BENCH_DB=orm_bench     database name (prefix)
#   BENCH_KEEP=0           1: keep the databases (and a throwaway server's
#                          are lost anyway)
#   BENCH_REUSE=0          1: reuse $BENCH_DB's data if it has this scale
#   BENCH_SHARED_BUFFERS=512MB   (throwaway server only)
#   PG_CONFIG              default: pg_config in PATH, else /usr/bin/pg_config
#
# Ends with "N passed, N failed": output checks, cases that ran, and (when
# judged) targets met.  Exit status 0 iff nothing failed.

set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)

SCALE=${BENCH_SCALE:-1}
REPS=${BENCH_REPS:-7}
WARMUP=${BENCH_WARMUP:-2}
SAMPLE_MS=${BENCH_SAMPLE_MS:-200}
PGBENCH_T=${BENCH_PGBENCH_T:-5}
PGBENCH_CLIENTS=${BENCH_PGBENCH_CLIENTS:-4}
PGBENCH_JOBS=${BENCH_PGBENCH_JOBS:-2}
PGBENCH_ROUNDS=${BENCH_PGBENCH_ROUNDS:-4}
SYNC_MODELS=${BENCH_SYNC_MODELS:-200}
SYNC_REPS=${BENCH_SYNC_REPS:-3}
DDL_TABLES=${BENCH_DDL_TABLES:-500}
DDL_REPS=${BENCH_DDL_REPS:-7}
NODE=${BENCH_NODE:-auto}
NODE_REPS=${BENCH_NODE_REPS:-3}
CASES=${BENCH_CASES:-1,2,3,4,5,6,7,8}
JIT=${BENCH_JIT:-off}
JUDGE=${BENCH_JUDGE:-1}
DB=${BENCH_DB:-orm_bench}
KEEP=${BENCH_KEEP:-0}
REUSE=${BENCH_REUSE:-0}
SHARED_BUFFERS=${BENCH_SHARED_BUFFERS:-512MB}
SEED=20240601

if [ -z "${PG_CONFIG:-}" ]; then
	PG_CONFIG=$(command -v pg_config || echo /usr/bin/pg_config)
fi
BINDIR=$("$PG_CONFIG" --bindir)
PSQL="$BINDIR/psql"
PGBENCH="$BINDIR/pgbench"
[ -x "$PGBENCH" ] || PGBENCH=$(command -v pgbench || true)

tmp=$(mktemp -d "${TMPDIR:-/tmp}/orm_bench.XXXXXX")
chmod 755 "$tmp"
server_dir=
server_started=

note() { printf '%s\n' "-- $*" >&2; }
# counted in files: cases run in subshells
pass() { echo pass >>"$tmp/counts"; }
fail() { echo fail >>"$tmp/counts"; printf '%s\n' "FAIL: $*"; }

as_pg_user()
{
	if [ "$(id -u)" -eq 0 ]; then
		runuser -u postgres -- "$@"
	else
		"$@"
	fi
}

# ---------------------------------------------------------------------------
# A throwaway server, when no PGPORT was given.

port_in_use() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

start_server()
{
	local port=${BENCH_PORT:-54500} limit

	limit=$((port + 200))
	while port_in_use "$port"; do
		port=$((port + 1))
		if [ "$port" -ge "$limit" ]; then
			echo "no free TCP port" >&2
			return 1
		fi
	done
	server_dir=$tmp/server
	mkdir "$server_dir"
	[ "$(id -u)" -ne 0 ] || chown postgres: "$server_dir"
	note "starting a throwaway server on 127.0.0.1:$port ($server_dir)"
	if ! (cd "$server_dir" && as_pg_user "$BINDIR/initdb" -D "$server_dir/data" -U postgres \
		-A trust -E UTF8 --locale=C --no-sync >"$tmp/initdb.log" 2>&1); then
		cat "$tmp/initdb.log" >&2
		return 1
	fi
	cat >>"$server_dir/data/postgresql.conf" <<EOF

# orm_models benchmark throwaway server
listen_addresses = '127.0.0.1'
unix_socket_directories = '$server_dir'
port = $port
shared_buffers = $SHARED_BUFFERS
fsync = off
synchronous_commit = off
full_page_writes = off
max_wal_size = 8GB
checkpoint_timeout = 30min
timezone = 'UTC'
lc_messages = 'C'
log_min_messages = warning
EOF
	server_started=1
	if ! (cd "$server_dir" && as_pg_user "$BINDIR/pg_ctl" -D "$server_dir/data" \
		-l "$server_dir/log" -w -t 120 start >/dev/null); then
		cat "$server_dir/log" >&2 || true
		return 1
	fi
	unset PGHOSTADDR PGSERVICE PGSERVICEFILE PGDATABASE
	export PGHOST=$server_dir PGPORT=$port PGUSER=postgres
}

stop_server()
{
	if [ -n "$server_started" ] && [ -f "$server_dir/data/postmaster.pid" ]; then
		(cd "$server_dir" && as_pg_user "$BINDIR/pg_ctl" -D "$server_dir/data" -m fast \
			-w -t 60 stop >/dev/null 2>&1) || true
	fi
	server_started=
}

drop_databases()
{
	local d

	for d in "$DB" "${DB}_plain" "${DB}_sync"; do
		"$PSQL" -X -q -d postgres -c "DROP DATABASE IF EXISTS \"$d\" WITH (FORCE)" 2>/dev/null || true
	done
}

on_exit()
{
	local rc=$?

	trap - EXIT INT TERM
	if [ "$KEEP" != 1 ] && [ -z "$server_started" ]; then
		drop_databases
	fi
	stop_server
	rm -rf -- "$tmp"
	exit "$rc"
}
trap on_exit EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# ---------------------------------------------------------------------------

want() { case ",$CASES," in *",$1,"*) return 0 ;; *) return 1 ;; esac; }

# psql on database $1, quiet, stopping at the first error
q() { local d=$1; shift; "$PSQL" -X -q -v ON_ERROR_STOP=1 -d "$d" "$@"; }
# one value
q1() { local d=$1; shift; "$PSQL" -X -q -At -v ON_ERROR_STOP=1 -d "$d" "$@"; }

# Run a case function in a subshell of its own with errexit in force; a
# failure counts, and the run goes on with the next case.
run_case()
{
	local name=$1 rc=0

	shift
	(
		set -euo pipefail
		"$@"
	) &
	wait $! || rc=$?
	if [ "$rc" -ne 0 ]; then
		fail "$name: stopped with an error (status $rc)"
	else
		pass
	fi
}

record() # case shape metric rep value [note]
{
	q "$DB" -v c="$1" -v s="$2" -v m="$3" -v r="$4" -v v="$5" -v n="${6:-}" <<'SQL'
INSERT INTO bench.results (case_no, shape, metric, rep, value, note)
VALUES (:'c', :'s', :'m', :'r', :'v', nullif(:'n', ''));
SQL
}

# The output checks of case $1 (ids for case 2): one check per shape.
check_outputs()
{
	local c=$1 ids=${2:-} out

	out=$(q1 "$DB" -F '|' -c "SELECT shape, verdict FROM bench.check_case($c${ids:+, '$ids'::int[]})")
	while IFS='|' read -r shape verdict; do
		[ -n "$shape" ] || continue
		if [[ $verdict == DIFFERENT* ]]; then
			fail "case $c: hand-written shape $shape returns other JSON than orm_models: $verdict"
			echo "$c $shape" >>"$tmp/different"
		else
			pass
			printf '   case %s shape %-3s %s\n' "$c" "$shape" "$verdict"
		fi
	done <<<"$out"
}

setup()
{
	local have

	note "server: $(q1 postgres -c 'SELECT version()')"
	if [ "$(q1 postgres -c "SELECT count(*) FROM pg_available_extensions WHERE name = 'orm_models'")" != 1 ]; then
		echo "orm_models is not installed on this server (make install)" >&2
		return 1
	fi
	have=
	if [ "$REUSE" = 1 ] &&
		[ "$(q1 postgres -c "SELECT count(*) FROM pg_database WHERE datname = '$DB'")" = 1 ]; then
		have=$(q1 "$DB" -c "SELECT value FROM bench.results WHERE metric = 'scale'" 2>/dev/null || true)
	fi
	if [ -n "$have" ] && [ "$have" = "$(q1 postgres -c "SELECT '$SCALE'::float8")" ]; then
		note "reusing the data of database $DB (scale $SCALE)"
		q "$DB" -f "$here/lib.sql" -f "$here/cases.sql"
	else
		drop_databases
		q postgres -c "CREATE DATABASE \"$DB\""
		note "define_models + sync (schema.json), load.sql at scale $SCALE"
		q "$DB" -v schema="$(cat "$here/schema.json")" <<'SQL'
SET client_min_messages = warning;
CREATE EXTENSION orm_models;
SELECT orm.define_models(:'schema'::json) \g /dev/null
SELECT orm.sync('{"force": true}') \g /dev/null
SQL
		q "$DB" -v scale="$SCALE" -f "$here/load.sql"
		q "$DB" -f "$here/lib.sql" -f "$here/cases.sql"
	fi
	q "$DB" -c "DELETE FROM bench.results" \
		-c "INSERT INTO bench.results (case_no, shape, metric, value) VALUES (0, '-', 'scale', $SCALE)"
	for d in "${DB}_plain" "${DB}_sync"; do
		q postgres -c "DROP DATABASE IF EXISTS \"$d\" WITH (FORCE)" -c "CREATE DATABASE \"$d\""
	done
	NUSERS=$(q1 "$DB" -c 'SELECT count(*) FROM public."Users"')
}

header()
{
	local counts settings

	counts=$(q1 "$DB" -c "SELECT format('%s users, %s posts, %s comments, %s',
		(SELECT count(*) FROM public.\"Users\"), (SELECT count(*) FROM public.\"Posts\"),
		(SELECT count(*) FROM public.\"Comments\"), pg_size_pretty(pg_database_size(current_database())))")
	settings=$(q1 "$DB" -c "SELECT string_agg(name || '=' || current_setting(name), ', ' ORDER BY name)
		FROM pg_settings WHERE name IN ('jit', 'shared_buffers', 'work_mem', 'max_parallel_workers_per_gather', 'TimeZone')")
	cat <<EOF

orm_models benchmark
  server:   $(q1 "$DB" -c 'SHOW server_version') at ${PGHOST:-localhost}:${PGPORT:-5432}; $settings
  machine:  $(nproc 2>/dev/null || echo '?') CPU(s), load average $(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo '?') at the start
  data:     scale $SCALE: $counts
  timing:   server side.  Each statement (the orm_models call, and every
            hand-written shape alike) is the static SQL of a plpgsql function
            (plan made once and cached) returning octet_length(result::text):
            the JSON is fully built, not sent.  clock_timestamp() around
            each call (statements faster than ${SAMPLE_MS} ms repeated within a
            sample, time per call); $WARMUP warm-up round(s), then the median of
            $REPS samples; the contenders interleaved round-robin.
            Case 2: pgbench -M prepared -c $PGBENCH_CLIENTS -j $PGBENCH_JOBS -T $PGBENCH_T, $PGBENCH_ROUNDS round(s), the same
            random ids (seed $SEED) for every statement; median TPS.
            Cases 4, 5: clock_timestamp() in the server.  Case 6: Node, end to end.
EOF
}

# ---------------------------------------------------------------------------
# Cases

case_timed() # 1, 3, 7 or 8
{
	local c=$1 inner

	note "case $c: output checks"
	check_outputs "$c"
	note "case $c: timing"
	q "$DB" -c "SELECT bench.prepare($c)" >/dev/null
	inner=$(q1 "$DB" -c "SELECT bench.time_case($c, $WARMUP, $REPS, $SAMPLE_MS)")
	note "case $c: done ($inner call(s) per sample)"
}

case_pgbench()
{
	local ids shape order r out tps

	ids=$(q1 "$DB" -c "SELECT array_agg(1 + (hashint4(k) & 2147483647) % $NUSERS ORDER BY k)::text
		|| '' FROM generate_series(1, 24) k")
	ids="${ids%\}},1,$NUSERS,$((NUSERS + 1))}"
	note "case 2: output checks for ids $ids"
	check_outputs 2 "$ids"
	if [ -z "$PGBENCH" ]; then
		echo "pgbench not found" >&2
		return 1
	fi
	mapfile -t order < <(q1 "$DB" -c "SELECT shape FROM bench.contenders WHERE case_no = 2 ORDER BY id")
	for shape in "${order[@]}"; do
		{
			printf '\\set id random(1, %s)\n' "$NUSERS"
			q1 "$DB" -c "SELECT btrim(sql, E' \n') || ';' FROM bench.contenders WHERE case_no = 2 AND shape = '$shape'"
		} >"$tmp/c2_$shape.sql"
	done
	for r in $(seq 1 "$PGBENCH_ROUNDS"); do
		for shape in "${order[@]}"; do
			note "case 2: pgbench $shape (round $r, ${PGBENCH_T} s)"
			out=$("$PGBENCH" -n -M prepared -c "$PGBENCH_CLIENTS" -j "$PGBENCH_JOBS" -T "$PGBENCH_T" \
				--random-seed="$SEED" -f "$tmp/c2_$shape.sql" "$DB" 2>&1) || {
				printf '%s\n' "$out" | tail -n 20
				return 1
			}
			tps=$(printf '%s\n' "$out" | sed -n 's/^tps = \([0-9.]*\) (without initial connection time)/\1/p')
			if [ -z "$tps" ]; then
				printf '%s\n' "$out" | tail -n 20
				return 1
			fi
			record 2 "$shape" tps "$r" "$tps" \
				"$(printf '%s\n' "$out" | grep -E '^(latency average|number of transactions actually processed)' | paste -sd ';')"
		done
		order=("${order[@]:1}" "${order[0]}")
	done
}

case_sync()
{
	local r line define_ms sync_ms stmts tables fkeys

	q "${DB}_sync" -c 'SET client_min_messages = warning' -c 'CREATE EXTENSION orm_models' -f "$here/sync.sql"
	for r in $(seq 1 "$SYNC_REPS"); do
		# each run in a session of its own, as a deployment would run it
		line=$(q1 "${DB}_sync" -F ' ' -c "SELECT * FROM public.bench_sync_run($SYNC_MODELS)")
		read -r define_ms sync_ms stmts tables fkeys <<<"$line"
		note "case 4: run $r: define_models $define_ms ms, sync $sync_ms ms, $stmts statements, $tables tables, $fkeys foreign keys"
		if [ "$tables" != "$SYNC_MODELS" ] || [ "$fkeys" != "$((2 * SYNC_MODELS))" ]; then
			echo "sync made $tables tables and $fkeys foreign keys, not $SYNC_MODELS and $((2 * SYNC_MODELS))" >&2
			return 1
		fi
		record 4 define value "$r" "$define_ms"
		record 4 sync value "$r" "$sync_ms" "$SYNC_MODELS models, $((2 * SYNC_MODELS)) associations"
	done
}

ddl_once() # database label rep
{
	local ms preload=()

	# in the extension's database, the library is loaded first, so that
	# whatever it hooks is in place
	if [ "$1" = "$DB" ]; then
		preload=(-c "SELECT orm.pluralize('x')")
	fi
	ms=$(PGOPTIONS="${PGOPTIONS:-} -c synchronous_commit=off" q1 "$1" "${preload[@]}" \
		-c "CALL public.bench_ddl_stream($DDL_TABLES)" | tail -n 1)
	if [ "$3" -gt 0 ]; then
		record 5 "$2" value "$3" "$ms" "$DDL_TABLES CREATE TABLE + $DDL_TABLES DROP TABLE"
	fi
}

case_ddl()
{
	local r

	q "$DB" -f "$here/ddl.sql"
	q "${DB}_plain" -f "$here/ddl.sql"
	ddl_once "$DB" "with extension" 0
	ddl_once "${DB}_plain" without 0
	for r in $(seq 1 "$DDL_REPS"); do
		if [ $((r % 2)) -eq 1 ]; then
			ddl_once "$DB" "with extension" "$r"
			ddl_once "${DB}_plain" without "$r"
		else
			ddl_once "${DB}_plain" without "$r"
			ddl_once "$DB" "with extension" "$r"
		fi
	done
}

case_node()
{
	local out

	if [ "$NODE" = 0 ] || { [ "$NODE" = auto ] && ! { command -v node && command -v npm; } >/dev/null 2>&1; }; then
		note "case 6: skipped (no node/npm, or BENCH_NODE=0)"
		return 0
	fi
	if [ ! -d "$here/node/node_modules/sequelize" ] || [ ! -d "$here/node/node_modules/pg" ] ||
		[ ! -e "$here/node/node_modules/orm-models" ] ||
		[ "$here/node/package-lock.json" -nt "$here/node/node_modules/.package-lock.json" ]; then
		note "case 6: npm ci"
		if ! (cd "$here/node" && npm ci --no-audit --no-fund --loglevel=error >&2); then
			if [ "$NODE" = 1 ]; then
				return 1
			fi
			note "case 6: skipped (npm ci failed)"
			return 0
		fi
	fi
	note "case 6: Sequelize and orm-models findAll and findByPk from Node ($NODE_REPS runs)"
	out=$(cd "$here/node" && PGDATABASE=$DB BENCH_NODE_REPS=$NODE_REPS BENCH_WARMUP=$WARMUP \
		node --expose-gc bench_sequelize.js)
	out=$(printf '%s\n' "$out" | tail -n 1)
	printf '   %s\n' "$out"
	q "$DB" -v j="$out" <<'SQL'
INSERT INTO bench.results (case_no, shape, metric, value, note)
SELECT 6, k, 'value', (:'j'::jsonb ->> (k || '_ms'))::float8,
       format('sequelize %s, pg %s', :'j'::jsonb ->> 'sequelize_version', :'j'::jsonb ->> 'pg_version')
  FROM unnest(ARRAY['sequelize', 'sequelize_json', 'orm_text', 'orm_parsed', 'package', 'part_server', 'part_text',
                    'part_parse', 'part_convert', 'pk_sequelize', 'pk_package', 'pk_orm_parsed', 'pk_orm_pool']) AS k;
SQL
	if [ "$(printf '%s' "$out" | node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>console.log(JSON.parse(s).ok))')" != true ]; then
		echo "Sequelize and orm-models returned different users, posts or comments" >&2
		return 1
	fi
}

main()
{
	if [ -z "${PGPORT:-}" ]; then
		start_server
	fi
	export PGOPTIONS="${PGOPTIONS:-} -c jit=$JIT -c TimeZone=UTC -c client_min_messages=warning"
	setup
	header
	: >"$tmp/different"
	: >"$tmp/counts"
	if want 1; then run_case "case 1" case_timed 1; fi
	if want 3; then run_case "case 3" case_timed 3; fi
	if want 7; then run_case "case 7" case_timed 7; fi
	if want 8; then run_case "case 8" case_timed 8; fi
	if want 2; then run_case "case 2" case_pgbench; fi
	if want 4; then run_case "case 4" case_sync; fi
	if want 5; then run_case "case 5" case_ddl; fi
	if want 6; then run_case "case 6" case_node; fi

	q "$DB" -v judge="$([ "$JUDGE" = 1 ] && echo 1 || echo 0)" -v cases="$CASES" -f "$here/report.sql"
	if [ "$JUDGE" = 1 ]; then
		while IFS='|' read -r c title met; do
			[ -n "$c" ] || continue
			case $met in
			t) pass ;;
			f) fail "case $c ($title): target missed" ;;
			esac
		done < <(q1 "$DB" -F '|' -f "$here/report_views.sql" \
			-c "SELECT case_no, title, met FROM summary WHERE case_no <> 6 AND measured")
	fi
	echo "load average at the end: $(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo '?')"
	if [ -s "$tmp/different" ]; then
		echo
		echo "FAILED: hand-written statements returned other JSON than orm_models:"
		sed 's/^/   case /' "$tmp/different"
	fi
	passed=$(grep -c '^pass$' "$tmp/counts" || true)
	failed=$(grep -c '^fail$' "$tmp/counts" || true)
	echo
	printf '%d passed, %d failed\n' "$passed" "$failed"
	[ "$failed" -eq 0 ]
}

main "$@"
