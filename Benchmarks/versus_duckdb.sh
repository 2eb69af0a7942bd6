#!/usr/bin/env bash
# `policy run Rules/retail.policy` against the DuckDB peer (and, if given, an earlier build of
# `policy`), interleaved in one session, on one customer file: every run's wall time and peak
# memory, the medians, the ratio, and whether the outputs agree.
#
#     bash Benchmarks/versus_duckdb.sh CUSTOMERS.csv PEER_DUCKDB.py [RUNS] [BASELINE_POLICY_BINARY]
#
# PEER_DUCKDB.py is the workload's `peer_duckdb.py` (it is not part of this repository);
# run from the repository's root after `swift build -c release`.
set -euo pipefail

customers=$1 peer=$2 runs=${3:-7} baseline=${4:-}
policy=.build/release/policy
as_of=2026-11-22
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# One timed run: wall seconds and peak kilobytes, appended to the file $1.
timed() {
    local into=$1
    shift
    /usr/bin/time -f "%e %M" -o "$work/time" "$@" > /dev/null 2> "$work/stderr" || { cat "$work/stderr" >&2; exit 1; }
    cat "$work/time" >> "$into"
}

for ((i = 1; i <= runs; i++)); do
    timed "$work/policy.times" "$policy" run Rules/retail.policy --customers "$customers" --as-of "$as_of" --output "$work/policy.csv"
    timed "$work/duckdb.times" python3 "$peer" "$customers" "$work/duckdb.csv" "$as_of"
    if [[ -n "$baseline" ]]; then
        timed "$work/baseline.times" "$baseline" run Rules/retail.policy --customers "$customers" --as-of "$as_of" --output "$work/baseline.csv"
    fi
done

# "name: every run, the median wall, the peak memory range"
summary() {
    python3 - "$1" "$2" <<'EOF'
import sys
name, path = sys.argv[1], sys.argv[2]
runs = [line.split() for line in open(path)]
walls = [float(w) for w, _ in runs]
memory = [int(m) // 1024 for _, m in runs]
median = sorted(walls)[len(walls) // 2]
print(f"{name:9} {' / '.join(f'{w:.2f}' for w in walls)} s, median {median:.2f} s, peak {min(memory)}-{max(memory)} MB")
print(median, file=open(path + ".median", "w"))
EOF
}

echo "$runs interleaved runs on $customers"
summary policy "$work/policy.times"
summary duckdb "$work/duckdb.times"
[[ -n "$baseline" ]] && summary baseline "$work/baseline.times"
python3 -c "import sys; a, b = (float(open(p).read()) for p in sys.argv[1:]); print(f'ratio     policy / duckdb = {a / b:.2f}')" \
    "$work/policy.times.median" "$work/duckdb.times.median"

python3 Benchmarks/to_peer_columns.py "$work/policy.csv" "$work/policy-peer.csv"
python3 "$(dirname "$peer")/compare.py" "$work/policy-peer.csv" "$work/duckdb.csv"
if [[ -n "$baseline" ]]; then
    cmp -s "$work/policy.csv" "$work/baseline.csv" && echo "output byte-identical to the baseline's" || echo "output DIFFERS from the baseline's"
fi
