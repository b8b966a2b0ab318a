#!/usr/bin/env bash
# Load test of one peer under attack, one command:  bench/load.sh [--duration S] [--only baseline,idle,slow,flood,flood-keys] ...
# Builds ./p2pchat (build.sh) when a product source is newer than it and the harness in Release, then runs the harness:
# a victim peer in pipe mode, alice and bob linked to it, and each attack in turn for --duration seconds (default 20)
# on 127.0.0.1 while alice says 20 lines/s to bob through the victim. The table goes to stdout, details to stderr.
# Options are the harness's (bench/P2PChat.Load/Program.cs; see bench/README.md, "Load").
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"

if [ ! -x p2pchat ] || [ -n "$(find Program.cs p2pchat.csproj Net Ui -newer p2pchat -print -quit)" ]; then
  echo "bench/load.sh: building ./p2pchat" >&2
  nice -n 10 ./build.sh >&2
fi
if ! log=$(nice -n 10 dotnet build bench/P2PChat.Load/P2PChat.Load.csproj -c Release -nologo -o bench/bin/load 2>&1); then
  echo "$log" >&2
  exit 1
fi

# The victim keeps the descriptor limit this shell had; the harness needs one descriptor per attacking connection.
victim_nofile=$(ulimit -Sn)
ulimit -Sn "$(ulimit -Hn)" 2>/dev/null || true
if [ "$(ulimit -Sn)" != unlimited ] && [ "$(ulimit -Sn)" -lt 6000 ]; then
  echo "bench/load.sh: the harness needs ~6,000 descriptors for --idle 5000; the hard limit is $(ulimit -Hn)" >&2
fi
exec bench/bin/load/P2PChat.Load --binary "$root/p2pchat" --victim-nofile "$victim_nofile" "$@"
