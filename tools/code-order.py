#!/usr/bin/env python3
"""Writes p2pchat.order: the managed methods a peer runs, which the build lays out first (IlcOrderFile).

Why: every page of the binary's code that a process touches is resident in it, and the kernel maps the 64 KiB around
each page touched (fault-around). A peer runs about 880 KB of the binary's 2.2 MB of managed code, but spread over
all of it, so nearly all of it was resident in every peer. Laid out together, the code a peer runs is one run of pages
and the rest is never mapped. Within that run, what a settled peer runs for every line and tick comes first, the
busiest first: a line read touched 94-98 pages of managed code spread over 900 KB, and touches 49 now (every page
touched after a system call is a TLB miss where the kernel empties the TLB on each call, and on the paravirtual VM
this was measured on, a page whose accessed bit the kernel cleared, as DAMON's sampling does for a whole folio in
every process that maps it, costs 2-5 us at its next touch).

How: runs the published ./p2pchat (build.sh first) as users do, some copies under Valgrind's lackey tool, which prints
the address of every block of code it runs; maps the addresses to the symbols of the build's p2pchat.dbg; writes the
managed ones, those a settled peer ran (counted in a quiet network, a line a second) first by how often, the rest in
the order they have in that build. Scenarios (loopback, ports the system picks, a private HOME): the quiet network;
a network of native peers talking and leaving; traced peers that join it in pipe mode (twice with one identity: made,
then loaded), with --json, as the peer others join through, on the terminal UI (under `script`, with commands), and
one stopped by SIGTERM. A method it does not see still works; it is only laid out after the ones it saw. Run through
tools/code-order.sh, which installs valgrind and builds first.
"""
import argparse
import bisect
import collections
import os
import random
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_listening(port, seconds):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.05)
    raise SystemExit(f"code-order: nothing listens on port {port} after {seconds} s")


class Native:
    """A peer at full speed, in pipe mode: the network the traced ones live in."""

    def __init__(self, binary, name, port, join, env):
        args = [binary, name, *(["127.0.0.1", str(join)] if join else []), "--port", str(port)]
        self.port = port
        self.proc = subprocess.Popen(args, stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                     env=env)

    def say(self, text):
        try:
            self.proc.stdin.write(text.encode() + b"\n")
            self.proc.stdin.flush()
        except OSError:
            pass

    def stop(self, how):
        if self.proc.poll() is not None:
            return
        if how == "quit":
            self.proc.stdin.close()
        else:
            self.proc.send_signal(signal.SIGKILL if how == "crash" else signal.SIGTERM)


class Traced:
    """A peer under lackey. Its block addresses arrive on a pipe (--log-fd) and are kept once each, in the order first run."""

    def __init__(self, binary, args, env, tty=False):
        read_end, write_end = os.pipe()
        # No chasing: a superblock then ends at every branch and call, so every method entered starts one of its own
        # (with it, a small method called straight was folded into its caller's block and never named).
        command = ["valgrind", "--tool=lackey", "--trace-superblocks=yes", "--basic-counts=no", "--vex-guest-chase=no",
                   f"--log-fd={write_end}", binary, *args]
        if tty:
            # The terminal UI needs a terminal: `script` gives it one and passes our stdin on as keys.
            command = ["script", "-qfec", " ".join(command), "/dev/null"]
        # stdout a pipe someone reads, as users' and the benchmarks' are: pipe mode takes other paths for a pipe than
        # for /dev/null, which is seekable and never polled (Ui/StdoutRoom.cs); a method run only for a pipe and left
        # out of the list cost every peer a 64 KiB window of code (LibC.O_DIRECT: a lone peer's resident code 1,236 ->
        # 1,332-1,428 KiB).
        self.proc = subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                     stderr=subprocess.DEVNULL, env=env, pass_fds=(write_end,))
        os.close(write_end)
        self.blocks = []  # in the order first run: the first one in the executable is its entry point
        self.steady = False  # while set, how often each block runs is counted
        self.counts = collections.Counter()
        self._reader = threading.Thread(target=self._read, args=(read_end,), daemon=True)
        self._reader.start()
        threading.Thread(target=self._drain, daemon=True).start()

    def _drain(self):
        for _ in self.proc.stdout:
            pass

    def _read(self, fd):
        seen = set()
        with os.fdopen(fd, "rb", buffering=1 << 20) as log:
            for line in log:
                if line.startswith(b"SB "):
                    address = int(line[3:], 16)
                    if address not in seen:
                        seen.add(address)
                        self.blocks.append(address)
                    if self.steady:
                        self.counts[address] += 1

    def type(self, text, pause=0.0):
        try:
            self.proc.stdin.write(text.encode())
            self.proc.stdin.flush()
        except OSError:
            pass
        time.sleep(pause)

    def finish(self, seconds, how="quit"):
        if how == "quit":
            try:
                self.proc.stdin.close()
            except OSError:
                pass
        else:
            self.proc.send_signal(signal.SIGTERM)
        try:
            self.proc.wait(timeout=seconds)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        self._reader.join(timeout=30)


