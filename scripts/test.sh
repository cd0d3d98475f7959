#!/usr/bin/env bash
# Runs every test of kuvert: installs what the tests need (idempotent), then the whole suite.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup-test-deps.sh
# --no-fail-fast: every failing test binary is reported, and the exit is still non-zero.
cargo test --all-targets --no-fail-fast "$@"
