#!/usr/bin/env bash
# Runs the release artifacts (dist/, from ./build.sh --release) where lab hosts are: Debian 11 (glibc 2.31, the oldest
# root debootstrap reaches here) and Debian 13 (the newest) roots, an empty root (static ones), and arm64 under
# qemu-user. In each: --version names the target; a line goes each way with a peer outside the root, the peer's name
# resolved through the root's /etc/hosts and through a DNS server (dnsmasq, on the address of a network namespace
# this script makes); nsswitch.conf sends host and passwd lookups through sss and mdns4_minimal (both installed),
# which the static build must never load (it resolves names itself: Net/Sockets/HostResolver.cs); and the terminal
# UI runs in tmux with HOME unset, a line each way.
# Roots are cached under ${XDG_CACHE_HOME:-~/.cache}/p2pchat-release (never relied on: made when missing).
set -euo pipefail
cd "$(dirname "$0")/.."
cache=${XDG_CACHE_HOME:-$HOME/.cache}/p2pchat-release
mirror=${P2PCHAT_DEBIAN_MIRROR:-$(sed -n 's/^URIs: *//p' /etc/apt/sources.list.d/debian.sources 2>/dev/null | sed -n 1p)}
mirror=${mirror:-http://deb.debian.org/debian}
dist=$PWD/dist
work=$(mktemp -d /tmp/p2pchat-portability.XXXXXX)
failures=0
pids=()
ns=p2pdns$$
veth=p2pd$$
tmux_socket=p2pport$$
cleanup() {
  kill "${pids[@]}" 2>/dev/null || true
  tmux -L "$tmux_socket" kill-server 2>/dev/null || true
  ip netns pids "$ns" 2>/dev/null | xargs -r kill 2>/dev/null || true
  ip netns del "$ns" 2>/dev/null || true
  ip link del "$veth" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

say() { echo "portability: $*"; }
fail() { echo "portability: FAIL: $*"; failures=$((failures + 1)); }

for tool in debootstrap qemu-aarch64 dnsmasq tmux ip; do
  command -v "$tool" >/dev/null || { say "missing $tool (apt-get install -y debootstrap qemu-user dnsmasq-base tmux iproute2)"; exit 1; }
done
[ -x "$dist/p2pchat-linux-x64" ] || { say "no dist/: run ./build.sh --release first"; exit 1; }

# A test root: minbase plus the NSS modules a lab host may have (sss: university logins; mdns: Ubuntu desktops).
# Debian 11's is the release build's x64 sysroot, made with them.
root() {
  local suite=$1 dir=$cache/root-$1
  [ "$suite" = bullseye ] && dir=$cache/sysroot-bullseye-amd64
  if [ ! -f "$dir/.complete" ]; then
    rm -rf "$dir"
    mkdir -p "$cache"
    say "making the $suite root (once; cached in $dir)" >&2
    debootstrap --variant=minbase --include=libnss-sss,libnss-mdns "$suite" "$dir" "$mirror" >"$cache/debootstrap-root-$suite.log" 2>&1 \
      || { say "debootstrap $suite failed: see $cache/debootstrap-root-$suite.log" >&2; exit 1; }
    touch "$dir/.complete"
  fi
  echo "$dir"
}

# A listening peer outside every root: the host's x64 dynamic artifact. Echoes its port.
port=$((20000 + RANDOM % 20000))
mkfifo "$work/host.in"
"$dist/p2pchat-linux-x64" hostpeer --bind 127.0.0.1 --port "$port" --identity "$work/host.id" <"$work/host.in" >"$work/host.out" 2>"$work/host.err" &
pids+=($!)
exec 9>"$work/host.in"
for _ in $(seq 100); do grep -q "listening" "$work/host.err" 2>/dev/null && break; sleep 0.1; done

# A DNS server on the far side of a veth pair, in a network namespace of our own: dnsmasq answers lab-dns.test with
# the loopback address the host peer listens on, and nothing else (no upstream, no /etc/hosts).
dns=10.203.$((RANDOM % 250)).2
ip netns add "$ns"
ip link add "$veth" type veth peer name "${veth}n"
ip link set "${veth}n" netns "$ns"
ip addr add "${dns%.2}.1/30" dev "$veth"
ip link set "$veth" up
ip netns exec "$ns" ip addr add "$dns/30" dev "${veth}n"
ip netns exec "$ns" ip link set "${veth}n" up
ip netns exec "$ns" dnsmasq --keep-in-foreground --no-resolv --no-hosts --bind-interfaces --listen-address="$dns" \
  --host-record=lab-dns.test,127.0.0.1 --address=/invalid/ --log-queries --log-facility="$work/dnsmasq.log" --pid-file="$work/dnsmasq.pid" &
pids+=($!)
for _ in $(seq 50); do grep -q "started" "$work/dnsmasq.log" 2>/dev/null && break; sleep 0.1; done

# chat LABEL HOST-ADDRESS COMMAND...: the guest (COMMAND, given its name, HOST-ADDRESS and the port) says a line and
# hears one from the host peer: a line each way.
chat() {
  local label=$1 address=$2
  shift 2
  local said="hello from $label" heard="hello to $label"
  ( sleep 1.5; echo "$said"; sleep 2.5 ) | timeout 20 "$@" "$label" "$address" "$port" >"$work/$label.out" 2>"$work/$label.err" &
  local guest=$!
  for _ in $(seq 100); do grep -q "$label joined\|$label is online" "$work/host.err" && break; sleep 0.1; done
  echo "$heard" >&9
  local code=0
  wait "$guest" || code=$?
  if [ "$code" != 0 ]; then fail "$label exited $code: $(tail -n2 "$work/$label.err" | tr '\n' ' ')"; return; fi
  grep -qx "$label: $said" "$work/host.out" || fail "$label: the host peer did not get '$said'"
  grep -qx "hostpeer: $heard" "$work/$label.out" || fail "$label: did not get '$heard' from the host peer"
  say "ok: $label (a line each way)"
}

# version LABEL EXPECTED COMMAND...: --version names the target.
version() {
  local label=$1 expected=$2
  shift 2
  local text
  text=$("$@" --version 2>&1) || { fail "$label: --version failed: $text"; return; }
  [[ $text == *"$expected"* ]] && say "ok: $label --version: $text" || fail "$label: --version said '$text', not '$expected'"
}

# In a root: the binary at /p2pchat, the host peer as lab-peer in /etc/hosts, HOME set, and a given nsswitch.conf.
prepare() {
  local dir=$1 binary=$2 nsswitch=$3
  cp "$binary" "$dir/p2pchat"
  printf '127.0.0.1 localhost\n127.0.0.1 lab-peer\n' >"$dir/etc/hosts"
  printf 'nameserver %s\noptions timeout:2 attempts:1\n' "$dns" >"$dir/etc/resolv.conf"
  # The passwd line as on a host with university logins: glibc asks it when HOME is unset.
  printf 'passwd: files %s\ngroup: files\nhosts: %s\n' "$([[ $nsswitch == *sss* ]] && echo sss)" "$nsswitch" >"$dir/etc/nsswitch.conf"
  rm -rf "$dir/tmp/p2pchat-home" "$dir"/tmp/ui-*.id
}
# A command prefix, not a function (timeout runs it): a clean environment, then chroot, which an empty root has none of.
in_root() { echo env -i HOME=/tmp/p2pchat-home TERM=dumb PATH=/usr/bin:/bin "$(command -v chroot)" "$1"; }

# ui LABEL COMMAND...: the full terminal UI in an 80x24 tmux pane (COMMAND is given --identity, its name, lab-peer and
# the port): it joins, a typed line reaches the host peer, the host's line is drawn, and :quit ends it with 0.
ui() {
  local label=$1
  shift
  local pane="$label" said="typed in $label" heard="drawn in $label"
  tmux -L "$tmux_socket" new-session -d -s "$label" -x 80 -y 24 \
    "$* --identity /tmp/ui-$label.id $label lab-peer $port 2>$work/ui-$label.err; echo UI-EXIT=\$?; sleep 60"
  local ok=0
  for _ in $(seq 100); do grep -q "$label joined\|$label is online" "$work/host.err" && ok=1 && break; sleep 0.1; done
  [ $ok = 1 ] || { fail "ui $label: never joined: $(screen "$pane" 3) $(tail -n2 "$work/ui-$label.err" 2>/dev/null | tr "\n" " ")"; return; }
  tmux -L "$tmux_socket" send-keys -t "$pane" "$said" Enter
  echo "$heard" >&9
  ok=0
  for _ in $(seq 100); do
    grep -qx "$label: $said" "$work/host.out" && screen "$pane" 30 | grep -q "hostpeer: $heard" && ok=1 && break
    sleep 0.1
  done
  [ $ok = 1 ] || fail "ui $label: no line each way: $(screen "$pane" 5)"
  tmux -L "$tmux_socket" send-keys -t "$pane" ":quit" Enter
  ok=0
  for _ in $(seq 100); do screen "$pane" 30 | grep -q "UI-EXIT=0" && ok=1 && break; sleep 0.1; done
  [ $ok = 1 ] && say "ok: ui $label (typed and drawn, :quit)" \
    || fail "ui $label: :quit did not end it with 0: $(screen "$pane" 3)"
  tmux -L "$tmux_socket" kill-session -t "$label" 2>/dev/null || true
}
screen() { tmux -L "$tmux_socket" capture-pane -p -t "$1" 2>&1 | grep -v '^$' | tail -n "$2" || true; }

floor=$(sed -n 's/^glibc_floor=//p' tools/release.sh)
# nsswitch.conf hosts lines, by a short tag (names in the chat are at most 32 bytes).
declare -A lines=([plain]="files dns" [sss]="files sss dns" [mdns]="files mdns4_minimal [NOTFOUND=return] dns")
for suite in bullseye trixie; do
  dir=$(root "$suite")
  glibc=$(chroot "$dir" /usr/bin/ldd --version | sed -n 1p | grep -o '[0-9.]*$')
  for tag in plain sss mdns; do
    prepare "$dir" "$dist/p2pchat-linux-x64" "${lines[$tag]}"
    version "x64 on $suite" "linux-x64, glibc >= $floor" $(in_root "$dir") /p2pchat
    chat "dyn-$suite-$tag" lab-peer $(in_root "$dir") /p2pchat
    chat "dyn-$suite-$tag-dns" lab-dns.test $(in_root "$dir") /p2pchat
    [ "$tag" = sss ] && ui "ui-dyn-$suite" env -i TERM=xterm-256color "$(command -v chroot)" --userspec=4321:4321 "$dir" /p2pchat
  done
  say "(x64 dynamic ran on $suite, glibc $glibc)"
  for tag in plain sss mdns; do
    nsswitch=${lines[$tag]}
    prepare "$dir" "$dist/p2pchat-linux-x64-static" "$nsswitch"
    version "x64 static on $suite" "linux-x64, static" $(in_root "$dir") /p2pchat
    chat "static-$suite-$tag" lab-peer $(in_root "$dir") /p2pchat
    chat "static-$suite-$tag-dns" lab-dns.test $(in_root "$dir") /p2pchat
    # The terminal UI as a user the root's /etc/passwd does not list, HOME unset: the passwd lookup would go to sss.
    [ "$tag" = sss ] && ui "ui-static-$suite" env -i TERM=xterm-256color "$(command -v chroot)" --userspec=4321:4321 "$dir" /p2pchat
    # A name nobody has: the DNS server says so; one line and exit 1, never a crash.
    code=0
    $(in_root "$dir") /p2pchat "unknown-$tag" no-such-host.invalid "$port" </dev/null >/dev/null 2>"$work/unknown.err" || code=$?
    if [ "$code" = 1 ] && [ "$(wc -l <"$work/unknown.err")" -le 2 ] && grep -q "cannot resolve host 'no-such-host.invalid'" "$work/unknown.err"; then
      say "ok: static on $suite, hosts: $nsswitch, unknown name: $(grep cannot "$work/unknown.err")"
    else
      fail "static on $suite, hosts: $nsswitch, unknown name: exit $code: $(cat "$work/unknown.err")"
    fi
  done
done

# An empty root: nothing but the static binary, /etc/hosts, resolv.conf and nsswitch.conf, and /tmp.
empty=$work/empty
mkdir -p "$empty/etc" "$empty/tmp"
prepare "$empty" "$dist/p2pchat-linux-x64-static" "files dns"
version "x64 static in an empty root" "linux-x64, static" $(in_root "$empty") /p2pchat
chat "static-empty" lab-peer $(in_root "$empty") /p2pchat
chat "static-empty-dns" lab-dns.test $(in_root "$empty") /p2pchat
# The terminal UI where there is no /etc/passwd, no terminfo, no /dev and no HOME.
ui "ui-static-empty" env -i TERM=xterm-256color "$(command -v chroot)" "$empty" /p2pchat

# arm64 under qemu-user: the static one alone, the dynamic one with Debian 11's arm64 libraries (the release sysroot).
version "arm64 static" "linux-arm64, static" qemu-aarch64 "$dist/p2pchat-linux-arm64-static"
chat "arm64-static" 127.0.0.1 env HOME="$work/arm64-home" qemu-aarch64 "$dist/p2pchat-linux-arm64-static"
arm64_root=$cache/sysroot-bullseye-arm64
if [ -f "$arm64_root/.complete" ]; then
  version "arm64 dynamic" "linux-arm64, glibc >= $floor" qemu-aarch64 -L "$arm64_root" "$dist/p2pchat-linux-arm64"
  chat "arm64-dynamic" 127.0.0.1 env HOME="$work/arm64-home" qemu-aarch64 -L "$arm64_root" "$dist/p2pchat-linux-arm64"
else
  fail "no arm64 sysroot at $arm64_root to run the dynamic arm64 binary with (./build.sh --release makes it)"
fi

(cd "$dist" && sha256sum -c --quiet ./*.sha256) && say "ok: SHA-256 files match" || fail "SHA-256 files do not match"
if [ "$failures" -gt 0 ]; then
  say "$failures check(s) failed"
  exit 1
fi
say "all checks passed"
