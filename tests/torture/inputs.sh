#!/bin/sh
# inputs.sh - hostile inputs to every command that reads a file: the
# scenario (validate, plan), its sector map, a plan JSON (check-plan), an
# incident CSV, an aid CSV, location overrides. Truncated, binary, empty,
# endless (/dev/zero), over the size cap, deeply nested, bad encodings,
# extreme numbers, directories and links. Each must give the documented
# exit status and a message naming the file and the position, with no
# signal, no process left and nothing written.
#
#   sh inputs.sh        ($STABFORCE, $SRCDIR from meson)
set -u
. "$(dirname "$0")/lib.sh"
SF=$STABFORCE
MIN=$SRCDIR/examples/minimal
cp "$MIN/scenario.yaml" "$MIN/sectors.geojson" "$T/"
S=$T/scenario.yaml

# edit FILE SED-EXPRESSION: a copy of the minimal scenario, edited
edit() {
	sed "$2" "$S" >"$T/$1"
}

# ------------------------------------------------------------ scenario
line65=$(sed -n 65p "$S")
case $line65 in *Alfaland*) ;; *) fail "examples/minimal line 65 moved: update inputs.sh" ;; esac
printf '%s' "$(head -n 64 "$S")" >"$T/nul.yaml"
printf '\n    name: Alfa\000land\n' >>"$T/nul.yaml"
tail -n +66 "$S" >>"$T/nul.yaml"
sed '65s/Alfaland/Alfa\xffland/' "$S" >"$T/latin1.yaml"
for cmd in validate plan; do
	expect 2 "nul.yaml:65:15: error: a NUL byte" "$SF" $cmd "$T/nul.yaml"
	expect 2 "latin1.yaml:65:15: error: invalid UTF-8" "$SF" $cmd "$T/latin1.yaml"
done
head -c 700 "$S" >"$T/truncated.yaml"
expect 2 "truncated.yaml:[0-9]+:[0-9]+: error" "$SF" validate "$T/truncated.yaml"
head -c 3000 /bin/sh >"$T/binary.yaml"
expect 2 "binary.yaml:[0-9]+:[0-9]+: error" "$SF" validate "$T/binary.yaml"
: >"$T/empty.yaml"
expect 2 "empty.yaml:1:1: error: the scenario is empty" "$SF" validate "$T/empty.yaml"
awk 'BEGIN { for (i = 0; i < 100000; i++) printf "["; print "" }' >"$T/deep.yaml"
expect 2 "deep.yaml:1:[0-9]+: error: YAML nested deeper than 64 levels" "$SF" validate "$T/deep.yaml"
# a billion laughs: aliases are pointers, so this is cheap and then wrong
prev=a
{
	echo 'a: &a [x, x, x, x, x, x, x, x, x, x]'
	for i in b c d e f g h i j; do
		echo "$i: &$i [*$prev, *$prev, *$prev, *$prev, *$prev, *$prev, *$prev, *$prev, *$prev, *$prev]"
		prev=$i
	done
} >"$T/laughs.yaml"
expect 2 "laughs.yaml:1:1: error" "$SF" validate "$T/laughs.yaml"
truncate -s 65M "$T/huge.yaml"
expect 2 "huge.yaml: error: '$T/huge.yaml' is too large: more than 64 MiB, the limit for a scenario" "$SF" validate "$T/huge.yaml"
expect 2 "'/dev/zero' is too large: more than 64 MiB" "$SF" validate /dev/zero
mkdir "$T/dir.yaml"
expect 4 "cannot read '$T/dir.yaml': it is a directory" "$SF" validate "$T/dir.yaml"
expect 4 "cannot read '$T/none.yaml': No such file or directory" "$SF" plan "$T/none.yaml"
ln -s "$S" "$T/link.yaml"
expect 0 "" "$SF" validate "$T/link.yaml"
edit inf.yaml 's/monthly_cost: 300000 /monthly_cost: 1e400 /'
expect 2 "inf.yaml:49:19: error: unit_types\[0\].monthly_cost: expected a finite number" "$SF" validate "$T/inf.yaml"
edit hexnum.yaml 's/monthly_cost: 300000 /monthly_cost: 0x1p4 /'
expect 2 "hexnum.yaml:49:19: error: unit_types\[0\].monthly_cost: expected a number" "$SF" validate "$T/hexnum.yaml"

