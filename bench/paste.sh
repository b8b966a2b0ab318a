#!/usr/bin/env bash
# A paste into a self-healed mesh, one command:  bench/paste.sh [RUNS] [LINES]   (default 5 runs of 300,000 lines)
# Per run: alice, bob and carol in pipe mode (carol joins through bob, self-healing links them all), then "flood"
# joins through bob and pastes LINES lines from a pipe at once while alice types 20 lines, 100 ms apart. Prints, per
# run, how many of alice's lines reached carol and how many flood lines each of the three showed, and the lines any of
# them reported lost; the last line sums the runs. Loopback (127.0.0.1, ports 7101-7104), the published ./p2pchat.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
runs=${1:-5}
lines=${2:-300000}
bin=$root/p2pchat
[ -x "$bin" ] || { echo "paste.sh: build first (./build.sh)" >&2; exit 1; }
work=$(mktemp -d)
trap 'pkill -f "p2pchat (alice|bob|carol|flood) " 2>/dev/null || true; [ -n "${KEEP:-}" ] || rm -rf "$work"' EXIT
export XDG_CONFIG_HOME=$work/cfg
complete=0
for run in $(seq 1 "$runs"); do
  dir=$work/run$run; mkdir -p "$dir"; cd "$dir"
  mkfifo ain bin cin
  (sleep 60 > ain &); (sleep 60 > bin &); (sleep 60 > cin &)
  "$bin" alice --bind 127.0.0.1 --port 7101 < ain > a.out 2> a.err &
  sleep 0.3; "$bin" bob 127.0.0.1 7101 --bind 127.0.0.1 --port 7102 < bin > b.out 2> b.err &
  sleep 0.3; "$bin" carol 127.0.0.1 7102 --bind 127.0.0.1 --port 7103 < cin > c.out 2> c.err &
  sleep 0.5
  (seq 1 "$lines" | sed 's/^/flood flood flood flood flood flood flood /' \
    | "$bin" flood 127.0.0.1 7102 --bind 127.0.0.1 --port 7104 > /dev/null 2> f.err) &
  sleep 0.5
  exec 3> ain
  for i in $(seq 1 20); do echo "alice line $i" >&3; sleep 0.1; done
  # Done when every reader has every line, or 60 s after the paste started.
  for _ in $(seq 1 600); do
    n=0; for f in a b c; do [ "$(grep -c 'flood flood' $f.out || true)" -eq "$lines" ] && n=$((n + 1)); done
    [ $n -eq 3 ] && break
    sleep 0.1
  done
  a=$(grep -c 'flood flood' a.out || true); b=$(grep -c 'flood flood' b.out || true); c=$(grep -c 'flood flood' c.out || true)
  lost=$({ grep -ho '[0-9]* lines from flood were lost' a.err b.err c.err || true; } | awk '{s += $1} END {print s + 0}')
  echo "run $run: alice's lines at carol $(grep -c 'alice line' c.out || true)/20; flood lines: alice $a, bob $b, carol $c of $lines; reported lost $lost"
  [ "$a" -eq "$lines" ] && [ "$b" -eq "$lines" ] && [ "$c" -eq "$lines" ] && complete=$((complete + 1))
  exec 3>&-
  pkill -f "p2pchat (alice|bob|carol|flood) " 2>/dev/null || true
  pkill -f "sleep 60" 2>/dev/null || true
  sleep 0.5
done
echo "paste.sh: every reader got every line in $complete of $runs runs${KEEP:+ (logs in $work)}"
