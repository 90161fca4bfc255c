#!/bin/sh
# dl.sh - libpq and libmicrohttpd are loaded only by what needs them
# (include/stabforce/process.h, sf_dl_load).
#
#   sh dl.sh      ($STABFORCE, $SRCDIR from meson)
#
# A directory on LD_LIBRARY_PATH holds a libpq.so.5 and a
# libmicrohttpd.so.12 that are empty shared libraries (built here with cc),
# which the dynamic linker finds before the real ones. Then:
#   - --version, validate and a plan still work: no command but a
#     PostgreSQL store or serve loads either library;
#   - opening a PostgreSQL store fails with a message that
#     names libpq and the package that installs it, and nothing else;
#   - serve fails the same way, naming libmicrohttpd12, and leaves no
#     process behind.
set -u

: "${STABFORCE:?}" "${SRCDIR:?}"
T=$(mktemp -d "${TMPDIR:-/tmp}/sf-dl.XXXXXX") || exit 1
trap 'rm -rf "$T"' EXIT INT TERM
failed=0
fail() {
	echo "FAIL: $*"
	failed=$((failed + 1))
}

mkdir "$T/lib"
echo "int sf_dl_test_empty;" >"$T/empty.c"
for l in libpq.so.5 libmicrohttpd.so.12; do
	${CC:-cc} -shared -fPIC -o "$T/lib/$l" "$T/empty.c" || { echo "FAIL: cc cannot build $l"; exit 1; }
done
run() { LD_LIBRARY_PATH=$T/lib "$STABFORCE" "$@"; }

run --version >"$T/out" 2>"$T/err" || fail "--version needs a library it should not: $(cat "$T/err")"
run validate "$SRCDIR/examples/minimal/scenario.yaml" >"$T/out" 2>"$T/err" ||
	fail "validate needs a library it should not: $(cat "$T/err")"
run plan -q "$SRCDIR/examples/minimal/scenario.yaml" >"$T/out" 2>"$T/err" ||
	fail "plan needs a library it should not: $(cat "$T/err")"
run aid import "$SRCDIR/examples/gaza/aid-trucks-daily-2023-10-07_2024-01-30.csv" \
	--db "$T/store.db" >"$T/out" 2>"$T/err" ||
	fail "a SQLite store needs a library it should not: $(cat "$T/err")"

run incidents list --db "postgresql://127.0.0.1:1/none" >"$T/out" 2>"$T/err"
rc=$?
[ "$rc" -ne 0 ] || fail "a PostgreSQL store opened without libpq"
grep -q "libpq.*'apt-get install libpq5'" "$T/err" ||
	fail "the PostgreSQL store's error does not name libpq and its package: $(cat "$T/err")"
[ -s "$T/out" ] && fail "something on stdout: $(cat "$T/out")"

# started directly (not through run: $! would be the subshell's, and a
# serve that did start would outlive the test)
LD_LIBRARY_PATH=$T/lib "$STABFORCE" serve --listen 127.0.0.1:0 --db "$T/serve.db" \
	--scenarios "$SRCDIR/examples" >"$T/out" 2>"$T/err" &
pid=$!
i=0
while kill -0 "$pid" 2>/dev/null && [ $i -lt 100 ]; do
	sleep 0.1
	i=$((i + 1))
done
if kill -0 "$pid" 2>/dev/null; then
	kill "$pid"
	fail "serve runs without libmicrohttpd"
fi
trap 'kill "$pid" 2>/dev/null; rm -rf "$T"' EXIT INT TERM
wait "$pid"
rc=$?
[ "$rc" -ne 0 ] || fail "serve exited 0 without libmicrohttpd"
grep -q "libmicrohttpd.*'apt-get install libmicrohttpd12'" "$T/err" ||
	fail "serve's error does not name libmicrohttpd and its package: $(cat "$T/err")"
pgrep -f "$T/serve.db" >/dev/null 2>&1 && fail "serve left a process behind (a worker on its store)"

echo "dl: $failed failed"
[ "$failed" -eq 0 ]