# ------------------------------------------------------------ sector map
edit zero-map.yaml 's|geojson: sectors.geojson|geojson: /dev/zero|'
expect 2 "zero-map.yaml:16:12: error: sectors.geojson: '/dev/zero' is too large: more than 256 MiB, the limit for a sector map" "$SF" validate "$T/zero-map.yaml"
: >"$T/empty.geojson"
edit empty-map.yaml 's|geojson: sectors.geojson|geojson: empty.geojson|'
expect 2 "empty.geojson:1:1: error: the sector map is empty" "$SF" validate "$T/empty-map.yaml"
head -c 200 "$T/sectors.geojson" >"$T/cut.geojson"
edit cut-map.yaml 's|geojson: sectors.geojson|geojson: cut.geojson|'
expect 2 "cut.geojson:[0-9]+:[0-9]+: error: invalid JSON" "$SF" validate "$T/cut-map.yaml"
tr '\n' '\000' <"$T/sectors.geojson" >"$T/nul.geojson"
edit nul-map.yaml 's|geojson: sectors.geojson|geojson: nul.geojson|'
expect 2 "nul.geojson:1:[0-9]+: error: invalid JSON: a NUL byte" "$SF" validate "$T/nul-map.yaml"
awk 'BEGIN { for (i = 0; i < 100000; i++) printf "["; print "" }' >"$T/deep.geojson"
edit deep-map.yaml 's|geojson: sectors.geojson|geojson: deep.geojson|'
expect 2 "deep.geojson:1:[0-9]+: error: invalid JSON" "$SF" validate "$T/deep-map.yaml"
edit dir-map.yaml "s|geojson: sectors.geojson|geojson: $T|"
expect 2 "dir-map.yaml:16:12: error: sectors.geojson: cannot read '$T': it is a directory" "$SF" validate "$T/dir-map.yaml"

# ------------------------------------------------------------ plan JSON
"$SF" plan "$S" --format json -o "$T/plan.json" || fail "plan of the minimal example"
: >"$T/empty.json"
expect 2 "empty.json:1:1: the plan is empty" "$SF" check-plan "$S" "$T/empty.json"
head -c 300 "$T/plan.json" >"$T/cut.json"
expect 2 "cut.json:[0-9]+:[0-9]+: invalid JSON" "$SF" check-plan "$S" "$T/cut.json"
printf '{"stage1": {}, "assignments": [\n' >"$T/eof.json"
expect 2 "eof.json:2:1: invalid JSON" "$SF" check-plan "$S" "$T/eof.json"
expect 2 "'/dev/zero' is too large: more than 512 MiB, the limit for a plan" "$SF" check-plan "$S" /dev/zero
awk 'BEGIN { for (i = 0; i < 100000; i++) printf "{\"a\":"; print "" }' >"$T/deep.json"
expect 2 "deep.json:1:[0-9]+: invalid JSON" "$SF" check-plan "$S" "$T/deep.json"
head -c 3000 /bin/sh >"$T/binary.json"
expect 2 "binary.json:1:[0-9]+: invalid JSON" "$SF" check-plan "$S" "$T/binary.json"
expect 4 "cannot read '$T/none.json'" "$SF" check-plan "$S" "$T/none.json"
printf '{"stage1": {},\n "assignments": [1\000, 2]}' >"$T/nul.json"
expect 2 "nul.json:2:19: invalid JSON: a NUL byte" "$SF" check-plan "$S" "$T/nul.json"
# a row whose units are a string or absurd says what they are
# first_row_units VALUE: the plan with the first assignment row's units replaced
first_row_units() {
	awk -v v="$1" '/"assignments"/ { a = 1 } a && !done && /"units":/ { sub(/"units": *[0-9.e+]+/, "\"units\": " v); done = 1 } { print }' "$T/plan.json"
}
first_row_units '"4"' >"$T/units-string.json"
expect 1 "" "$SF" check-plan "$S" "$T/units-string.json"
grep -q 'units is the string' "$T/out" || fail "check-plan: units as a string not named"
first_row_units 1e308 >"$T/units-huge.json"
expect 1 "" "$SF" check-plan "$S" "$T/units-huge.json"
grep -q 'units is 1e+308, not a whole number in 1..1000000000' "$T/out" || fail "check-plan: units 1e308: $(head -3 "$T/out")"

