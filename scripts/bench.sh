#!/usr/bin/env bash
# The whole-process figures of issues 7 and 15, on the agency-scale database, on SQLite and
# on PostgreSQL side by side (the same office moved onto a throwaway server over a unix
# socket with `kuvert migrate`):
#   - `kuvert case show` and `kuvert log --format json` (one team, one month) as processes;
#   - the TUI's peak memory (VmHWM) with the large database open, in tmux, and the time
#     from process start to its first frame (scripts/first-frame.py, in a pseudo-terminal);
#   - the in-process benchmarks (`cargo bench --bench kuvert`), with qpdf --overlay run
#     side by side on the same 100 pages;
#   - many desks at once (`cargo bench --bench desks`): 1, 4, 16 and 64 desks on both;
#   - the scanned journal (`cargo bench --bench journal`): print and import of a 57 MB scan
#     as processes against `cp` of the same bytes on tmpfs, and their peak memory.
# Usage: scripts/bench.sh [DB]   (default target/bench/large.db, made if missing; the
# benchmarks change it: scans and mailings are added)
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup-test-deps.sh --bench
cargo build --release --quiet
K="$PWD/target/release/kuvert"
DB="${1:-$PWD/target/bench/large.db}"
mkdir -p "$(dirname "$DB")"
if [ ! -f "$DB" ]; then
  echo "making the agency-scale database (a few minutes) ..."
  "$K" demo --scale large --db "$DB"
fi
work="$(mktemp -d)"
chown postgres "$work"
PG="$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)"
stop_pg() { runuser -u postgres -- "$PG/pg_ctl" -D "$work/pg" -m fast stop >/dev/null 2>&1 || true; }
trap 'tmux kill-session -t kuvert-bench 2>/dev/null || true; stop_pg; rm -rf "$work"' EXIT
: >"$work/kuvert.toml"
export KUVERT_CONFIG="$work/kuvert.toml"

# A throwaway PostgreSQL server on a unix socket, with its defaults (fsync on), and the same
# office moved onto it.
runuser -u postgres -- "$PG/initdb" -D "$work/pg" -A trust -U postgres -E UTF8 >/dev/null
runuser -u postgres -- "$PG/pg_ctl" -D "$work/pg" -l "$work/pg.log" -w \
  -o "-k $work -c listen_addresses= -c max_connections=200 -c shared_buffers=512MB" start >/dev/null
runuser -u postgres -- "$PG/createdb" -h "$work" bench
SERVER="postgresql:///bench?host=$work"
t0=$(date +%s%N)
KUVERT_DB="$DB" "$K" migrate --to "$SERVER&user=postgres" >/dev/null
echo "kuvert migrate of the large db onto the server: $(( ($(date +%s%N) - t0) / 1000000 )) ms"
runuser -u postgres -- "$PG/psql" -h "$work" -d bench -qc "VACUUM ANALYZE" >/dev/null
export KUVERT_DB="$DB"

# Median and 99th percentile (nearest rank) of N runs of a command, in milliseconds.
times() {
  local n="$1"; shift
  local t0 t1
  for _ in $(seq "$n"); do
    t0=$(date +%s%N); "$@" >/dev/null; t1=$(date +%s%N)
    echo $(( (t1 - t0) / 1000 ))
  done | sort -n | awk '{ a[NR] = $1 } END {
    m = a[int((NR + 1) / 2)]; p = a[int(NR * 0.99 + 0.999)]
    printf "median %.1f ms, p99 %.1f ms (%d runs)\n", m / 1000, p / 1000, NR }'
}

CW=hl01001
export KUVERT_USER=$CW
CASE=$("$K" --json case list | python3 -c 'import json,sys; print(json.load(sys.stdin)["cases"][0]["case"])')
echo "SQLite: kuvert case show $CASE (whole process, large db): $(times 50 "$K" --json case show "$CASE")"
echo "PostgreSQL: kuvert case show $CASE (whole process, large db): $(KUVERT_DB="$SERVER&user=$CW" KUVERT_USER= times 50 "$K" --json case show "$CASE")"
export KUVERT_USER=lead01
echo "SQLite: kuvert log --format json, team T01, October 2026: $(times 20 "$K" log --format json --since 2026-10-01 --until 2026-10-31)"
echo "PostgreSQL: kuvert log --format json, team T01, October 2026: $(KUVERT_DB="$SERVER&user=lead01" KUVERT_USER= times 20 "$K" log --format json --since 2026-10-01 --until 2026-10-31)"
export KUVERT_USER=$CW

# The TUI from process start to its first frame, in a fresh 120x40 pseudo-terminal each
# run (the footer's last word, which ratatui draws last, has reached the terminal).
echo "SQLite: TUI, process start to the first frame (large db): $(KUVERT_DB="$DB" python3 scripts/first-frame.py 30 'först)' "$K" tui)"
echo "PostgreSQL: TUI, process start to the first frame (large db): $(KUVERT_DB="$SERVER&user=$CW" KUVERT_USER= python3 scripts/first-frame.py 30 'först)' "$K" tui)"

# The TUI's peak memory: open it, open a case, start composing, read VmHWM.
tmux new-session -d -s kuvert-bench -x 120 -y 40 \
  "KUVERT_DB='$DB' KUVERT_CONFIG='$work/kuvert.toml' KUVERT_USER=$CW '$K' tui"
sleep 2
tmux send-keys -t kuvert-bench "$CASE" Enter
sleep 1
tmux send-keys -t kuvert-bench n
sleep 1
tmux send-keys -t kuvert-bench Tab
sleep 1
pid=$(pgrep -n -f "$K tui")
echo "TUI peak memory (VmHWM) on the large db: $(awk '/VmHWM/ { printf "%.1f MB", $2 / 1024 }' "/proc/$pid/status")"
tmux send-keys -t kuvert-bench C-c

# In process, with qpdf side by side on the same 100 pages, on both backends.
KUVERT_BENCH_DB="$DB" KUVERT_BENCH_SERVER="$SERVER" KUVERT_BENCH_QPDF=1 \
  cargo bench --quiet --bench kuvert -- --noplot 2>&1 |
  grep -E 'time:|^[a-zA-Z].*(ms|s)\b|qpdf|scan|audit|SHA|reading|lead log|TUI|^(cover|stamp|whole)'

# Many desks at once, both backends side by side.
KUVERT_BENCH_DB="$DB" KUVERT_BENCH_SERVER="$SERVER" cargo bench --quiet --bench desks

# The scanned journal: a document it makes itself, in a throwaway demo office on tmpfs.
cargo bench --quiet --bench journal
