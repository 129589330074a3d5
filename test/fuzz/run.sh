#!/usr/bin/env bash
# test/fuzz/run.sh: the structure-aware fuzzer of every orm_models function
# that takes JSON (see fuzz.py for what it generates and checks).
#
# Connects with PGHOST PGPORT PGUSER (a superuser) PGDATABASE (an empty
# database; the extension is created in it).  Python 3, standard library only.
#   FUZZ_N=20000      random inputs (default 5000; a fixed corpus runs first)
#   FUZZ_SEED=N       replay a run (the seed is printed)
#   FUZZ_CHECK_EVERY  inputs between catalog checks (default 100)
#   FUZZ_VERBOSE=1    one line per input
#   FUZZ_BIG=0        skip the 10 MB inputs
#   FUZZ_SKIP=REGEX   do not run inputs whose SQL matches (to look past a known bug)
# Failing inputs go to test/fuzz/failures/ as SQL (not committed).
# Ends with "N passed, N failed"; exits non-zero on any failure.
set -u
cd "$(dirname "$0")" || exit 1
if ! command -v python3 >/dev/null 2>&1; then
	echo "fuzz: python3 not found"
	echo "0 passed, 1 failed"
	exit 1
fi
exec python3 -u fuzz.py
