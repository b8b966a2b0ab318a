#!/usr/bin/env bash
# Many p2pchat processes on this machine, each joining a random earlier one, and lines said by random peers:
#   bench/procs.sh [--nodes 300] [--lines 20] [--gap 0.5] [--settle 10] [--grace 10] [--seed 1] [--binary-b OTHER]
# Builds ./p2pchat (build.sh) when a product source is newer than it, raises the descriptor limit, then runs
# bench/procs.py (see its help). Figures on stdout, progress on stderr.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
if [ ! -x p2pchat ] || [ -n "$(find Program.cs p2pchat.csproj Net Ui -newer p2pchat -print -quit)" ]; then
  echo "bench/procs.sh: building ./p2pchat" >&2
  nice -n 10 ./build.sh >&2
fi
ulimit -n "$(ulimit -Hn)"
exec python3 bench/procs.py --binary "$root/p2pchat" "$@"