def entry_point(binary):
    with open(binary, "rb") as f:
        header = f.read(64)
    return int.from_bytes(header[24:32], "little")


def managed_range(binary):
    out = subprocess.run(["readelf", "-SW", binary], capture_output=True, text=True, check=True).stdout
    for line in out.splitlines():
        fields = line.replace("[ ", "[").split()
        if len(fields) > 5 and fields[1] == "__managedcode":
            start, size = int(fields[3], 16), int(fields[5], 16)
            return start, start + size
    raise SystemExit("code-order: the binary has no __managedcode section")


def symbols(debug_file, lo, hi):
    """The code symbols inside [lo, hi), as (address, size, names): folded methods share an address."""
    out = subprocess.run(["nm", "-n", "-S", "--defined-only", debug_file], capture_output=True, text=True,
                         check=True).stdout
    by_address = {}
    for line in out.splitlines():
        fields = line.split()
        if len(fields) != 4 or fields[2] not in "tTwW":
            continue
        address, size = int(fields[0], 16), int(fields[1], 16)
        if lo <= address < hi:
            entry = by_address.setdefault(address, [size, []])
            entry[0] = max(entry[0], size)
            entry[1].append(fields[3])
    return sorted((a, s, names) for a, (s, names) in by_address.items())


def stop_all(natives):
    for native in natives:
        native.stop("quit")
    for native in natives:
        try:
            native.proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            native.proc.kill()


def settled(binary, traced_binary, env, home, log):
    """A traced peer in a quiet network of five, once it has settled: a line a second, read, said or passed on.

    Its blocks are counted (Traced.counts) over 30 lines: what a settled peer runs for every line and tick. Quiet,
    because under Valgrind a peer runs some fifty times slower: in the busy network below its data is always there
    before it asks, every read completes at once, and the paths a peer takes at full speed (a read that waits and
    completes on the socket thread) never run."""
    own = dict(env, HOME=os.path.join(home, "settled"))
    os.makedirs(own["HOME"], exist_ok=True)
    natives = []
    for i in range(2):
        port = free_port()
        natives.append(Native(binary, f"q{i}", port, natives[-1].port if natives else None, env))
        wait_listening(port, 20)
    port = free_port()
    peer = Traced(traced_binary, ["settled", "127.0.0.1", str(natives[-1].port), "--port", str(port)], own)
    wait_listening(port, 60)
    for i in range(2, 4):
        natives.append(Native(binary, f"q{i}", free_port(), port, env))
    time.sleep(10)
    for i in range(36):
        if i == 6:
            peer.steady = True
        if i % 3 == 1:
            peer.type(f"settled says {i}\n")
        else:
            natives[0 if i % 3 == 0 else 3].say(f"line {i} " + "z" * (i * 7 % 200))
        time.sleep(1.0)
    peer.steady = False
    peer.finish(60)
    stop_all(natives)
    log(f"traced settled: {len(peer.blocks)} blocks, {sum(peer.counts.values()):,} run while settled")
    return peer


