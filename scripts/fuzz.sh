#!/usr/bin/env bash
# Runs each fuzz target (fuzz/fuzz_targets) for SECONDS (default 60) with cargo-fuzz on the
# nightly toolchain, and prints libFuzzer's "Done N runs in S seconds" for each. Local only:
# CI runs the property-test versions in tests/hostile.rs.
#   scripts/fuzz.sh 300
set -euo pipefail
cd "$(dirname "$0")/../fuzz"
secs="${1:-60}"
command -v cargo-fuzz >/dev/null || cargo install cargo-fuzz --locked
status=0
for t in decode scan_line manifest; do
    mkdir -p "corpus/$t"
    log="target/fuzz-$t.log"
    mkdir -p target
    # -O: the same optimised build as `cargo +nightly fuzz build -O` (building it takes long).
    if cargo +nightly fuzz run -O "$t" "corpus/$t" "seeds/$t" -- -max_total_time="$secs" >"$log" 2>&1; then
        echo "$t: $(grep -E '^Done [0-9]+ runs' "$log" | tail -1)"
    else
        echo "$t: FAILED, see fuzz/$log and fuzz/artifacts/$t/"
        status=1
    fi
done
exit $status
