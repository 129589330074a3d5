#!/usr/bin/env bash
#
# test/layers/run.sh: src/ keeps its floor plan (README.md, "Layout").
#
# Builds the objects if make says they are out of date (PG_CONFIG, default
# pg_config in PATH), then runs layers.py over src/*.o
# (nm) and the #include lines: calls go downward only, the only cycle
# between files is where.c <-> query_sql.c, each layer's header declares
# exactly what its layer defines, includes follow the layers, and README's
# Layout table agrees with the one list of layers in layers.py.  Prints the
# call graph between files when a check fails (LAYERS_GRAPH=1: always).
# Needs no server.  Ends with "N passed, N failed".
#
#   bash test/layers/run.sh [ROOT]    ROOT: a tree to check (default: this one)
set -uo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "${1:-${ORM_ROOT:-$here/../..}}" && pwd)
pg_config=${PG_CONFIG:-pg_config}

if ! make -q -C "$root" PG_CONFIG="$pg_config" >/dev/null 2>&1; then
	echo "-- building $root (PG_CONFIG=$pg_config)"
	if ! make -C "$root" -s -j2 PG_CONFIG="$pg_config" >/dev/null; then
		echo "FAILED build"
		echo "0 passed, 1 failed"
		exit 1
	fi
fi

python3 "$here/layers.py" "$root" ${LAYERS_GRAPH:+--graph}
