#!/usr/bin/env bash
# Runs every test of kuvert: installs what the tests need (idempotent), then the whole suite.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup-test-deps.sh
cargo test --all-targets "$@"
