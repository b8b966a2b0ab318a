#!/usr/bin/env bash
# Screenshots of the full UI in a real xterm under Xvfb, on a white and on a black background, with the 16-colour
# palette (TERM=xterm) and the 256-colour one (TERM=xterm-256color): docs/colours-16.png and docs/colours-256.png,
# each white above black. Nine peers on 127.0.0.1 (ports 47800-47808) say a line each, one mentions alice.
# Needs ./p2pchat (./build.sh) and Debian's xvfb, xterm, x11-apps and imagemagick.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
bin="$root/p2pchat"
for tool in Xvfb xterm xwd convert; do
  command -v "$tool" >/dev/null || { echo "tools/xterm-shots.sh: $tool is missing (apt-get install xvfb xterm x11-apps imagemagick)" >&2; exit 1; }
done
[ -x "$bin" ] || { echo "tools/xterm-shots.sh: build ./p2pchat first (./build.sh)" >&2; exit 1; }
work=$(mktemp -d)
trap 'pkill -f "127.0.0.1 47800" 2>/dev/null || true; rm -rf "$work"' EXIT

shot() { # TERM, background, output
  local fg; fg=$([ "$2" = white ] && echo black || echo white)
  export XDG_CONFIG_HOME="$work/cfg-$1-$2"
  Xvfb :99 -screen 0 900x420x24 >/dev/null 2>&1 & local x=$!
  sleep 0.5
  DISPLAY=:99 xterm -tn "$1" -bg "$2" -fg "$fg" -fa Monospace -fs 11 -geometry 86x18+0+0 \
    -e "$bin alice --port 47800 --bind 127.0.0.1" & local t=$!
  sleep 1.5
  local i=0
  for name in bob carol dave erin frank grace heidi ivan; do
    i=$((i + 1))
    { sleep 0.3; echo "hello from $name"; [ "$name" = carol ] && echo "@alice did the build pass?"; sleep 6; } |
      "$bin" "$name" 127.0.0.1 47800 --port $((47800 + i)) >/dev/null 2>&1 &
    sleep 0.25
  done
  sleep 1.5
  DISPLAY=:99 xwd -root -silent | convert xwd:- "$3"
  kill "$t" "$x" 2>/dev/null || true
  pkill -f "127.0.0.1 47800" 2>/dev/null || true
  wait 2>/dev/null || true
}

for term in xterm xterm-256color; do
  shot "$term" white "$work/white.png"
  shot "$term" black "$work/black.png"
  out="$root/docs/colours-$([ "$term" = xterm ] && echo 16 || echo 256).png"
  convert "$work/white.png" "$work/black.png" -append "$out"
  echo "$out"
done
