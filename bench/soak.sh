#!/bin/sh
# soak.sh - a soak of `stabforce serve` under mixed reads, writes and jobs
# (docs/benchmarks.md, "Server").
#
#   bench/soak.sh [BUILDDIR [SECONDS [ROWS]]]
#
# SECONDS defaults to 600 (ten minutes), ROWS to 100000 incidents in the
# store to start with. For SECONDS, at once and on 127.0.0.1 only:
#   - reads: wrk (2 threads, 32 connections) rotating over /health, the
#     incident report, the aid report, pages of the incident list after
#     random cursors, a job, the job list and the edit log;
#   - writes: a review every 0.2 s (If-Match with the version just read)
#     and an import of 200 new incidents every 5 s;
#   - jobs: a plan job every 10 s, each with another time limit so that
#     none is answered from the cache, cancelled when still queued after 30 s.
# The server's resident memory and open descriptors are read from /proc
# after a warm-up of the same reads (a tenth of the time, 30 s at least:
# it fills the answer cache and the pool of store handles) and at the end. Prints markdown: requests, errors
# (wrk's non-2xx and socket errors; writes and jobs that failed), RSS at
# the start and the end and its growth, descriptors at the start and the
# end. Exit 1 when any request failed, RSS grew 10 % or more, or a
# descriptor leaked.
set -u

B=${1:-build}
SECS=${2:-600}
ROWS=${3:-100000}
SF=$B/stabforce
GEN=$B/bench/gen_acled
for p in "$SF" "$GEN"; do
	[ -x "$p" ] || { echo "soak.sh: '$p' missing: build first (ninja -C $B)" >&2; exit 2; }
done
for c in wrk curl sqlite3; do
	command -v $c >/dev/null || { echo "soak.sh: $c is missing (scripts/bootstrap)" >&2; exit 2; }
done
[ "$SECS" -ge 70 ] || { echo "soak.sh: at least 70 seconds" >&2; exit 2; }
T=$(mktemp -d "${TMPDIR:-/tmp}/sf-bench-soak.XXXXXX") || exit 1
PID=
cleanup() {
	[ -n "$PID" ] && kill "$PID" 2>/dev/null && wait "$PID" 2>/dev/null
	rm -rf "$T"
}
trap cleanup EXIT INT TERM
DB=$T/soak.db

mkdir "$T/scenarios"
cp -r examples/minimal "$T/scenarios/minimal"
"$GEN" --rows "$ROWS" --seed 3 --plain > "$T/incidents.csv"
"$SF" incidents import "$T/incidents.csv" --scenario examples/gaza/scenario.yaml --db "$DB" >/dev/null ||
	{ echo "soak.sh: import failed" >&2; exit 1; }
"$SF" aid import examples/gaza/aid-trucks-daily-2023-10-07_2024-01-30.csv --source UN2720 \
	--db "$DB" >/dev/null || exit 1
# Fresh ids for the imports during the soak: the generator's rows, renumbered.
head -1 "$T/incidents.csv" > "$T/header.csv"
TOKEN=$("$SF" token create --role editor --name soak --db "$DB") || exit 1
AUTH="Authorization: Bearer $TOKEN"

"$SF" serve --listen 127.0.0.1:0 --port-file "$T/port" --db "$DB" --scenarios "$T/scenarios" \
	--jobs 1 --rate 0 --quiet 2> "$T/server.log" &
