#!/bin/sh
# server.sh - benchmark of `stabforce serve` (docs/benchmarks.md, "Server").
#
#   bench/server.sh [BUILDDIR [ROWS [SECONDS]]]
#
# BUILDDIR defaults to build (stabforce and bench/gen_acled), ROWS to
# 1000000 incidents, SECONDS to 30 per endpoint. On a fresh store it
# imports ROWS generated incidents (gen_acled --plain, sectors from the
# Gaza example) and the Gaza aid figures, runs a plan job on the Gaza
# example, then measures with wrk on 127.0.0.1, one endpoint at a time,
# side by side with the same server's /health (the machine's ceiling):
#   - the summaries: the incident report, the aid report, the cached plan
#     (a finished job's result), the job document (which embeds it);
#   - the incident list, one page of 100: the first page, and pages after
#     random cursors across the whole store (a Lua script varies ?after=,
#     so each request is a different query, not a cached answer);
#   - each summary's first answer after the data changed (curl, the cost
#     the answer cache saves), median of 5.
# Prints markdown on stdout. Environment: THREADS (wrk threads, 2),
# CONNS (connections, 64), SERVER_THREADS (--threads, 4), SEED (1), PLAN
# (the example whose plan is the cached one: gaza, the record's; minimal
# for a quick proof that the script works, where a Gaza solve would take
# minutes on a loaded machine).
# Traffic goes to 127.0.0.1 only, bounded by SECONDS per run.
set -u

B=${1:-build}
ROWS=${2:-1000000}
SECS=${3:-30}
THREADS=${THREADS:-2}
CONNS=${CONNS:-64}
SERVER_THREADS=${SERVER_THREADS:-4}
SEED=${SEED:-1}
PLAN=${PLAN:-gaza}
SF=$B/stabforce
GEN=$B/bench/gen_acled
for p in "$SF" "$GEN"; do
	[ -x "$p" ] || { echo "server.sh: '$p' missing: build first (ninja -C $B)" >&2; exit 2; }
done
for c in wrk curl sqlite3; do
	command -v $c >/dev/null || { echo "server.sh: $c is missing (scripts/bootstrap)" >&2; exit 2; }
done
T=$(mktemp -d "${TMPDIR:-/tmp}/sf-bench-server.XXXXXX") || exit 1
PID=
cleanup() {
	[ -n "$PID" ] && kill "$PID" 2>/dev/null && wait "$PID" 2>/dev/null
	rm -rf "$T"
}
trap cleanup EXIT INT TERM
DB=$T/bench.db

# ---- the store -------------------------------------------------------
mkdir "$T/scenarios"
cp -r "examples/$PLAN" "$T/scenarios/$PLAN" ||
	{ echo "server.sh: no example '$PLAN'" >&2; exit 2; }
"$GEN" --rows "$ROWS" --seed "$SEED" --plain > "$T/incidents.csv"
t0=$(date +%s.%N)
"$SF" incidents import "$T/incidents.csv" --scenario examples/gaza/scenario.yaml --db "$DB" >/dev/null ||
	{ echo "server.sh: import failed" >&2; exit 1; }
t1=$(date +%s.%N)
"$SF" aid import examples/gaza/aid-trucks-daily-2023-10-07_2024-01-30.csv --source UN2720 \
	--db "$DB" >/dev/null || { echo "server.sh: aid import failed" >&2; exit 1; }
rm -f "$T/incidents.csv"
TOKEN=$("$SF" token create --role editor --name bench --db "$DB") || exit 1
NINC=$(sqlite3 "$DB" "SELECT count(*) FROM incidents")

# ---- the server ------------------------------------------------------
"$SF" serve --listen 127.0.0.1:0 --port-file "$T/port" --db "$DB" --scenarios "$T/scenarios" \
	--jobs 1 --threads "$SERVER_THREADS" --rate 0 --quiet 2> "$T/server.log" &
