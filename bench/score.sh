#!/usr/bin/env bash
# Score benchmark: simulate scenarios and score pactwatch on each, one row
# per seed, with issue 4's metrics.
#
# usage: bench/score.sh [SEEDS [PROFILE [DAYS [ORGS]]]]
#   defaults: seeds "1 2 3 4 5", profile hard, 60 days, 50 organisations
#   bench/score.sh "11 12 13" easy 90 60
# environment:
#   PACTWATCH=bin  use this pactwatch binary instead of building one
#   KEEP=1         keep the scenarios and databases in bench/out/score-*
# The attribution model was fitted on hard seeds 101-105 (see
# bench/cmd/attrfit): score on other seeds. Run from the repository root.
set -euo pipefail

SEEDS=${1:-1 2 3 4 5}
PROFILE=${2:-hard}
DAYS=${3:-60}
ORGS=${4:-50}
PW=${PACTWATCH:-bench/out/pactwatch}
if [[ -z ${PACTWATCH:-} ]]; then
	mkdir -p bench/out
	go build -o "$PW" ./cmd/pactwatch
fi
command -v python3 >/dev/null || { echo "bench/score.sh needs python3 for the table" >&2; exit 1; }

rows=()
for seed in $SEEDS; do
	dir=bench/out/score-$PROFILE-$DAYS-$ORGS-$seed
	rm -rf "$dir" "$dir.db"
	start=$(date +%s.%N)
	"$PW" simulate --seed "$seed" --profile "$PROFILE" --days "$DAYS" --orgs "$ORGS" --out "$dir" >/dev/null 2>&1
	db=()
	[[ -n ${KEEP:-} ]] && db=(--keep-db "$dir.db")
	"$PW" score --scenario "$dir" --json "${db[@]}" >"$dir.score.json" 2>"$dir.score.log"
	end=$(date +%s.%N)
	rows+=("$seed $dir.score.json $(echo "$end - $start" | bc)")
	[[ -n ${KEEP:-} ]] || rm -rf "$dir"
done

python3 - "$PROFILE" "$DAYS" "$ORGS" "${rows[@]}" <<'PY'
import json, sys
profile, days, orgs, rows = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4:]
keys = [("intrusion_recall", "int.rec", None), ("intrusion_precision", "int.prec", None),
        ("attribution_precision", "attr.prec", (">=", 0.95)), ("attribution_recall", "attr.rec", (">=", 0.85)),
        ("attribution_f1", "attr.F1", None), ("wrong_attribution_rate", "wrong", ("<=", 0.01)),
        ("unattributed_rate", "unattr", None), ("intent_accuracy", "intent", (">=", 0.9)),
        ("verdict_accuracy", "verdict", (">=", 0.9)), ("ece", "ECE", ("<=", 0.05))]
print(f"profile {profile}, {days} days, {orgs} organisations")
print("seed  planted found " + " ".join(f"{k[1]:>9}" for k in keys) + "  seconds")
misses = {}
for row in rows:
    seed, path, secs = row.split()
    r = json.load(open(path))
    cells = []
    for key, name, target in keys:
        v = r[key]
        ok = target is None or (v >= target[1] if target[0] == ">=" else v <= target[1])
        if not ok:
            misses[name] = misses.get(name, 0) + 1
        cells.append(f"{v:9.3f}" + ("" if ok else "*"))
    print(f"{seed:>4} {r['truth_intrusions']:>8} {r['detected_intrusions']:>5} " + " ".join(c if c.endswith("*") else c + " " for c in cells) + f" {float(secs):8.1f}")
print("targets: attr.prec >= 0.95, attr.rec >= 0.85, wrong <= 0.01, intent >= 0.9, verdict >= 0.9, ECE <= 0.05; * = missed" +
      ("" if not misses else "; missed: " + ", ".join(f"{k} on {v} seed(s)" for k, v in misses.items())))
PY