def scenarios(binary, home, log):
    # Valgrind 3.19 cannot read the debug file ILC writes beside the binary ("corrupted debuginfo"): trace a copy.
    traced_binary = os.path.join(home, "p2pchat")
    shutil.copy(binary, traced_binary)
    env = {k: v for k, v in os.environ.items() if k != "XDG_CONFIG_HOME"}  # as most users run it: under HOME
    env.update(HOME=home, TERM="xterm-256color")
    traced = [settled(binary, traced_binary, env, home, log)]
    rng = random.Random(1)
    natives = []
    for i in range(24):
        join = rng.choice(natives).port if natives else None
        port = free_port()
        natives.append(Native(binary, f"n{i}", port, join, env))
        wait_listening(port, 20)
    log(f"{len(natives)} native peers up")
    talking = threading.Event()

    def talk():
        i = 0
        while not talking.is_set():
            rng.choice(natives[:20]).say(f"line {i} " + "x" * rng.randrange(0, 300))
            i += 1
            time.sleep(0.3)

    talker = threading.Thread(target=talk, daemon=True)
    talker.start()

    def run(name, args, lines, seconds, tty=False, how="quit", keys=None):
        own = dict(env, HOME=os.path.join(home, name))
        os.makedirs(own["HOME"], exist_ok=True)
        peer = Traced(traced_binary, args, own, tty)
        time.sleep(seconds / 2)
        for text in keys or [f"{name} says {i}\n" for i in range(lines)]:
            peer.type(text, 0.2)
        time.sleep(seconds / 2)
        peer.finish(60, how)
        traced.append(peer)
        log(f"traced {name}: {len(peer.blocks)} blocks")

    entry = random.Random(2).choice(natives).port
    run("pipe", ["pipe", "127.0.0.1", str(entry)], 20, 30)
    run("pipe", ["pipe", "127.0.0.1", str(entry)], 10, 20)  # the same HOME: the identity made above is loaded
    run("json", ["json", "127.0.0.1", str(entry), "--json"], 10, 20)
    # The peer others join through: it listens, three natives join it, and then it leaves.
    port = free_port()
    own = dict(env, HOME=os.path.join(home, "hub"), XDG_CONFIG_HOME=os.path.join(home, "hub", "config"))
    os.makedirs(own["HOME"], exist_ok=True)
    hub = Traced(traced_binary, ["hub", "127.0.0.1", str(entry), "--port", str(port)], own)
    wait_listening(port, 60)
    natives.extend(Native(binary, f"j{i}", free_port(), port, env) for i in range(3))
    time.sleep(15)
    for i in range(10):
        hub.type(f"hub says {i}\n", 0.2)
    natives[-1].stop("crash")  # a neighbour that dies: suspicion, healing
    natives[-2].stop("quit")
    time.sleep(15)
    hub.finish(60)
    traced.append(hub)
    log(f"traced hub: {len(hub.blocks)} blocks")
    keys = ["hello from the terminal\n", ":help\n", ":peers\n", ":me waves\n", ":whois n1\n", ":msg n2 a private word\n",
            "a long line " + "y" * 400 + "\n", "\x1b[A", "\x1b[D\x1b[C", "\t", "\x0c", ":quit\n"]
    run("tui", ["tui", "127.0.0.1", str(entry)], 0, 30, tty=True, keys=keys)
    run("term", ["term", "127.0.0.1", str(entry)], 5, 20, how="term")
    talking.set()
    stop_all(natives)
    return traced


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--binary", default=os.path.join(ROOT, "publish", "p2pchat"))
    p.add_argument("--out", default=os.path.join(ROOT, "p2pchat.order"))
    p.add_argument("--fresh", action="store_true",
                   help="forget the methods the list at --out already names (by default they are kept while they exist)")
    args = p.parse_args()
    log = lambda text: print(f"code-order: {text}", file=sys.stderr, flush=True)
    debug_file = args.binary + ".dbg"
    lo, hi = managed_range(args.binary)
    code = symbols(debug_file, lo, hi)
    starts = [a for a, _, _ in code]
    entry = entry_point(args.binary)
    with tempfile.TemporaryDirectory(prefix="code-order.") as home:
        traced = scenarios(args.binary, home, log)
    def method(address):
        i = bisect.bisect_right(starts, address) - 1
        return i if i >= 0 and code[i][0] <= address < code[i][0] + max(code[i][1], 1) else None

    hot = set()
    steady = collections.Counter()  # method -> blocks it ran while a peer was settled
    for peer in traced:
        # Valgrind loads the executable at an address of its own: its first block in the executable is the entry.
        base = next((b - entry for b in peer.blocks if b < 0x4000000 and (b - entry) % 4096 == 0), None)
        if base is None:
            raise SystemExit("code-order: a traced peer ran nothing of the executable (is valgrind working?)")
        for block in peer.blocks:
            i = method(block - base)
            if i is not None:
                hot.add(i)
        for block, count in peer.counts.items():
            i = method(block - base)
            if i is not None:
                steady[i] += count
    # Which timers fire and which paths race differ from run to run (two runs differed in ~90 of ~2,700 methods), and
    # a method missing from the list costs every peer that runs it a 64 KiB window: runs add up, as lists of methods
    # that ran, unless --fresh.
    if not args.fresh and os.path.exists(args.out):
        with open(args.out) as f:
            listed = set(line.strip() for line in f)
        hot.update(i for i, (_, _, names) in enumerate(code) if any(name in listed for name in names))
    # What a settled peer runs for every line and tick comes first, the busiest first, so that a line touches as few
    # pages as it can (each page a process touches after a system call is a TLB miss where the kernel flushes the TLB
    # on every call, and a refault wherever the host clears its pages' accessed bits); then the rest of what ran (its
    # start, joins, commands, leaving), in the order this build has it.
    first = sorted(steady, key=lambda i: (-steady[i], i))
    order = first + sorted(hot - set(first))
    size = sum(code[i][1] for i in hot)
    with open(args.out, "w") as out:
        for i in order:
            for name in code[i][2]:
                out.write(name + "\n")
    log(f"{len(hot)} of {len(code)} managed methods ran, {size:,} of {hi - lo:,} bytes; of them {len(first)} "
        f"({sum(code[i][1] for i in first):,} bytes) while settled, laid out first; wrote {args.out}")


if __name__ == "__main__":
    main()
