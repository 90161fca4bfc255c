#!/bin/sh
# import.sh - benchmark of the incident register (docs/benchmarks.md,
# "Registers").
#
#   bench/import.sh [BUILDDIR [ROWS]]
#
# BUILDDIR defaults to build (it holds stabforce, bench/gen_acled and
# bench/geo_locate), ROWS to 1000000. Prints markdown on stdout:
#   1. import of ROWS generated rows (gen_acled --plain: ACLED's column
#      order, quoted notes with commas, quotes and newlines, three date
#      forms, text and numeric codes): `stabforce incidents import` with
#      parsing, validation, sector assignment (Gaza schematic polygons) and
#      upsert, against the sqlite3 shell's `.import --csv` into a table of
#      the same 31 columns (which parses and checks nothing); both into a
#      fresh WAL database with synchronous=NORMAL; median of RUNS runs (5),
#      wall time, and peak RSS from /usr/bin/time;
#   2. peak RSS of the import at ROWS/10, ROWS/3 and ROWS (flat in the size);
#   3. point-in-sector throughput (bench/geo_locate);
#   4. report latency on the ROWS-incident store: weekly by sector, by
#      actor, trend, before/after (median of RUNS runs).
# Environment: RUNS (5), SEED (1).
set -u

B=${1:-build}
ROWS=${2:-1000000}
RUNS=${RUNS:-5}
SEED=${SEED:-1}
SF=$B/stabforce
GEN=$B/bench/gen_acled
GEO_BENCH=$B/bench/geo_locate
SECTORS=examples/gaza/sectors.geojson
for p in "$SF" "$GEN" "$GEO_BENCH"; do
	[ -x "$p" ] || { echo "import.sh: '$p' missing: build first (ninja -C $B)" >&2; exit 2; }
done
command -v sqlite3 >/dev/null || { echo "import.sh: the sqlite3 shell is missing" >&2; exit 2; }
[ -x /usr/bin/time ] || { echo "import.sh: /usr/bin/time is missing (package time)" >&2; exit 2; }
T=$(mktemp -d "${TMPDIR:-/tmp}/sf-bench-import.XXXXXX") || exit 1
trap 'rm -rf "$T"' EXIT INT TERM

