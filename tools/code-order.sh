#!/usr/bin/env bash
# Profiles which managed methods a peer runs and writes p2pchat.order, which the build lays out first (see
# tools/code-order.py for why and how). About 4 minutes: builds ./p2pchat, then runs peers, some under valgrind.
# Run it again after a change that moves much code (the build still works with a stale list: methods it does not name
# come after the ones it does). Runs add up: methods the list names are kept while they exist (--fresh starts over).
# It rebuilds ./p2pchat with the new list at the end.
set -euo pipefail
cd "$(dirname "$0")/.."
if ! command -v valgrind >/dev/null || ! command -v script >/dev/null; then
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq valgrind bsdutils >/dev/null
fi
./build.sh >&2
ulimit -n "$(ulimit -Hn)"
python3 tools/code-order.py "$@"
# ILC does not see a change to the list alone as a reason to compile again.
rm -rf obj/Release/net10.0/linux-x64/native
./build.sh >&2
