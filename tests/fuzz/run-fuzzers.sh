#!/usr/bin/env bash
# Runs every libFuzzer target of the `fuzz` preset for a bounded time each, starting from
# the checked-in corpus, and fails on any crash, leak, hang (-timeout) or memory blow-up
# (-rss_limit_mb / -malloc_limit_mb). Prints executions and corpus sizes per target.
# A finding is left in $RA2CERT_FUZZ_WORK/<target>/ (crash-*, timeout-*, oom-*): copy it
# into tests/corpus/<corpus>/ with a descriptive name once fixed, so the replay keeps it.
# Usage: tests/fuzz/run-fuzzers.sh BUILD_DIR [SECONDS_PER_TARGET]
set -euo pipefail
build=${1:?usage: run-fuzzers.sh BUILD_DIR [SECONDS_PER_TARGET]}
seconds=${2:-45}
root=$(cd "$(dirname "$0")/../.." && pwd)
work=${RA2CERT_FUZZ_WORK:-$(mktemp -d /tmp/ra2cert-fuzz-run-XXXXXX)}
mkdir -p "$work"
declare -A corpus=([kubeconfig]=kubeconfig [run_config]=run-config [results]=results
                   [bundle]=bundle [report_writers]=report-text)
failed=0
printf '%-16s %8s %10s %8s %8s %s\n' target seconds executions seeds corpus result > "$work/summary"
for target in kubeconfig run_config results bundle report_writers; do
  binary=$build/tests/fuzz/fuzz_$target
  seeds=$root/tests/corpus/${corpus[$target]}
  [[ -x $binary ]] || { echo "run-fuzzers: $binary is missing; build the preset fuzz first" >&2; exit 2; }
  mkdir -p "$work/$target/new"
  extra=()
  [[ $target == bundle ]] && extra=("$root/tests/corpus/bundle-signing")
  log=$work/$target/fuzz.log
  result=ok
  # The new corpus directory comes first: libFuzzer writes what it finds only there.
  if ! "$binary" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -malloc_limit_mb=1024 \
      -max_len=65536 -print_final_stats=1 -artifact_prefix="$work/$target/" \
      "$work/$target/new" "$seeds" "${extra[@]}" >"$log" 2>&1; then
    result="FINDING (see $work/$target/)"
    failed=1
    tail -40 "$log" >&2
  fi
  execs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$' || echo 0)
  seeded=$(find "$seeds" "${extra[@]}" -type f | wc -l)
  found=$(find "$work/$target/new" -type f | wc -l)
  printf '%-16s %8s %10s %8s %8s %s\n' "$target" "$seconds" "$execs" "$seeded" "$((seeded + found))" \
    "$result" >> "$work/summary"
done
cat "$work/summary"
exit $failed
