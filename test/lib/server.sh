# shellcheck shell=bash
#
# test/lib/server.sh: shell functions shared by test/run and demo/run.
#
# Builds and installs the extension, and starts and stops a throwaway
# PostgreSQL server: its own temporary directory, listening on 127.0.0.1 only,
# on a port of its own, fsync off.  initdb and postgres refuse to run as root,
# so when we are root they run as the "postgres" OS user.
#
# Source it, then:
#   orm_build_install               make && make install (PG_CFLAGS, -Werror if $CI)
#   orm_server_start                sets and exports PGHOST PGPORT PGUSER PGDATABASE,
#                                   ORM_PGDATA ORM_PGLOG ORM_PG_BINDIR ORM_TMPDIR
#   orm_server_stop                 stops the server, removes ORM_TMPDIR (idempotent)
#   orm_psql ARGS...                psql -X -q -v ON_ERROR_STOP=1 against it
#   orm_as_pg_user CMD...           CMD as the server's OS user
#
# Settings: PG_CONFIG (default /usr/bin/pg_config), ORM_TEST_PORT (first port
# tried, default 54329), ORM_TEST_TMPDIR (parent of the temporary directory,
# default /tmp), ORM_JSON_WRITER (orm_models.json_writer for the whole server:
# on, off, or check).

ORM_ROOT=${ORM_ROOT:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}
PG_CONFIG=${PG_CONFIG:-/usr/bin/pg_config}
ORM_TMPDIR=${ORM_TMPDIR:-}
ORM_PG_STARTED=${ORM_PG_STARTED:-}

# Print a progress line on stderr.
orm_note()
{
	printf '%s\n' "-- $*" >&2
}

# Run a command as root: directly when we are root, else through sudo.
orm_as_root()
{
	if [ "$(id -u)" -eq 0 ]; then
		"$@"
	else
		sudo -- "$@"
	fi
}

# Run a command as the OS user that owns the throwaway server.
orm_as_pg_user()
{
	if [ "$(id -u)" -eq 0 ]; then
		runuser -u postgres -- "$@"
	else
		"$@"
	fi
}

# The PostgreSQL programs directory, from pg_config.
orm_pg_bindir()
{
	if [ ! -x "$PG_CONFIG" ]; then
		echo "$PG_CONFIG not found: run .ci/setup first (as root)" >&2
		return 1
	fi
	"$PG_CONFIG" --bindir
}

# Build and install the extension with the project's warning flags.
orm_build_install()
{
	local cflags="-Wall -Wextra -Wno-unused-parameter -Wno-missing-field-initializers"
	local jobs

	case ${CI:-} in
	'' | 0 | false) ;;
	*) cflags="$cflags -Werror" ;;
	esac
	jobs=$(nproc 2>/dev/null || echo 2)
	make -C "$ORM_ROOT" -j"$jobs" PG_CONFIG="$PG_CONFIG" PG_CFLAGS="$cflags" &&
		orm_as_root make -C "$ORM_ROOT" PG_CONFIG="$PG_CONFIG" PG_CFLAGS="$cflags" install
}

