#!/usr/bin/env bash
# Installs what the test suite needs from Debian's packages, only what is missing:
#   poppler-utils  pdftoppm, pdftotext, pdfinfo: render and read the print job back
#   zbar-tools     zbarimg: decode the QR codes as a scanner would
#   cups-daemon, cups-client  a real CUPS scheduler and `lp` for the printing test
#   libtasn1-doc   a real third-party PDF (pdfTeX) to stamp and merge
#   tmux           drives the terminal UI end to end
#   postgresql     initdb, pg_ctl and psql: a throwaway PostgreSQL cluster for the second
#                  backend's tests (tests/common/pg.rs starts and stops it; with ssl=on for
#                  tests/tls.rs, whose certificates the test makes with rcgen: no openssl)
#   util-linux     runuser: the cluster runs as the postgres user
# With --bench also what scripts/bench.sh needs:
#   qpdf           the side-by-side comparison of stamping 100 pages
#   python3        scripts/first-frame.py (a pseudo-terminal for the TUI's first frame) and
#                  the JSON the script picks its case from
# Idempotent. Needs root (CI and the dev machines run as root).
set -euo pipefail

need=()
if [ "${1:-}" = "--bench" ]; then
  command -v qpdf >/dev/null 2>&1 || need+=(qpdf)
  command -v python3 >/dev/null 2>&1 || need+=(python3)
fi
command -v pdftoppm >/dev/null 2>&1 || need+=(poppler-utils)
command -v zbarimg >/dev/null 2>&1 || need+=(zbar-tools)
[ -x /usr/sbin/cupsd ] || need+=(cups-daemon)
command -v lp >/dev/null 2>&1 && command -v lpadmin >/dev/null 2>&1 || need+=(cups-client)
[ -f /usr/share/doc/libtasn1-doc/libtasn1.pdf ] || need+=(libtasn1-doc)
command -v tmux >/dev/null 2>&1 || need+=(tmux)
command -v runuser >/dev/null 2>&1 || need+=(util-linux)
compgen -G '/usr/lib/postgresql/*/bin/initdb' >/dev/null && command -v psql >/dev/null 2>&1 \
  || need+=(postgresql)
# With --bench, GNU time too: /usr/bin/time -f %M gives the scanned journal's peak memory.
if [ "${1:-}" = "--bench" ]; then
  [ -x /usr/bin/time ] || need+=(time)
fi

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