PID=$!
i=0
while [ ! -s "$T/port" ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
[ -s "$T/port" ] || { echo "soak.sh: the server did not start" >&2; exit 1; }
U=http://127.0.0.1:$(cat "$T/port")
JOB=$(curl -s -H "$AUTH" -d '{"scenario": "minimal"}' "$U/api/v1/plans" |
	sed -n 's/^  "id": \([0-9]*\),$/\1/p')

sqlite3 "$DB" "SELECT date(day * 86400, 'unixepoch') || ',' || event_id_cnty FROM incidents
	ORDER BY random() LIMIT 1000" > "$T/cursors"
sqlite3 "$DB" "SELECT event_id_cnty FROM incidents ORDER BY random() LIMIT 200" > "$T/ids"
cat > "$T/mix.lua" <<EOF
local cursors = {}
for line in io.lines("$T/cursors") do cursors[#cursors + 1] = line end
local paths = {"/health", "/api/v1/incidents/report", "/api/v1/aid/report",
	"/api/v1/jobs/$JOB", "/api/v1/jobs", "/api/v1/edits?event_id=batch:1", "PAGE"}
local n = 0
request = function()
	n = n + 1
	local p = paths[n % #paths + 1]
	if p == "PAGE" then
		p = "/api/v1/incidents?limit=100&after=" .. cursors[math.random(#cursors)]
	end
	return wrk.format("GET", p)
end
EOF

rss() { awk '/^VmRSS/ { print $2 }' /proc/"$PID"/status; }
# The server's own memory figures (kB): cache bytes, heap in use, heap free
# ("-" where /metrics leaves one out, as under a sanitizer).
mem() {
	curl -s -H "$AUTH" "$U/metrics" | awk '
		/^stabforce_cache_bytes / { c = $2 }
		/^stabforce_heap_bytes\{state="in_use"\}/ { u = $2 }
		/^stabforce_heap_bytes\{state="free"\}/ { f = $2 }
		function kb(x) { return x == "" ? "-" : sprintf("%d", x / 1024) }
		END { print kb(c), kb(u), kb(f) }'
}
fds() { ls /proc/"$PID"/fd | wc -l; }

END=$(($(date +%s) + SECS))
# writes: reviews against the version just read
(
	fail=0 n=0
	while [ "$(date +%s)" -lt "$END" ]; do
		id=$(sed -n "$((n % 200 + 1))p" "$T/ids")
		v=$(curl -s -D - -o /dev/null -H "$AUTH" "$U/api/v1/incidents/$id" | tr -d '\r' |
			sed -n 's/^ETag: "\([0-9]*\)"$/\1/p')
		st=$(curl -s -o /dev/null -w '%{http_code}' -H "$AUTH" -H "If-Match: \"$v\"" \
			-d "{\"status\": \"corroborated\", \"note\": \"soak $n\"}" "$U/api/v1/incidents/$id/review")
		[ "$st" = 200 ] || fail=$((fail + 1))
		n=$((n + 1))
		sleep 0.2
	done
	echo "$n $fail" > "$T/reviews"
) &
# writes: imports of fresh rows
(
	fail=0 n=0
	while [ "$(date +%s)" -lt "$END" ]; do
		{ cat "$T/header.csv"; sed -n "$((n * 200 + 2)),$((n * 200 + 201))p" "$T/incidents.csv" |
			sed "s/^\([A-Z]*\)\([0-9]*\),/SOAK$n-\2,/"; } > "$T/batch.csv"
		st=$(curl -s -o /dev/null -w '%{http_code}' -H "$AUTH" --data-binary @"$T/batch.csv" \
			"$U/api/v1/incidents/import")
		[ "$st" = 200 ] || fail=$((fail + 1))
		n=$((n + 1))
		sleep 5
	done
	echo "$n $fail" > "$T/imports"
) &
# jobs
(
	fail=0 n=0
	while [ "$(date +%s)" -lt "$END" ]; do
		st=$(curl -s -o /dev/null -w '%{http_code}' -H "$AUTH" \
			-d "{\"scenario\": \"minimal\", \"time_limit\": $((60 + n))}" "$U/api/v1/plans")
		[ "$st" = 202 ] || fail=$((fail + 1))
		n=$((n + 1))
		sleep 10
	done
	echo "$n $fail" > "$T/jobs"
) &
# The warm-up fills the answer cache and the pool of store handles.
WARM=$((SECS / 10 > 30 ? SECS / 10 : 30))
wrk -t 2 -c 32 -d "${WARM}s" -H "$AUTH" -s "$T/mix.lua" "$U" > "$T/warm.out" 2>&1
RSS0=$(rss)
MEM0=$(mem)
FD0=$(fds)
wrk -t 2 -c 32 -d "$((SECS - WARM - 5))s" -H "$AUTH" -s "$T/mix.lua" "$U" > "$T/wrk.out" 2>&1
wait_for() { while [ ! -s "$T/$1" ]; do sleep 1; done; }
wait_for reviews
wait_for imports
wait_for jobs
RSS1=$(rss)
MEM1=$(mem)
FD1=$(fds)
FAILED=$(sqlite3 "$DB" "SELECT count(*) FROM jobs WHERE status = 'failed'")
DONE=$(sqlite3 "$DB" "SELECT count(*) FROM jobs WHERE status = 'done'")
READS=$(awk '/requests in/ { n += $1 } END { print n + 0 }' "$T/warm.out" "$T/wrk.out")
RERR=$(awk '/Non-2xx/ { e += $NF } /Socket errors/ { n = split($0, a, /[ ,]+/);
	for (i = 1; i <= n; i++) if (a[i] ~ /^[0-9]+$/) e += a[i] } END { print e + 0 }' "$T/warm.out" "$T/wrk.out")
set -- $(cat "$T/reviews") $(cat "$T/imports") $(cat "$T/jobs")
GROWTH=$(awk -v a="$RSS0" -v b="$RSS1" 'BEGIN { printf "%.1f", (b - a) * 100 / a }')
echo "# soak of stabforce serve: ${SECS} s, $ROWS incidents to start"
echo
echo "| what | count | errors |"
echo "|---|---:|---:|"
echo "| reads (wrk, 7 endpoints in turn, warm-up included) | $READS | $RERR |"
echo "| reviews | $1 | $2 |"
echo "| imports of 200 rows | $3 | $4 |"
echo "| plan jobs submitted (done / failed) | $5 ($DONE / $FAILED) | $6 |"
echo
echo "| resident memory kB, after warm-up | at the end | growth | descriptors, after warm-up | at the end |"
echo "|---:|---:|---:|---:|---:|"
echo "| $RSS0 | $RSS1 | $GROWTH % | $FD0 | $FD1 |"
echo
echo "The server's /metrics, kB, after the warm-up -> at the end (a growth of"
echo "the cache is the cache filling, of heap free is pages not yet given back,"
echo "of heap in use is memory held):"
echo
echo "| answer cache | heap in use | heap free |"
echo "|---:|---:|---:|"
set -- $MEM0 $MEM1 $(cat "$T/reviews") $(cat "$T/imports") $(cat "$T/jobs")
echo "| $1 -> $4 | $2 -> $5 | $3 -> $6 |"
shift 6
ok=$(awk -v g="$GROWTH" -v e="$((RERR + $2 + $4 + $6 + FAILED))" -v f0="$FD0" -v f1="$FD1" \
	'BEGIN { print (g < 10 && e == 0 && f1 <= f0) ? 1 : 0 }')
[ "$ok" = 1 ] || { echo; echo "soak.sh: FAILED (errors, memory growth or a descriptor leak)"; exit 1; }
