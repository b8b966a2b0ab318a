#!/usr/bin/env bash
# Builds bench/P2PChat.Micro (Release) and runs one of its modes, niced (the machine is shared):
#   bench/micro.sh                 the BenchmarkDotNet suite with the short job (a few minutes); results and logs in
#                                  bench/P2PChat.Micro/BenchmarkDotNet.Artifacts
#   bench/micro.sh -- ARGS...      the suite with BenchmarkDotNet's own arguments, e.g. -- --filter '*Codec*' --job short
#   bench/micro.sh --alloc [N]     process-wide bytes allocated per message on the forwarding path (N messages, 100,000)
#   bench/micro.sh --scale [--nodes 1000] [--messages 50] [--links 3] [--settle 300] [--seed 1] [--talk 0] [--rate 2]
#                                  the many-node loopback run (raises the open-file limit first); --talk S then lets
#                                  random users say --rate lines a second for S seconds, several on their way at once;
#                                  --pump: each message through its node's event thread (the terminal UI's path) instead
#                                  of the socket thread (pipe mode's, when stdout has room)
#   bench/micro.sh --crypto        seal/open, sign/verify, X25519 and SHA-256 speed of Net/Crypto, allocations per call
set -euo pipefail
case "${1:-}" in
  ""|--alloc|--scale|--crypto|--) ;;
  *) echo "usage: bench/micro.sh [--alloc [N] | --scale [options] | --crypto | -- BENCHMARKDOTNET-ARGS...]" >&2; exit 2 ;;
esac
cd "$(dirname "$0")/P2PChat.Micro"
nice -n 10 dotnet build P2PChat.Micro.csproj -c Release -nologo -v quiet -clp:NoSummary
run=(nice -n 10 dotnet bin/Release/net10.0/P2PChat.Micro.dll)
case "${1:-}" in
  --alloc|--crypto)
    exec "${run[@]}" "$@" ;;
  --scale)
    # Each node has a listening socket and one socket per link: a few per node, several thousand in all.
    ulimit -n "$(ulimit -Hn)"
    # As the product runs (Program.cs sets it before the thread pool starts): idle workers sleep instead of spinning on
    # sched_yield. Without it the idle 200-node network spent most of its CPU in 25,000 sched_yield calls a second.
    export DOTNET_ThreadPool_UnfairSemaphoreSpinLimit="${DOTNET_ThreadPool_UnfairSemaphoreSpinLimit:-0}"
    # Also as the product runs: socket completions run on the epoll thread that saw them (Program.cs says why).
    export DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS="${DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS:-1}"
    # Nearer the product, which is native AOT and compiles nothing while it runs: each method compiled once, fully
    # optimized, when first called (the run's warm-up line calls most of them), instead of compiled again at a higher
    # tier in the middle of the measurement (tiered, 200 nodes: 222-344 ms of JIT over the 50 messages, 435 methods;
    # with this, ~20 ms and 20 methods).
    export DOTNET_TieredCompilation="${DOTNET_TieredCompilation:-0}"
    exec "${run[@]}" "$@" ;;
  --)
    shift
    exec "${run[@]}" --artifacts BenchmarkDotNet.Artifacts "$@" ;;
  *)
    exec "${run[@]}" --artifacts BenchmarkDotNet.Artifacts --filter '*' --job short ;;
esac
