#!/bin/sh
# with-pg.sh - run one command against a throwaway PostgreSQL cluster.
#
#   tests/pg/with-pg.sh CMD [ARG...]
#
# Creates a cluster in a new temporary directory (initdb; as root, the
# server runs as the unprivileged user postgres, or nobody when there is
# none, since PostgreSQL refuses to run as root), starts it listening only
# on a Unix socket in that directory (no TCP port, so any number of these
# run side by side), runs CMD with
#
#   SF_PG_HOST   the socket directory
#   SF_PG_URI    postgresql:///postgres?host=DIR&user=postgres
#   SF_PG_BIN    the server's binaries (initdb, pg_ctl, pg_basebackup, ...)
#   SF_PG_DATA   the cluster's data directory (to stop or restart it)
#   SF_PG_RUNAS  the command prefix that runs a server binary as that user
#                ("runuser -u postgres --", or empty when not root)
#
# and stops the cluster (immediate shutdown) and removes the directory
# whatever CMD did, also on SIGINT/SIGTERM. Exits with CMD's status.
# The server binaries come from Debian's postgresql package (installed by
# scripts/bootstrap); PG_BINDIR overrides where they are looked for.
# For benchmarks (bench/pg_*.sh): SF_PG_FSYNC=on keeps fsync on (a test
# cluster runs with it off), and SF_PG_OPTS adds server settings
# ("-c shared_buffers=512MB ...").
set -u

bindir=${PG_BINDIR:-}
if [ -z "$bindir" ]; then
	for d in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V -r); do
		[ -x "$d/initdb" ] && { bindir=$d; break; }
	done
fi
if [ -z "$bindir" ] || [ ! -x "$bindir/initdb" ]; then
	echo "with-pg.sh: no PostgreSQL server binaries (initdb) found: run scripts/bootstrap," \
		"or set PG_BINDIR" >&2
	exit 1
fi

# initdb's helper shells write to /dev/null as the server's user.
if [ ! -c /dev/null ]; then
	echo "with-pg.sh: /dev/null is not the null device (a program replaced it with a file):" \
		"restore it (as root: rm /dev/null; mknod -m 666 /dev/null c 1 3)" >&2
	exit 1
fi

runas=""
owner=""
if [ "$(id -u)" -eq 0 ]; then
	if id postgres >/dev/null 2>&1; then owner=postgres; else owner=nobody; fi
	runas="runuser -u $owner --"
fi

T=$(mktemp -d "${TMPDIR:-/tmp}/sf-pg.XXXXXX") || exit 1
[ -n "$owner" ] && chown "$owner" "$T"
started=0
cleanup() {
	if [ $started -eq 1 ]; then
		$runas "$bindir/pg_ctl" -D "$T/data" -m immediate stop >/dev/null 2>&1
	fi
	rm -rf "$T"
}
trap 'cleanup' EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

if ! $runas "$bindir/initdb" -D "$T/data" -A trust -U postgres -N -E UTF8 --locale=C.UTF-8 \
	>"$T/initdb.log" 2>&1; then
	echo "with-pg.sh: initdb failed:" >&2
	cat "$T/initdb.log" >&2
	exit 1
fi
# fsync off: a throwaway cluster; nothing here must survive a power cut.
fsync=${SF_PG_FSYNC:-off}
if ! $runas "$bindir/pg_ctl" -D "$T/data" -l "$T/server.log" -w -t 60 \
	-o "-c listen_addresses= -k $T -c fsync=$fsync -c max_connections=60 ${SF_PG_OPTS:-}" \
	start >/dev/null; then
	echo "with-pg.sh: the server did not start:" >&2
	cat "$T/server.log" >&2
	exit 1
fi
started=1

SF_PG_HOST=$T
SF_PG_URI="postgresql:///postgres?host=$T&user=postgres"
SF_PG_BIN=$bindir
SF_PG_DATA=$T/data
SF_PG_RUNAS=$runas
export SF_PG_HOST SF_PG_URI SF_PG_BIN SF_PG_DATA SF_PG_RUNAS
"$@"
rc=$?
if [ $rc -ne 0 ] && [ -s "$T/server.log" ]; then
	echo "with-pg.sh: the server's log (last 30 lines):" >&2
	tail -n 30 "$T/server.log" >&2
fi
exit $rc