# True if something accepts TCP connections on 127.0.0.1:$1.
orm_port_in_use()
{
	(exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

# Print the first port from $1 on that nothing listens on.
orm_free_port()
{
	local port=$1
	local limit=$(($1 + 200))

	while [ "$port" -lt "$limit" ]; do
		if ! orm_port_in_use "$port"; then
			echo "$port"
			return 0
		fi
		port=$((port + 1))
	done
	echo "no free TCP port in $1..$((limit - 1))" >&2
	return 1
}

# psql against the throwaway server, quiet, stopping at the first error.
orm_psql()
{
	"$ORM_PG_BINDIR/psql" -X -q -v ON_ERROR_STOP=1 "$@"
}

# Create the temporary directory and an initdb'd cluster in it.
orm_server_init()
{
	local parent=${ORM_TEST_TMPDIR:-/tmp}

	ORM_TMPDIR=$(mktemp -d "$parent/orm_models.XXXXXX")
	ORM_PGDATA=$ORM_TMPDIR/data
	ORM_PGLOG=$ORM_TMPDIR/postgresql.log
	chmod 755 "$ORM_TMPDIR"
	if [ "$(id -u)" -eq 0 ]; then
		chown postgres: "$ORM_TMPDIR"
	fi
	# from the temp dir: initdb dislikes a cwd its user cannot read (/root)
	if ! (cd "$ORM_TMPDIR" &&
		orm_as_pg_user "$ORM_PG_BINDIR/initdb" -D "$ORM_PGDATA" -U postgres \
			-A trust -E UTF8 --locale=C --no-sync --no-instructions \
			>"$ORM_TMPDIR/initdb.log" 2>&1); then
		cat "$ORM_TMPDIR/initdb.log" >&2
		echo "initdb failed" >&2
		return 1
	fi
	cat >>"$ORM_PGDATA/postgresql.conf" <<EOF

# orm_models throwaway test server
listen_addresses = '127.0.0.1'
unix_socket_directories = '$ORM_TMPDIR'
fsync = off
synchronous_commit = off
full_page_writes = off
timezone = 'UTC'
log_timezone = 'UTC'
lc_messages = 'C'
max_connections = 100
log_min_messages = warning
log_line_prefix = '%m [%p] %q%u@%d '
EOF
	if [ -n "${ORM_JSON_WRITER:-}" ]; then
		echo "orm_models.json_writer = '$ORM_JSON_WRITER'" >>"$ORM_PGDATA/postgresql.conf"
	fi
}

# Start postgres on port $1; fail (with the log kept) if it does not come up.
orm_server_try_port()
{
	(cd "$ORM_TMPDIR" &&
		orm_as_pg_user "$ORM_PG_BINDIR/pg_ctl" -D "$ORM_PGDATA" -l "$ORM_PGLOG" \
			-o "-p $1" -w -t 60 start >/dev/null 2>&1)
}

# Start the throwaway server and export the libpq variables that reach it.
orm_server_start()
{
	local port tries=0

	# libpq settings of the caller's that would point elsewhere
	unset PGHOSTADDR PGSERVICE PGSERVICEFILE PGOPTIONS PGTARGETSESSIONATTRS
	ORM_PG_BINDIR=$(orm_pg_bindir)
	orm_server_init
	port=${ORM_TEST_PORT:-54329}
	while :; do
		port=$(orm_free_port "$port")
		ORM_PG_STARTED=1
		if orm_server_try_port "$port"; then
			break
		fi
		tries=$((tries + 1))
		# someone took the port between our check and the bind: try the next
		if [ "$tries" -lt 10 ] && grep -q 'could not bind\|could not create any TCP/IP sockets' "$ORM_PGLOG" 2>/dev/null; then
			port=$((port + 1))
			continue
		fi
		cat "$ORM_PGLOG" >&2 || true
		echo "could not start the test server" >&2
		return 1
	done
	export PGHOST=127.0.0.1 PGPORT=$port PGUSER=postgres PGDATABASE=postgres
	export ORM_PGDATA ORM_PGLOG ORM_PG_BINDIR ORM_TMPDIR ORM_ROOT
	orm_note "PostgreSQL $("$ORM_PG_BINDIR/postgres" -V | awk '{print $3}') test server on 127.0.0.1:$port ($ORM_PGDATA)"
}

# Stop the server (if we started it) and remove the temporary directory.
# Safe to call twice and from a trap.
orm_server_stop()
{
	local pid

	if [ -n "$ORM_PG_STARTED" ] && [ -f "${ORM_PGDATA:-}/postmaster.pid" ]; then
		if ! (cd "$ORM_TMPDIR" &&
			orm_as_pg_user "$ORM_PG_BINDIR/pg_ctl" -D "$ORM_PGDATA" -m immediate \
				-w -t 30 stop >/dev/null 2>&1); then
			# our own postmaster, by the pid it recorded
			pid=$(head -n 1 "$ORM_PGDATA/postmaster.pid" 2>/dev/null || true)
			if [ -n "$pid" ]; then
				kill -KILL "$pid" 2>/dev/null || true
			fi
		fi
	fi
	ORM_PG_STARTED=
	if [ -n "$ORM_TMPDIR" ] && [ -d "$ORM_TMPDIR" ]; then
		rm -rf -- "$ORM_TMPDIR"
	fi
	ORM_TMPDIR=
}