# ------------------------------------------------------------ incident CSV
H='event_id_cnty,event_date,year,time_precision,disorder_type,event_type,sub_event_type,actor1,country,admin1,location,latitude,longitude,geo_precision,source,notes,fatalities,timestamp'
R='2025-01-02,2025,1,Political violence,Battles,Armed clash,A,Palestine,Gaza,Gaza City'
{
	echo "$H"
	echo "PSE1,$R,31.5,34.45,1,src,note,0,1735776000"
	echo "PSE2,$R,0x1p4,34.45,1,src,note,0,1735776000"
	echo "PSE3,$R,31.5, inf,1,src,note,0,1735776000"
	printf 'PSE4,%s,31.5,34.45,1,src,no\000te,0,1735776000\r\n' "$R"
	printf 'PSE5,%s,31.5,34.45,1,src,"' "$R"
	head -c 1100000 /dev/zero | tr '\0' x
	printf '",0,1735776000\n'
} >"$T/inc.csv"
expect 0 "" "$SF" incidents import "$T/inc.csv" --db "$T/i.db" --rejects "$T/rej.csv" --no-progress
grep -q 'read 5, inserted 1, .* rejected 4' "$T/out" || fail "incident import: $(cat "$T/out")"
grep -q "^3,bad latitude '0x1p4'" "$T/rej.csv" || fail "hex latitude not rejected: $(cut -c1-60 "$T/rej.csv")"
# the rejected rows exactly as read (their line end aside): NUL byte, 1.1 MB field
tail -n 4 "$T/inc.csv" | tr -d '\r' >"$T/rows-in"
sed -n '2,$p' "$T/rej.csv" | sed 's/^[0-9]*,[^,]*,//' >"$T/rows-out"
cmp -s "$T/rows-in" "$T/rows-out" || fail "rejected rows not kept exactly as read"
expect 2 "/dev/zero:1:1: a record longer than 64 MiB" "$SF" incidents import /dev/zero --db "$T/i.db"
head -c 3000 /bin/sh >"$T/binary.csv"
expect 2 "binary.csv:1" "$SF" incidents import "$T/binary.csv" --db "$T/i.db"
: >"$T/empty.csv"
expect 2 "empty.csv:1: empty file" "$SF" incidents import "$T/empty.csv" --db "$T/i.db"
expect 4 "cannot open '$T/none.csv'" "$SF" incidents import "$T/none.csv" --db "$T/i.db"

# ------------------------------------------------------------ aid CSV
printf 'date,crossing,trucks\n2024-01-01,rafah,0x10\n2024-01-02,rafah,12\n' >"$T/aid.csv"
expect 0 "" "$SF" aid import "$T/aid.csv" --db "$T/a.db" --rejects "$T/aid-rej.csv"
grep -q '^2,' "$T/aid-rej.csv" || fail "aid: hex trucks not rejected"
expect 2 "/dev/zero:1:1: a record longer than 64 MiB" "$SF" aid import /dev/zero --db "$T/a.db"
expect 2 "empty.csv:1: empty file" "$SF" aid import "$T/empty.csv" --db "$T/a.db"

# ------------------------------------------------------------ overrides
expect 2 "/dev/zero:1: '/dev/zero' is too large: more than 16 MiB, the limit for an overrides CSV" "$SF" incidents import "$T/inc.csv" --db "$T/i2.db" --scenario "$S" --overrides /dev/zero
printf 'place,where\nx,y\n' >"$T/ovr.csv"
expect 2 "ovr.csv:1.*'location' and 'sector'" "$SF" incidents import "$T/inc.csv" --db "$T/i2.db" --scenario "$S" --overrides "$T/ovr.csv"
expect 4 "cannot open overrides '$T/none.csv'" "$SF" incidents import "$T/inc.csv" --db "$T/i2.db" --scenario "$S" --overrides "$T/none.csv"

finish
