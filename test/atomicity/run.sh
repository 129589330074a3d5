#!/usr/bin/env bash
# test/atomicity/run.sh: orm.sync (and define_models, undefine) cancelled,
# timed out, blocked on a lock or failing midway leave the catalog and the
# schema exactly as before, and the session's caches unpoisoned (see
# atomicity.py for the faults and the checks, snapshot.sql for what is
# compared).
#
# Connects with PGHOST PGPORT PGUSER (a superuser) PGDATABASE (an empty
# database; the extension is created in it).  Python 3, standard library only.
#   ATOMICITY_N=20        faults of each kind per variant (default 4)
#   ATOMICITY_MODELS=200  size of the generated model set (default 60)
#   ATOMICITY_SEED=N      replay a run (the seed is printed)
#   ATOMICITY_VERBOSE=1   one line per fault
# Ends with "N passed, N failed"; exits non-zero on any failure.
set -u
cd "$(dirname "$0")" || exit 1
if ! command -v python3 >/dev/null 2>&1; then
	echo "atomicity: python3 not found"
	echo "0 passed, 1 failed"
	exit 1
fi
exec python3 -u atomicity.py
