#!/usr/bin/env bash
# The many-node loopback run of `bench/micro.sh --scale`, compiled native AOT as the product ships (bench/P2PChat.ScaleAot),
# so that no JIT compiles anything while it measures. Same options:
#   bench/scale-aot.sh [--nodes 200] [--messages 50] [--links 3] [--settle 300] [--seed 1] [--talk 0] [--rate 2] [--pump]
# About a minute to compile, then the run.
set -euo pipefail
cd "$(dirname "$0")"
dotnet publish P2PChat.ScaleAot/P2PChat.ScaleAot.csproj -c Release -r linux-x64 -o bin/scale-aot -nologo -v quiet -clp:NoSummary
# Each node has a listening socket and one socket per link: several thousand in all.
ulimit -n "$(ulimit -Hn)"
# As the product's Program.Main sets them (it does not run here): idle thread-pool workers sleep instead of spinning,
# and socket completions run on the epoll thread that saw them. Not its one epoll thread: that is one per process and
# node, and here all the nodes share the process, so it keeps .NET's one per core.
export DOTNET_ThreadPool_UnfairSemaphoreSpinLimit="${DOTNET_ThreadPool_UnfairSemaphoreSpinLimit:-0}"
export DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS="${DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS:-1}"
exec nice -n 10 bin/scale-aot/P2PChat.ScaleAot "$@"
