#!/usr/bin/env bash
# Runs each libFuzzer harness for SECONDS (default 60) from its seed corpus, one after
# another, and prints each run's last status line (executions, coverage, corpus).
# A finding stops its harness and leaves crash-* / timeout-* / oom-* files in
# .build-fuzz/findings/.
#
#   bash Fuzz/build.sh && bash Fuzz/run.sh 600
set -uo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-60}
out=.build-fuzz
mkdir -p "$out/findings"
status=0
for harness in policy csv json; do
    corpus="$out/corpus-$harness"
    mkdir -p "$corpus"
    log="$out/fuzz-$harness.log"
    SWIFT_BACKTRACE=enable=no ASAN_OPTIONS=detect_leaks=0 "$out/fuzz-$harness" "$corpus" "Fuzz/Corpus/$harness" \
        -max_total_time="$seconds" -max_len=4096 -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
        -artifact_prefix="$out/findings/$harness-" > "$log" 2>&1 || status=1
    echo "fuzz-$harness: $(grep -E '^#[0-9]+' "$log" | tail -1)"
    grep -E '^stat::number_of_executed_units|^stat::peak_rss_mb' "$log" | sed 's/^/    /'
    grep -E 'ERROR|SUMMARY|Fatal error' "$log" | head -5 | sed 's/^/    /'
done
exit $status
