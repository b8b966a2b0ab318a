#!/usr/bin/env bash
# Publishes the native-AOT executable and leaves it at ./p2pchat. Any build, trim or AOT warning fails the build.
# The fast developer build, for this machine's glibc; `./build.sh --release` writes dist/ (tools/release.sh).
set -euo pipefail
cd "$(dirname "$0")"
out=publish
rm -rf "$out"
if [ "${1:-}" = "--release" ]; then
  exec tools/release.sh
fi
commit=$(git rev-parse --short HEAD 2>/dev/null || echo unknown)
dotnet publish p2pchat.csproj -c Release -r linux-x64 -o "$out" -p:TreatWarningsAsErrors=true -warnaserror -nologo -clp:NoSummary \
  -p:SourceRevisionId="$commit" | tee publish.log
if grep -E "warning [A-Z]+[0-9]+" publish.log >/dev/null; then
  echo "build.sh: the publish printed warnings (see above); refusing to ship" >&2
  exit 1
fi
rm -f publish.log
# Copied beside it and renamed over it: a copy onto ./p2pchat itself fails ("Text file busy") while a chat runs it,
# and the rename leaves that chat running its own copy.
cp "$out/p2pchat" ./p2pchat.new
mv -f ./p2pchat.new ./p2pchat
echo "build.sh: ./p2pchat ($(stat -c %s ./p2pchat) bytes)"
