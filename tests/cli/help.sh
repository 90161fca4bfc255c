#!/bin/sh
# help.sh - every command answers --help with a usage line and exit 0, the
# global --help lists every command, the man page documents every command,
# and an unknown command fails with exit status 2.
set -u
fail=0
man="$SRCDIR/docs/stabforce.1"

"$STABFORCE" --help >/tmp/sf-help.$$ 2>&1 || { echo "FAIL: stabforce --help exits non-zero"; fail=1; }
cmds=$(sed -n 's/^  \([a-z-]*\)  .*/\1/p' /tmp/sf-help.$$)
rm -f /tmp/sf-help.$$
[ -n "$cmds" ] || { echo "FAIL: stabforce --help lists no commands"; exit 1; }

for c in $cmds; do
	out=$("$STABFORCE" "$c" --help 2>&1)
	rc=$?
	if [ $rc -ne 0 ]; then
		echo "FAIL: stabforce $c --help exits $rc: $out"
		fail=1
	fi
	case "$out" in
	*sage:*) ;;
	*) echo "FAIL: stabforce $c --help prints no usage line"; fail=1 ;;
	esac
	if ! grep -q "^\.BI* \"*$c[ \"]" "$man"; then
		echo "FAIL: the man page has no entry for '$c'"
		fail=1
	fi
done

# From a clone the man page is not installed: --help says how to read it.
"$STABFORCE" --help | tail -n 2 | grep -q 'man -l docs/stabforce.1' ||
	{ echo "FAIL: stabforce --help does not end pointing to 'man -l docs/stabforce.1'"; fail=1; }

"$STABFORCE" no-such-command >/dev/null 2>&1
rc=$?
[ $rc -eq 2 ] || { echo "FAIL: unknown command exits $rc, not 2"; fail=1; }
"$STABFORCE" --version | grep -q '^stabforce [0-9]' || { echo "FAIL: --version"; fail=1; }

[ $fail -eq 0 ] && echo "help: all $(echo $cmds | wc -w) commands ok"
exit $fail