median() {
	sort -g | awk '{ v[NR] = $1 } END { if (NR % 2) print v[(NR + 1) / 2];
		else printf "%.3f\n", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

# run NAME CMD...: one timed run; appends "seconds kilobytes" to $T/NAME
run() {
	name=$1
	shift
	/usr/bin/time -f '%e %M' -o "$T/time.one" "$@" >/dev/null 2>"$T/err.one" ||
		{ echo "import.sh: '$*' failed:" >&2; cat "$T/err.one" >&2; exit 1; }
	cat "$T/time.one" >>"$T/$name"
}

echo "generating $ROWS rows" >&2
"$GEN" --rows "$ROWS" --seed "$SEED" --plain >"$T/in.csv" 2>/dev/null
size=$(wc -c <"$T/in.csv")

cols="event_id_cnty,event_date,year,time_precision,disorder_type,event_type,sub_event_type,actor1,assoc_actor_1,inter1,actor2,assoc_actor_2,inter2,interaction,civilian_targeting,iso,region,country,admin1,admin2,admin3,location,latitude,longitude,geo_precision,source,source_scale,notes,fatalities,tags,timestamp"
{
	echo "PRAGMA journal_mode=WAL;"
	echo "PRAGMA synchronous=NORMAL;"
	echo "CREATE TABLE t($cols);"
	echo ".import --csv --skip 1 $T/in.csv t"
} >"$T/peer.sql"

i=0
while [ $i -lt "$RUNS" ]; do
	echo "run $((i + 1))/$RUNS" >&2
	rm -f "$T/peer.db" "$T/peer.db-wal" "$T/peer.db-shm"
	run peer sqlite3 "$T/peer.db" ".read $T/peer.sql"
	rm -f "$T/sf.db" "$T/sf.db-wal" "$T/sf.db-shm"
	run ours "$SF" incidents import "$T/in.csv" --sectors "$SECTORS" --db "$T/sf.db" --no-progress
	i=$((i + 1))
done
n=$(sqlite3 "$T/sf.db" 'SELECT count(*) FROM incidents')
[ "$n" = "$ROWS" ] || { echo "import.sh: store holds $n incidents, not $ROWS" >&2; exit 1; }
peer_s=$(cut -d' ' -f1 "$T/peer" | median)
ours_s=$(cut -d' ' -f1 "$T/ours" | median)
peer_kb=$(cut -d' ' -f2 "$T/peer" | median)
ours_kb=$(cut -d' ' -f2 "$T/ours" | median)

# memory against size
mem=""
for r in $((ROWS / 10)) $((ROWS / 3)); do
	"$GEN" --rows "$r" --seed "$SEED" --plain >"$T/m.csv" 2>/dev/null
	rm -f "$T/m.db"*
	: >"$T/mem"
	run mem "$SF" incidents import "$T/m.csv" --sectors "$SECTORS" --db "$T/m.db" --no-progress
	mem="$mem| $r | $(awk '{ printf "%.1f", $2 / 1024 }' "$T/mem") |
"
done

geo=$("$GEO_BENCH" "$SECTORS" 1000000)

# report latency on the big store
rep() {
	: >"$T/rep"
	i=0
	while [ $i -lt "$RUNS" ]; do
		run rep "$SF" incidents report --db "$T/sf.db" "$@"
		i=$((i + 1))
	done
	cut -d' ' -f1 "$T/rep" | median | awk '{ printf "%.0f", $1 * 1000 }'
}
r_week=$(rep --by week --by sector --table periods)
r_actor=$(rep --by total --by actor --table periods)
r_trend=$(rep --by sector --table trend)
r_split=$(rep --by total --by type --ceasefire 2025-01-01 --table split)
r_all=$(rep --by week --by sector --ceasefire 2025-01-01)

cat <<EOF
Input: $ROWS generated rows ($(awk "BEGIN { printf \"%.0f\", $size / 1e6 }") MB), \`gen_acled --rows $ROWS --seed $SEED --plain\`.
Median of $RUNS runs, wall time; peak RSS from /usr/bin/time.

| import of $ROWS rows | seconds | rows/s | peak RSS (MB) |
|---|---:|---:|---:|
| sqlite3 shell \`.import --csv\` (peer: parses and checks nothing) | $peer_s | $(awk "BEGIN { printf \"%.0f\", $ROWS / $peer_s }") | $(awk "BEGIN { printf \"%.1f\", $peer_kb / 1024 }") |
| \`stabforce incidents import\` (parse, validate, sector, upsert) | $ours_s | $(awk "BEGIN { printf \"%.0f\", $ROWS / $ours_s }") | $(awk "BEGIN { printf \"%.1f\", $ours_kb / 1024 }") |

Ratio stabforce / peer: **$(awk "BEGIN { printf \"%.2f\", $ours_s / $peer_s }")** (target: at most 1.5).

Peak RSS of the import against the file size:

| rows | peak RSS (MB) |
|---:|---:|
$mem| $ROWS | $(awk "BEGIN { printf \"%.1f\", $ours_kb / 1024 }") |

Point in sector (\`bench/geo_locate\`, 1,000,000 points over the Strip's
bounding box plus a margin, then the inside ones again):

\`\`\`
$geo
\`\`\`

Reports on the $ROWS-incident store (process start to exit, median of $RUNS):

| report | ms |
|---|---:|
| \`--by week --by sector\` (periods) | $r_week |
| \`--by total --by actor\` | $r_actor |
| \`--by sector --table trend\` | $r_trend |
| \`--by total --by type --ceasefire 2025-01-01 --table split\` | $r_split |
| all three tables, weekly by sector, with the ceasefire split | $r_all |
EOF
