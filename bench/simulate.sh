#!/usr/bin/env bash
# Simulate benchmark: time 'pactwatch simulate' on a hard scenario and,
# optionally, ingesting it into a fresh database.
#
# usage: bench/simulate.sh [EVENTS_PER_ORG_DAY [DAYS [ORGS [SEED]]]]
#   defaults: 600 events per organisation and day, 60 days, 50 organisations,
#   seed 1 (about 1.9 million records, 0.85 GB)
#   10 million records: bench/simulate.sh 3400
# environment:
#   OUT=dir       where the scenario goes (default bench/out/sim-EPD-DAYS-ORGS)
#   INGEST=1      also import intel and organisations and ingest the telemetry
#   PACTWATCH=bin use this pactwatch binary instead of building one
# Run from the repository root. Needs Go; /usr/bin/time for peak RSS.
set -euo pipefail

EPD=${1:-600}
DAYS=${2:-60}
ORGS=${3:-50}
SEED=${4:-1}
OUT=${OUT:-bench/out/sim-$EPD-$DAYS-$ORGS}
PW=${PACTWATCH:-bench/out/pactwatch}
if [[ -z ${PACTWATCH:-} ]]; then
	mkdir -p bench/out
	go build -o "$PW" ./cmd/pactwatch
fi
TIME=/usr/bin/time
[[ -x $TIME ]] || TIME=""

rm -rf "$OUT"
echo "== simulate --profile hard --seed $SEED --days $DAYS --orgs $ORGS --events-per-org-day $EPD" >&2
${TIME:+$TIME -f "simulate: %e s wall, %M KiB peak RSS"} "$PW" simulate --seed "$SEED" --profile hard \
	--days "$DAYS" --orgs "$ORGS" --events-per-org-day "$EPD" --out "$OUT"
du -sh "$OUT"

if [[ -n ${INGEST:-} ]]; then
	DB=$OUT.db
	rm -f "$DB"
	"$PW" --db "$DB" intel import "$OUT/intel.json" >/dev/null
	"$PW" --db "$DB" orgs import "$OUT/orgs.json" >/dev/null
	echo "== ingest" >&2
	${TIME:+$TIME -f "ingest: %e s wall, %M KiB peak RSS"} "$PW" --db "$DB" ingest "$OUT"/eve/*.json "$OUT"/zeek/*/*.log >/dev/null
fi
