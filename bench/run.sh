#!/usr/bin/env bash
# The benchmark, one command:  bench/run.sh [--quick] [--only latency,throughput,rss,fanout,start] [--program NAME=CMD ...]
# Builds what is missing or stale (./p2pchat via build.sh, bench/bin/relay from ../shared/anchors/relay.c, the
# harness in Release), then runs the harness with these arguments. Without --program it compares p2pchat as
# shipped (self-healing to 3 links), p2pchat with --links 0 --history 0 (exactly the tree the harness builds)
# and relay, the C reference. The table goes to stdout, progress to stderr. Builds run under nice: the machine
# is shared.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"

# p2pchat: rebuild when any product source is newer than the binary.
if [ ! -x p2pchat ] || [ -n "$(find Program.cs p2pchat.csproj Net Ui -newer p2pchat -print -quit)" ]; then
  echo "bench/run.sh: building ./p2pchat" >&2
  nice -n 10 ./build.sh >&2
fi

relay_src=../shared/anchors/relay.c
mkdir -p bench/bin
if [ ! -x bench/bin/relay ] || [ "$relay_src" -nt bench/bin/relay ]; then
  echo "bench/run.sh: building bench/bin/relay" >&2
  gcc -O2 -pthread -o bench/bin/relay "$relay_src"
fi

# Quiet unless it fails: the table on stdout is the point.
if ! log=$(nice -n 10 dotnet build bench/P2PChat.Bench/P2PChat.Bench.csproj -c Release -nologo -o bench/bin/harness 2>&1); then
  echo "$log" >&2
  exit 1
fi

args=("$@")
if [[ " $* " != *" --program "* ]]; then
  args+=(--program "p2pchat=$root/p2pchat"
         --program "p2pchat-links0=$root/p2pchat --links 0 --history 0"
         --program "relay=$root/bench/bin/relay")
fi
exec bench/bin/harness/P2PChat.Bench "${args[@]}"
