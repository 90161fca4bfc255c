#!/bin/sh
# writes.sh - every file stabforce writes is written atomically (file.h):
# through a symbolic link, on a full disk (RLIMIT_FSIZE: `ulimit -f` with
# SIGXFSZ ignored, so a write fails with EFBIG as on a full disk), into a
# directory that does not exist, to a device; several outputs of one
# command all or none; the rejects file of a failed import not left.
#
#   sh writes.sh        ($STABFORCE, $SRCDIR from meson)
set -u
. "$(dirname "$0")/lib.sh"
SCEN=$SRCDIR/examples/minimal/scenario.yaml
SF=$STABFORCE

# small_disk CMD...: runs CMD with files limited to $BLOCKS blocks of 512
# bytes (default 8: 4 KiB), SIGXFSZ ignored (a script: `expect` runs it
# under timeout(1)).
cat >"$T/small_disk" <<'SCRIPT'
#!/bin/sh
trap '' XFSZ
ulimit -f "${BLOCKS:-8}"
exec "$@"
SCRIPT
chmod +x "$T/small_disk"
small_disk=$T/small_disk

# ------------------------------------------------------------ export
echo precious >"$T/keep/target"
ln -s "$T/keep/target" "$T/link.lp"
expect 0 "" "$SF" export --lp "$T/link.lp" "$SCEN"
[ -L "$T/link.lp" ] && fail "export wrote through the link"
grep -q '^Minimize' "$T/link.lp" || fail "export --lp through a link: no LP"

cp "$SCEN" "$T/keep/old.lp" # an old export on a full disk stays as it was
expect 4 "cannot write '$T/keep/old.lp': File too large" "$small_disk" "$SF" export --lp "$T/keep/old.lp" "$SCEN"
expect 4 "cannot write '$T/keep/old.mps'" "$small_disk" "$SF" export --mps "$T/keep/old.mps" "$SCEN"
[ -e "$T/keep/old.mps" ] && fail "a failed export left old.mps"
expect 4 "cannot write '$T/none/m.lp': No such file or directory" "$SF" export --lp "$T/none/m.lp" "$SCEN"
# Devices are written in place, never replaced. The test's own device
# nodes, not /dev/null and /dev/full: a writer that wrongly renamed over
# its target would otherwise replace the machine's /dev/null (it did once,
# as root). Skipped where device nodes cannot be made (not root, nodev).
if mknod -m 666 "$T/full" c 1 7 2>/dev/null && mknod -m 666 "$T/null" c 1 3 2>/dev/null; then
	expect 4 "cannot write '$T/full'" "$SF" export --lp "$T/full" "$SCEN"
	expect 0 "" "$SF" export --mps "$T/null" "$SCEN"
	[ -c "$T/null" ] && [ -c "$T/full" ] || fail "export replaced a device node"
else
	echo "writes.sh: device nodes cannot be made here: device cases skipped"
fi
no_temporaries "$T"

# ------------------------------------------------------------ plan
# -o X --json Y: Y cannot be written, so X is not either.
echo "old plan" >"$T/keep/x.txt"
expect 4 "cannot write '$T/none/y.json'" "$SF" plan "$SCEN" -o "$T/keep/x.txt" --json "$T/none/y.json"
expect 4 "cannot write" "$small_disk" "$SF" plan "$SCEN" -o "$T/keep/x.txt" --json "$T/keep/y.json"
[ -e "$T/keep/y.json" ] && fail "a failed plan left y.json"
# nothing on stdout either when a file fails
expect 4 "cannot write '$T/none/p.md'" "$SF" plan "$SCEN" --md "$T/none/p.md"
[ -s "$T/out" ] && fail "plan printed its text although --md failed"
# all at once when all is well, through a link too
ln -s "$T/keep/x.txt" "$T/x-link.txt"
expect 0 "" "$SF" plan "$SCEN" -o "$T/x-link.txt" --json "$T/p.json" --csv "$T/p.csv" --md "$T/p.md"
[ -s "$T/p.json" ] && [ -s "$T/p.csv" ] && [ -s "$T/p.md" ] || fail "plan outputs missing"
grep -q 'Force build-up' "$T/x-link.txt" || fail "plan -o through a link: no text"
no_temporaries "$T"

# ------------------------------------------------------------ analyses
expect 4 "cannot write '$T/none/v.csv'" "$SF" vetoes "$SCEN" -o "$T/keep/x.txt" --csv "$T/none/v.csv"
expect 0 "" "$SF" vetoes "$SCEN" -o "$T/v.txt" --json "$T/v.json"
[ -s "$T/v.txt" ] && [ -s "$T/v.json" ] || fail "vetoes outputs missing"

# ------------------------------------------------------------ imports
printf 'event_id_cnty,event_date\nX1,2025-01-01\n' >"$T/good-header-bad-rows.csv"
printf 'not,an,acled,file\n1,2,3,4\n' >"$T/no-columns.csv"
# a failed import leaves no rejects file
expect 2 "" "$SF" incidents import "$T/no-columns.csv" --db "$T/r.db" --rejects "$T/rej.csv" --no-progress
[ -e "$T/rej.csv" ] && fail "a failed import left its rejects file"
expect 4 "" "$SF" incidents import "$T/good-header-bad-rows.csv" --db "$T/none/r.db" --rejects "$T/rej.csv" --no-progress
[ -e "$T/rej.csv" ] && fail "an import that could not open its store left its rejects file"
# rejects that do not fit on the disk: the import is rolled back
expect 0 "" "$SF" aid import "$SRCDIR/tests/torture/data/aid-small.csv" --db "$T/a.db"
awk 'BEGIN { print "date,crossing,trucks"; for (i = 0; i < 3000; i++) printf "2024-13-%02d,rafah,x%d\n", i % 28 + 1, i }' >"$T/aid-bad.csv"
printf '2024-02-01,rafah,77\n' >>"$T/aid-bad.csv"
BLOCKS=256 expect 4 "rejects" "$small_disk" "$SF" aid import "$T/aid-bad.csv" --db "$T/a.db" --rejects "$T/aid-rej.csv"
[ -e "$T/aid-rej.csv" ] && fail "aid import on a full disk left its rejects file"
"$SF" aid report --db "$T/a.db" --daily --format csv 2>/dev/null | grep -q '2024-02-01' &&
	fail "aid import whose rejects failed still imported its good row"
no_temporaries "$T"

finish
