#!/usr/bin/env bash
# Sweep benchmark: pactwatch sweep against grep and ripgrep on the same
# generated logs, with pactwatch's matches checked against the truth.
#
# usage: bench/sweep.sh [INDICATORS [EVE_MIB [ZEEK_MIB]]]
#   defaults: 1000000 indicators, 300 MiB EVE, 100 MiB Zeek TSV
#   quick run: bench/sweep.sh 100000 50 20
# environment:
#   OUT=dir       where data and outputs go (default bench/out/N-EVE-ZEEK)
#   SKIP_SLOW=1   skip grep -F -f and rg -F -f (minutes at 1M patterns)
#   SKIP_STIX=1   skip the sweep with the indicators as a STIX bundle
#                 (written by bench/stixbundle.py, with python3)
#   JOBS="1 2"    the -j values to time pactwatch with
#   PACTWATCH=bin use this pactwatch binary instead of building one
#   REPEAT=n      run pactwatch and rg for one string n times each, in
#                 turn, and report each one's fastest run (default 3: a
#                 shared 2-core machine is noisy; grep/rg -f run once)
# Run from the repository root. Needs Go; /usr/bin/time for peak RSS;
# rg and grep are skipped with a message when missing.
set -euo pipefail

N=${1:-1000000}
EVE_MIB=${2:-300}
ZEEK_MIB=${3:-100}
OUT=${OUT:-bench/out/$N-$EVE_MIB-$ZEEK_MIB}
JOBS=${JOBS:-"1 2"}
mkdir -p "$OUT"

PW=${PACTWATCH:-bench/out/pactwatch}
if [[ -z ${PACTWATCH:-} ]]; then
	go build -o "$PW" ./cmd/pactwatch
fi
go build -o bench/out/benchcheck ./bench/cmd/benchcheck
CHECK=bench/out/benchcheck

if [[ ! -s $OUT/iocs.txt || ! -s $OUT/eve.json || ! -s $OUT/dns.log ]]; then
	echo "generating $N indicators, $EVE_MIB MiB EVE, $ZEEK_MIB MiB Zeek TSV in $OUT ..." >&2
	go run ./bench/cmd/benchgen -indicators "$N" -eve-mib "$EVE_MIB" -zeek-mib "$ZEEK_MIB" -out "$OUT"
fi

TIME=/usr/bin/time
if [[ ! -x $TIME ]]; then
	echo "no /usr/bin/time: peak RSS not measured" >&2
	TIME=""
fi

echo "machine: $(nproc) CPUs, load average: $(cut -d' ' -f1-3 /proc/loadavg)" >&2

rows=()
REPEAT=${REPEAT:-3}

# best NAME OUTFILE CMD... : run, REPEAT times; keeps the outputs, SECS and
# RSS_MB of the fastest run.
best() {
	local name=$1 out=$2 i best_secs="" best_rss=""
	shift 2
	for ((i = 0; i < REPEAT; i++)); do
		run "$name" "$out.try" "$@"
		if [[ -z $best_secs ]] || awk -v a="$SECS" -v b="$best_secs" 'BEGIN { exit !(a < b) }'; then
			best_secs=$SECS best_rss=$RSS_MB
			mv "$out.try" "$out"
			mv "$out.try.err" "$out.err"
		fi
	done
	rm -f "$out.try" "$out.try.err" "$out.try.time"
	SECS=$best_secs RSS_MB=$best_rss
}

# run NAME OUTFILE CMD... : times CMD with stdout to OUTFILE, stderr to
# OUTFILE.err; sets SECS and RSS_MB.
run() {
	local name=$1 out=$2
	shift 2
	local tf=$out.time
	local start end
	start=$(date +%s.%N)
	if [[ -n $TIME ]]; then
		$TIME -f "%e %M" -o "$tf" "$@" >"$out" 2>"$out.err" || [[ $? == 1 ]] # grep/rg exit 1: no match
		read -r SECS RSS_KB < <(tail -1 "$tf")
		RSS_MB=$((RSS_KB / 1024))
	else
		"$@" >"$out" 2>"$out.err" || [[ $? == 1 ]]
		end=$(date +%s.%N)
		SECS=$(echo "$end - $start" | bc)
		RSS_MB="-"
	fi
}