PID=$!
i=0
while [ ! -s "$T/port" ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
[ -s "$T/port" ] || { echo "server.sh: the server did not start" >&2; cat "$T/server.log" >&2; exit 1; }
U=http://127.0.0.1:$(cat "$T/port")
AUTH="Authorization: Bearer $TOKEN"
JOB=$(curl -s -H "$AUTH" -d "{\"scenario\": \"$PLAN\"}" "$U/api/v1/plans" |
	sed -n 's/^  "id": \([0-9]*\),$/\1/p')
[ -n "$JOB" ] || { echo "server.sh: no plan job" >&2; exit 1; }
i=0
until curl -s -H "$AUTH" "$U/api/v1/jobs/$JOB" | grep -q '"status": "done"'; do
	sleep 1
	i=$((i + 1))
	[ $i -lt 1800 ] || { echo "server.sh: the plan job did not finish" >&2; exit 1; }
done

# ---- wrk -------------------------------------------------------------
# Cursors across the store for the list's pages (the keyset of 1000 random rows).
sqlite3 "$DB" "SELECT date(day * 86400, 'unixepoch') || ',' || event_id_cnty FROM incidents
	ORDER BY random() LIMIT 1000" > "$T/cursors"
cat > "$T/pages.lua" <<EOF
local cursors = {}
for line in io.lines("$T/cursors") do cursors[#cursors + 1] = line end
request = function()
	local c = cursors[math.random(#cursors)]
	return wrk.format("GET", "/api/v1/incidents?limit=100&after=" .. c)
end
EOF

# One wrk run: "| name | req/s | p50 ms | p99 ms | errors |".
run() {
	name=$1
	shift
	wrk -t "$THREADS" -c "$CONNS" -d "${SECS}s" --latency -H "$AUTH" "$@" > "$T/wrk.out" 2>&1
	awk -v name="$name" '
		function ms(v) {
			if (v ~ /us$/) return substr(v, 1, length(v) - 2) / 1000
			if (v ~ /ms$/) return substr(v, 1, length(v) - 2) + 0
			if (v ~ /s$/) return substr(v, 1, length(v) - 1) * 1000
			return v
		}
		/^ +50%/ { p50 = ms($2) }
		/^ +99%/ { p99 = ms($2) }
		/Requests\/sec/ { rps = $2 }
		/Non-2xx/ { err += $NF }
		/Socket errors/ { n = split($0, a, /[ ,]+/); for (i = 1; i <= n; i++) if (a[i] ~ /^[0-9]+$/) err += a[i] }
		END { printf "| %s | %.0f | %.2f | %.2f | %d |\n", name, rps, p50, p99, err }
	' "$T/wrk.out"
}

# The first answer after the data changed (a review moves the version), ms, median of 5.
cold() {
	path=$1
	for k in 1 2 3 4 5; do
		curl -s -o /dev/null -H "$AUTH" -X POST -d '{"a": "bench-a", "b": "bench-b", "decision": "distinct"}' \
			"$U/api/v1/incidents/duplicates"
		curl -s -o /dev/null -w '%{time_total}\n' -H "$AUTH" "$U$path"
	done | sort -n | sed -n 3p | awk '{ printf "%.1f", $1 * 1000 }'
}

echo "# stabforce serve on $NINC incidents, the $PLAN plan cached ($(nproc) cores, wrk -t$THREADS -c$CONNS -d${SECS}s, --threads $SERVER_THREADS)"
echo
awk -v a="$t0" -v b="$t1" 'BEGIN { printf "import of the store: %.0f s\n\n", b - a }'
echo "| endpoint | req/s | p50 ms | p99 ms | errors |"
echo "|---|---:|---:|---:|---:|"
run "/health (the ceiling)" "$U/health"
run "incident report" "$U/api/v1/incidents/report"
run "aid report" "$U/api/v1/aid/report"
run "cached plan (job result)" "$U/api/v1/jobs/$JOB/result"
run "job document (embeds the plan)" "$U/api/v1/jobs/$JOB"
run "incident list, first page of 100" "$U/api/v1/incidents?limit=100"
run "incident list, random pages of 100" -s "$T/pages.lua" "$U"
echo
echo "| first answer after a change | ms (median of 5) |"
echo "|---|---:|"
echo "| incident report | $(cold /api/v1/incidents/report) |"
echo "| aid report | $(cold /api/v1/aid/report) |"
echo "| incident list, first page | $(cold '/api/v1/incidents?limit=100') |"
