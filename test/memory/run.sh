#!/usr/bin/env bash
# test/memory/run.sh: one backend calls orm.find_all and orm.define many
# times; its memory (pg_backend_memory_contexts) must not grow after a
# warm-up, and another session's catalog change must drop its caches.
# See memory.py.  MEMORY_N=100000 for the SPEC's figure (default 20000).
# Connects with PGHOST PGPORT PGUSER (a superuser) PGDATABASE (an empty
# database; the extension is created in it).  Python 3, standard library only.
# Ends with "N passed, N failed"; exits non-zero on any failure.
set -u
cd "$(dirname "$0")" || exit 1
if ! command -v python3 >/dev/null 2>&1; then
	echo "memory: python3 not found"
	echo "0 passed, 1 failed"
	exit 1
fi
exec python3 -u memory.py