bench_log() {
	local label=$1 log=$2 truth=$3
	local bytes
	bytes=$(stat -c %s "$log")
	cat "$log" "$OUT/iocs.txt" >/dev/null # warm the page cache
	for j in $JOBS; do
		local o=$OUT/$label.pw-j$j.ndjson
		best "pactwatch -j $j" "$o" "$PW" sweep --indicators "$OUT/iocs.txt" -j "$j" "$log"
		local compile scan
		compile=$(sed -n 's/^compiled .* in \([0-9.]*\)s$/\1/p' "$o.err")
		scan=$(sed -n 's/^swept .* in \([0-9.]*\)s (.*$/\1/p' "$o.err")
		read -r m fp miss < <("$CHECK" -truth "$truth" -ndjson "$o")
		rows+=("$label|pactwatch sweep -j $j|$SECS|$(mbps "$bytes" "$SECS")|$compile|$scan|$(mbps "$bytes" "$scan")|$RSS_MB|$m|$fp|$miss")
		printf -v "scan_${label}_j$j" '%s' "$scan"
		printf -v "total_${label}_j$j" '%s' "$SECS"
	done
	if command -v rg >/dev/null; then
		local fixed
		fixed=$(head -1 "$OUT/fixed.txt")
		best "rg fixed" "$OUT/$label.rg-fixed.txt" rg -F -n --no-config -- "$fixed" "$log"
		rows+=("$label|rg -F one string|$SECS|$(mbps "$bytes" "$SECS")|-|$SECS|$(mbps "$bytes" "$SECS")|$RSS_MB|$(wc -l <"$OUT/$label.rg-fixed.txt")|-|-")
		printf -v "rg_${label}" '%s' "$SECS"
	else
		echo "rg not installed (apt-get install -y ripgrep): skipping rg" >&2
	fi
	if [[ -z ${SKIP_SLOW:-} ]]; then
		if command -v rg >/dev/null; then
			run "rg -f" "$OUT/$label.rg-f.txt" rg -F -n --no-config -f "$OUT/iocs.txt" "$log"
			read -r m fp miss < <("$CHECK" -truth "$truth" -lines "$OUT/$label.rg-f.txt")
			rows+=("$label|rg -F -f iocs (lines)|$SECS|$(mbps "$bytes" "$SECS")|-|$SECS|$(mbps "$bytes" "$SECS")|$RSS_MB|$m|$fp|$miss")
		fi
		if command -v grep >/dev/null; then
			run "grep -f" "$OUT/$label.grep-f.txt" grep -F -n -f "$OUT/iocs.txt" "$log"
			read -r m fp miss < <("$CHECK" -truth "$truth" -lines "$OUT/$label.grep-f.txt")
			rows+=("$label|grep -F -f iocs (lines)|$SECS|$(mbps "$bytes" "$SECS")|-|$SECS|$(mbps "$bytes" "$SECS")|$RSS_MB|$m|$fp|$miss")
		else
			echo "grep not installed: skipping grep" >&2
		fi
	fi
}

mbps() { awk -v b="$1" -v s="$2" 'BEGIN { if (s > 0) printf "%.0f", b / 1e6 / s; else print "-" }'; }

bench_log eve "$OUT/eve.json" "$OUT/eve.truth"

# The same indicators as a STIX 2.1 bundle (an indicator object a value,
# ~320 bytes each): the same matches are due.
if [[ -z ${SKIP_STIX:-} ]]; then
	if [[ ! -s $OUT/bundle.json ]] && command -v python3 >/dev/null; then
		python3 bench/stixbundle.py "$OUT/iocs.txt" >"$OUT/bundle.json.tmp" && mv "$OUT/bundle.json.tmp" "$OUT/bundle.json"
	fi
	if [[ -s $OUT/bundle.json ]]; then
		bytes=$(stat -c %s "$OUT/eve.json")
		cat "$OUT/bundle.json" >/dev/null # warm the page cache
		for j in $JOBS; do
			o=$OUT/eve.pw-stix-j$j.ndjson
			best "pactwatch -j $j, STIX" "$o" "$PW" sweep --indicators "$OUT/bundle.json" -j "$j" "$OUT/eve.json"
			compile=$(sed -n 's/^compiled .* in \([0-9.]*\)s$/\1/p' "$o.err")
			scan=$(sed -n 's/^swept .* in \([0-9.]*\)s (.*$/\1/p' "$o.err")
			read -r m fp miss < <("$CHECK" -truth "$OUT/eve.truth" -ndjson "$o")
			rows+=("eve|pactwatch sweep -j $j, STIX bundle|$SECS|$(mbps "$bytes" "$SECS")|$compile|$scan|$(mbps "$bytes" "$scan")|$RSS_MB|$m|$fp|$miss")
		done
	else
		echo "no python3 to write the STIX bundle (bench/stixbundle.py): skipping it" >&2
	fi
fi

bench_log zeek "$OUT/dns.log" "$OUT/dns.truth"

echo
echo "$N indicators; eve.json $(($(stat -c %s "$OUT/eve.json") >> 20)) MiB, dns.log (Zeek TSV) $(($(stat -c %s "$OUT/dns.log") >> 20)) MiB; load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
{
	echo "log|tool|seconds|MB/s|compile s|scan s|scan MB/s|peak RSS MB|matches|false positives|missed"
	printf '%s\n' "${rows[@]}"
} | column -t -s '|'
echo
echo "seconds and MB/s: whole command; scan: after loading and compiling the indicators."
echo "pactwatch and rg for one string: the fastest of $REPEAT runs each."
echo "grep/rg -f count matching lines (substring matches), pactwatch (line, indicator) pairs."
for label in eve zeek; do
	j1=scan_${label}_j1 j2=scan_${label}_j2 rgv=rg_${label}
	if [[ -n ${!j1:-} && -n ${!j2:-} ]]; then
		awk -v a="${!j1}" -v b="${!j2}" -v l="$label" 'BEGIN { if (b > 0) printf "%s: -j 2 scan is %.2fx -j 1\n", l, a / b }'
	fi
	if [[ -n ${!j2:-} && -n ${!rgv:-} ]]; then
		awk -v p="${!j2}" -v r="${!rgv}" -v l="$label" 'BEGIN { if (p > 0) printf "%s: pactwatch -j 2 scan throughput is %.2fx rg one fixed string\n", l, r / p }'
	fi
	t1=total_${label}_j1 t2=total_${label}_j2
	if [[ -n ${!t1:-} && -n ${!t2:-} ]]; then
		awk -v a="${!t1}" -v b="${!t2}" -v l="$label" 'BEGIN { if (b > 0) printf "%s: -j 2 whole command is %.2fx -j 1\n", l, a / b }'
	fi
	if [[ -n ${!t2:-} && -n ${!rgv:-} ]]; then
		awk -v p="${!t2}" -v r="${!rgv}" -v l="$label" 'BEGIN { if (p > 0) printf "%s: pactwatch -j 2 whole-command throughput is %.2fx rg one fixed string\n", l, r / p }'
	fi
done
