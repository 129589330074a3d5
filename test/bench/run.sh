#!/usr/bin/env bash
#
# test/bench/run.sh: the benchmark's smoke run, for test/run.
#
# run_bench.sh at scale 0.01 (100 users, 1,000 posts, 5,000 comments), one
# or two samples, pgbench 3 s: every case runs and prints the same table,
# but at this scale the ratios are printed, not judged.  What passes or
# fails is that every case runs and that every hand-written statement
# returns the same JSON as orm_models (writes.sql runs first, at 100 rows).
# Uses the server of PGHOST, PGPORT,
# PGUSER; its databases are named after PGDATABASE and dropped at the end.
# Ends with "N passed, N failed".
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"

export BENCH_SCALE=${BENCH_SCALE:-0.01}
export BENCH_REPS=${BENCH_REPS:-2}
export BENCH_WARMUP=${BENCH_WARMUP:-1}
export BENCH_SAMPLE_MS=${BENCH_SAMPLE_MS:-20}
export BENCH_PGBENCH_T=${BENCH_PGBENCH_T:-3}
export BENCH_PGBENCH_ROUNDS=${BENCH_PGBENCH_ROUNDS:-1}
export BENCH_SYNC_REPS=${BENCH_SYNC_REPS:-1}
export BENCH_DDL_TABLES=${BENCH_DDL_TABLES:-200}
export BENCH_DDL_REPS=${BENCH_DDL_REPS:-1}
export BENCH_NODE_REPS=${BENCH_NODE_REPS:-1}
export BENCH_PK_REPS=${BENCH_PK_REPS:-1}
export BENCH_JUDGE=0
export BENCH_DB=${BENCH_DB:-${PGDATABASE:-orm_bench}_bench}

# The write functions against their hand-written statements (writes.sql),
# small: it fails when a pair's results differ.
wdb="${BENCH_DB}_writes"
psql -X -q -d postgres -c "DROP DATABASE IF EXISTS \"$wdb\"" -c "CREATE DATABASE \"$wdb\""
psql -X -q -d "$wdb" -v reps=3 -v rows=100 -f writes.sql
psql -X -q -d postgres -c "DROP DATABASE \"$wdb\""

exec bash ./run_bench.sh
