#!/usr/bin/env bash
# Installs what the test suite needs from Debian's packages: poppler-utils (pdftoppm,
# pdftotext, pdfinfo), zbar-tools (zbarimg) to read printed codes back. Idempotent: does
# nothing when everything is already there. Needs root (CI and the dev machines run as root).
set -euo pipefail

need=()
command -v pdftoppm >/dev/null 2>&1 || need+=(poppler-utils)
command -v zbarimg >/dev/null 2>&1 || need+=(zbar-tools)

if [ ${#need[@]} -eq 0 ]; then
  exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
  echo "setup-test-deps: missing ${need[*]}; run this script as root (or: sudo apt-get install ${need[*]})" >&2
  exit 1
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
echo "setup-test-deps: installed ${need[*]}"
