#!/usr/bin/env python3
"""Many p2pchat processes on this machine, as users would run them (issue 11's "real processes" figure).

Starts N copies of ./p2pchat in pipe mode with default options on 127.0.0.1, each joining a random earlier one (or,
with --join first, the first one) once that one listens; waits --settle seconds; then random peers say --lines lines, --gap seconds apart, and every other
peer's stdout is watched for each. Prints, per line, the time until the last other peer printed it, and over all
deliveries p50/p99 (nearest rank), the worst line, lines that did not reach everyone within --grace seconds, the
median and largest RSS per process, sockets per process (its links: the first peer's tells how many joined
through it), the links the peers reported closed on stderr, and the CPU all peers spent per line said (while
talking, less the idle rate). With --binary-b, every odd-numbered peer runs a second binary, and each binary's figures
are also printed apart. Exit 1 when a line was lost.
Also prints how the page cache holds the binary (its mapped pages in the first peer, and how many of them sit in
large folios): on the AMD VM of 2026-12-04 that state, not the code, moved the figures by a third (the same bytes
copied with cp, into large folios, or written 4 KiB at a time, into single pages: p99 123-161 against 77-95 ms;
docs/PERFORMANCE-LOG.md). --page-cache runs a fresh copy of each binary written either way, so that two builds are
compared in the same state.
Run through bench/procs.sh, which builds ./p2pchat first.
"""
import argparse
import os
import random
import selectors
import socket
import statistics
import struct
import subprocess
import sys
import tempfile
import threading
import time


def parse():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--nodes", type=int, default=300)
    p.add_argument("--lines", type=int, default=20)
    p.add_argument("--gap", type=float, default=0.5, help="seconds between lines")
    p.add_argument("--settle", type=float, default=10.0)
    p.add_argument("--grace", type=float, default=10.0, help="seconds a line may take before it counts as lost")
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--join", choices=["random", "first"], default="random",
                   help="whom each peer joins: a random earlier one, or the first (a lab where everyone types one address)")
    p.add_argument("--threads", action="store_true",
                   help="read each pipe on a thread of its own, as before 2026-12-01 (the readers' GIL turns are then in the figures)")
    p.add_argument("--per-thread", action="store_true",
                   help="also print, per thread name, the CPU and the wake-ups (context switches) a reader and line cost while talking")
    p.add_argument("--binary", default=os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "p2pchat"))
    p.add_argument("--binary-b", help="run every odd-numbered peer from this binary instead, and print each binary's "
                   "CPU, RSS and delivery times apart: two builds compared in one network over the same seconds (on this "
                   "VM, runs one after the other of the same binary differed by a third in CPU)")
    p.add_argument("--page-cache", choices=["as-is", "pages", "folios"], default="as-is",
                   help="run a fresh copy of each binary, written 4 KiB at a time (pages: the page cache holds it in "
                   "single pages) or in one write (folios: large folios where the kernel and file system make them, as "
                   "after cp); as-is runs the binaries where they are")
    return p.parse_args()


def fresh_copy(binary, how, directory):
    """A copy of binary in directory, written so that the page cache holds it in single pages or in large folios."""
    with open(binary, "rb") as f:
        data = f.read()
    path = os.path.join(directory, f"{os.path.basename(binary)}-{how}-{len(os.listdir(directory))}")
    with open(path, "wb") as f:
        if how == "pages":
            for at in range(0, len(data), 4096):
                f.write(data[at:at + 4096])
                f.flush()  # each write reaches the page cache as it is: a 4 KiB write makes a single-page folio
        else:
            f.write(data)
    os.chmod(path, 0o755)
    return path


def folio_state(pid, binary):
    """(pages of binary mapped in pid, of them in large folios), from /proc/PID/pagemap and /proc/kpageflags (root
    only: None otherwise)."""
    real = os.path.realpath(binary)
    try:
        ranges = []
        with open(f"/proc/{pid}/maps") as f:
            for line in f:
                fields = line.split()
                if len(fields) >= 6 and os.path.realpath(fields[5]) == real:
                    lo, hi = (int(x, 16) for x in fields[0].split("-"))
                    ranges.append((lo, hi))
        mapped = large = 0
        with open(f"/proc/{pid}/pagemap", "rb") as pagemap, open("/proc/kpageflags", "rb") as flags:
            for lo, hi in ranges:
                for va in range(lo, hi, 4096):
                    pagemap.seek(va // 4096 * 8)
                    entry = struct.unpack("<Q", pagemap.read(8))[0]
                    if not entry >> 63 or not entry & ((1 << 55) - 1):
                        continue
                    mapped += 1
                    flags.seek((entry & ((1 << 55) - 1)) * 8)
                    if struct.unpack("<Q", flags.read(8))[0] & (1 << 15 | 1 << 16):  # compound head or tail
                        large += 1
        return (mapped, large) if mapped else None
    except (OSError, struct.error):
        return None


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def listening(port, deadline):
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return True
        except OSError:
            time.sleep(0.01)
    return False


class Readers:
    """Reads every peer's stdout and stderr on one thread with epoll, stamping each line when its bytes arrive. A
    thread per pipe (600 threads for 300 peers, all waking at once when a line floods, taking turns at the GIL) is
    part of what it measures: with --threads, the old way, for comparison."""

    def __init__(self, threads):
        self.threads = threads
        self.selector = selectors.EpollSelector()  # a pipe registered while it waits is watched at once
        if not threads:
            threading.Thread(target=self.loop, daemon=True).start()

    def watch(self, peer):
        for stream, handler in ((peer.proc.stdout, peer.on_out), (peer.proc.stderr, peer.on_err)):
            if self.threads:
                threading.Thread(target=self.drain, args=(stream, handler), daemon=True).start()
            else:
                os.set_blocking(stream.fileno(), False)
                self.selector.register(stream.fileno(), selectors.EVENT_READ, [handler, b""])

    @staticmethod
    def drain(stream, handler):
        for raw in stream:
            handler(raw.rstrip(b"\n"), time.monotonic())

    def loop(self):
        # The reader is one thread among 300 busy processes: at the default weight it waits its turn behind them, and
        # that wait would count as the peers' latency. Raised (root, or CAP_SYS_NICE), it reads as soon as bytes come.
        try:
            os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), -10)
        except OSError:
            print("procs.py: could not raise the reader's priority (not root?): the figures include its waits", file=sys.stderr)
        while True:
            ready = self.selector.select(timeout=0.5)
            now = time.monotonic()  # every pipe in this batch had its bytes by now
            for key, _ in ready:
                try:
                    chunk = os.read(key.fd, 65536)
                except BlockingIOError:
                    continue
                if not chunk:
                    self.selector.unregister(key.fd)
                    continue
                handler, rest = key.data
                *lines, rest = (rest + chunk).split(b"\n")
                key.data[1] = rest
                for line in lines:
                    handler(line, now)


class Peer:
    def __init__(self, binary, name, port, join, readers, group="a"):
        args = [binary, name] + (["127.0.0.1", str(join)] if join else []) + ["--port", str(port)]
        self.name, self.port, self.group = name, port, group
        self.proc = subprocess.Popen(args, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        self.arrivals = {}  # line text -> monotonic time printed
        self.closed = 0
        self.err_tail = []
        self.lock = threading.Lock()
        readers.watch(self)

    def on_out(self, line, now):
        _, _, said = line.decode("utf-8", "replace").partition(": ")
        if said.startswith("probe "):
            with self.lock:
                self.arrivals.setdefault(said, now)

    def on_err(self, line, now):
        self.err_tail = (self.err_tail + [line.decode("utf-8", "replace").rstrip()])[-3:]
        if b"link closed" in line or b"left (" in line and b"(quit)" not in line:
            self.closed += 1

    def say(self, text):
        try:
            self.proc.stdin.write((text + "\n").encode())
            self.proc.stdin.flush()
        except BrokenPipeError:
            pass  # it exited: reported at the end, and its line counts as lost

    def sockets(self):
        """Sockets the process holds (its links, plus its listener)."""
        try:
            fd_dir = f"/proc/{self.proc.pid}/fd"
            return sum(1 for fd in os.listdir(fd_dir) if os.readlink(os.path.join(fd_dir, fd)).startswith("socket:"))
        except OSError:
            return 0

    def cpu_ticks(self):
        return self.stat()[0]

    def stat(self):
        """(CPU ticks, page faults, major faults): utime + stime, minor + major faults (a fault is a trap and a
        page-table change, which a virtual machine may pay dearly for), and major ones alone (the page had to be read
        back from the file: the kernel had dropped it from the page cache, e.g. a reclaim of the binary's code)."""
        try:
            with open(f"/proc/{self.proc.pid}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
            return int(fields[11]) + int(fields[12]), int(fields[7]) + int(fields[9]), int(fields[9])
        except (OSError, IndexError, ValueError):
            return 0, 0, 0

    def rss_kib(self, field="VmRSS:"):
        """VmRSS, or with field "RssAnon:" only the process's own memory (VmRSS also counts the binary's and libc's pages)."""
        try:
            with open(f"/proc/{self.proc.pid}/status") as f:
                for line in f:
                    if line.startswith(field):
                        return int(line.split()[1])
        except OSError:
            pass
        return 0


def thread_totals(peers):
    """Per thread name over all peers: [CPU ns, context switches] (schedstat's run time; status's voluntary switches,
    each a wait for work and so a wake-up after it, plus the involuntary ones, preemptions: ~10% of a socket thread's,
    a third of a timer thread's, in 20 idle peers)."""
    totals = {}
    for p in peers:
        base = f"/proc/{p.proc.pid}/task"
        try:
            tids = os.listdir(base)
        except OSError:
            continue
        for tid in tids:
            try:
                with open(f"{base}/{tid}/comm") as f:
                    name = f.read().strip()
                with open(f"{base}/{tid}/schedstat") as f:
                    ns = int(f.read().split()[0])
                switches = 0
                with open(f"{base}/{tid}/status") as f:
                    for line in f:
                        if "ctxt_switches:" in line:
                            switches += int(line.split()[1])
            except (OSError, ValueError, IndexError):
                continue
            t = totals.setdefault(name, [0, 0])
            t[0] += ns
            t[1] += switches
    return totals


def per_thread_report(idle, talk, idle_seconds, talk_seconds, lines, readers):
    """Talk less idle (scaled to the talk's length), per reader and line."""
    def delta(a, b):
        return {k: [b[k][0] - a.get(k, [0, 0])[0], b[k][1] - a.get(k, [0, 0])[1]] for k in b}
    di, dt = delta(*idle), delta(*talk)
    rows = []
    scale = talk_seconds / idle_seconds
    for name, (ns, sw) in dt.items():
        ins, isw = di.get(name, [0, 0])
        rows.append((name, (ns - ins * scale) / 1000 / lines / readers, (sw - isw * scale) / lines / readers,
                     ins / 1000 / idle_seconds / readers, isw / idle_seconds / readers))
    rows.sort(key=lambda r: -r[1])
    print("per thread, a reader and line while talking (less idle) | idle, a peer and second:")
    for name, us, sw, ius, isw in rows:
        print(f"  {name:<18} {us:8.1f} us CPU {sw:6.2f} wake-ups | idle {ius:8.1f} us/s {isw:6.2f} wake-ups/s")


def nearest_rank(sorted_values, p):
    if not sorted_values:
        return float("nan")
    k = max(0, min(len(sorted_values) - 1, -(-p * len(sorted_values) // 100) - 1))
    return sorted_values[int(k)]


def main():
    a = parse()
    copies = None
    if a.page_cache != "as-is":
        copies = tempfile.TemporaryDirectory(prefix="procs-")
        a.binary = fresh_copy(a.binary, a.page_cache, copies.name)
        if a.binary_b:
            a.binary_b = fresh_copy(a.binary_b, a.page_cache, copies.name)
    try:
        return run(a)
    finally:
        if copies:
            copies.cleanup()


def run(a):
    rng = random.Random(a.seed)
    peers = []
    readers = Readers(a.threads)
    started = time.monotonic()
    try:
        for i in range(a.nodes):
            join = (peers[0] if a.join == "first" else peers[rng.randrange(len(peers))]).port if peers else None
            group = "b" if a.binary_b and i % 2 else "a"
            peer = Peer(a.binary_b if group == "b" else a.binary, f"p{i}", free_port(), join, readers, group)
            if not listening(peer.port, time.monotonic() + 10):
                print(f"p{i} did not listen within 10 s", file=sys.stderr)
                return 1
            peers.append(peer)
            if (i + 1) % 50 == 0:
                print(f"[{time.monotonic() - started:6.1f} s] {i + 1} peers started", file=sys.stderr)
        time.sleep(a.settle / 2)
        threads_idle_from = thread_totals(peers) if a.per_thread else None
        idle_each_from, idle_at = [p.cpu_ticks() for p in peers], time.monotonic()
        idle_from = sum(idle_each_from)
        faults_idle_from = sum(p.stat()[1] for p in peers)
        time.sleep(a.settle / 2)
        threads_idle_to = thread_totals(peers) if a.per_thread else None
        idle_seconds = time.monotonic() - idle_at
        idle_each_to = [p.cpu_ticks() for p in peers]
        idle_cpu = (sum(idle_each_to) - idle_from) / os.sysconf("SC_CLK_TCK") / (time.monotonic() - idle_at)
        idle_faults = (sum(p.stat()[1] for p in peers) - faults_idle_from) / (time.monotonic() - idle_at)
        rss_each = [p.rss_kib() for p in peers]
        rss = sorted(rss_each)
        anon = sorted(p.rss_kib("RssAnon:") for p in peers)
        sockets = sorted(p.sockets() for p in peers)
        first_sockets = peers[0].sockets()

        said = []
        threads_talk_from = thread_totals(peers) if a.per_thread else None
        talk_each_from, talk_at = [p.cpu_ticks() for p in peers], time.monotonic()
        talk_from = sum(talk_each_from)
        faults_talk_from, major_talk_from = (sum(column) for column in zip(*(p.stat()[1:] for p in peers)))
        for k in range(a.lines):
            sender = peers[rng.randrange(len(peers))]
            text = f"probe {k}"
            at = time.monotonic()
            sender.say(text)
            said.append((text, sender, at))
            time.sleep(a.gap)
        time.sleep(1.0)  # the last line's flood
        talk_seconds = time.monotonic() - talk_at
        threads_talk_to = thread_totals(peers) if a.per_thread else None
        talk_each_to = [p.cpu_ticks() for p in peers]
        talk_cpu = (sum(talk_each_to) - talk_from) / os.sysconf("SC_CLK_TCK")
        per_line_ms = (talk_cpu - idle_cpu * talk_seconds) / a.lines * 1000
        faults_talk_to, major_talk_to = (sum(column) for column in zip(*(p.stat()[1:] for p in peers)))
        talk_faults, talk_major = faults_talk_to - faults_talk_from, major_talk_to - major_talk_from
        faults_per_reader = (talk_faults - idle_faults * talk_seconds) / a.lines / (a.nodes - 1)
        time.sleep(max(0.0, a.grace - 1.0))

        deliveries, worst, lost = [], [], 0
        by_group = {"a": [], "b": []}  # delivery times by the receiver's binary
        for text, sender, at in said:
            times = []
            for p in peers:
                if p is sender:
                    continue
                with p.lock:
                    t = p.arrivals.get(text)
                if t is None or t - at > a.grace:
                    lost += 1
                else:
                    times.append((t - at) * 1000)
                    by_group[p.group].append((t - at) * 1000)
            deliveries += times
            worst.append(max(times) if times else float("nan"))
        deliveries.sort()
        joined = "the first" if a.join == "first" else "a random earlier one"
        print(f"{a.nodes} processes, each joining {joined}; {a.lines} lines from random peers, {a.gap} s apart, after {a.settle} s to settle")
        print(f"deliveries: {len(deliveries)} of {a.lines * (a.nodes - 1)}; lost (not within {a.grace} s): {lost}")
        print(f"time until a peer printed a line: p50 {nearest_rank(deliveries, 50):.1f} ms, p99 {nearest_rank(deliveries, 99):.1f} ms, "
              f"max {deliveries[-1] if deliveries else float('nan'):.1f} ms")
        print(f"time until the last peer printed it, per line: median {statistics.median(worst):.1f} ms, worst {max(worst):.1f} ms")
        # In order said: one slow line among fast ones points at a path that needed repair.
        print("each line, last peer (ms): " + " ".join(f"{w:.0f}" for w in worst))
        talk_text = (f"{per_line_ms:.0f} ms of CPU a line over that ({per_line_ms / (a.nodes - 1) * 1000:.0f} us a reader)"
                     if per_line_ms > 0 else "no more than idle, as far as /proc's 10 ms ticks show")
        print(f"CPU of all peers over the second half of the settling, idle: {idle_cpu * 100:.0f}% of one core; while talking: {talk_text}")
        print(f"page faults: idle {idle_faults / a.nodes:.2f} a peer and second; while talking {faults_per_reader:.2f} a reader and line (less idle); "
              f"major (read back from the file) while talking: {talk_major} in all")
        print(f"RSS per process after settling: median {rss[len(rss) // 2] / 1024:.1f} MiB, max {rss[-1] / 1024:.1f} MiB; "
              f"of it anonymous (not the binary's or libraries' pages): median {anon[len(anon) // 2] / 1024:.1f} MiB")
        print(f"sockets per process after settling (links and the listener): median {sockets[len(sockets) // 2]}, "
              f"max {sockets[-1]}, the first peer {first_sockets}")
        for group, path in (("a", a.binary), ("b", a.binary_b)) if a.binary_b else (("a", a.binary),):
            first = next(p for p in peers if p.group == group)
            state = folio_state(first.proc.pid, path)
            print(f"the page cache's hold on {path} ({first.name}): " + (
                f"{state[0]} pages mapped, {state[1]} of them in large folios" if state else "unknown (not root?)"))
        if a.binary_b:
            hz = os.sysconf("SC_CLK_TCK")
            for group, path in (("a", a.binary), ("b", a.binary_b)):
                members = [i for i, p in enumerate(peers) if p.group == group]
                idle = sum(idle_each_to[i] - idle_each_from[i] for i in members) / hz / idle_seconds / len(members)
                talk = sum(talk_each_to[i] - talk_each_from[i] for i in members) / hz / len(members)
                reader_us = (talk - idle * talk_seconds) / a.lines * 1e6
                times = sorted(by_group[group])
                group_rss = sorted(rss_each[i] for i in members)
                print(f"binary {group} ({path}), {len(members)} peers: idle {idle * 1e6:.0f} us of CPU a peer and second; "
                      f"{reader_us:.0f} us a reader and line while talking; RSS median {group_rss[len(group_rss) // 2] / 1024:.1f} MiB; "
                      f"lines reached them at p50 {nearest_rank(times, 50):.1f} ms, p99 {nearest_rank(times, 99):.1f} ms")
        if a.per_thread:
            per_thread_report((threads_idle_from, threads_idle_to), (threads_talk_from, threads_talk_to),
                              idle_seconds, talk_seconds, a.lines, a.nodes - 1)
        print(f"links or members reported lost on stderr (not quits): {sum(p.closed for p in peers)}")
        for p in peers:
            if p.proc.poll() is not None:
                print(f"{p.name} exited early (code {p.proc.returncode}): " + " | ".join(p.err_tail))
        return 1 if lost else 0
    finally:
        for p in peers:
            try:
                p.proc.stdin.close()
            except OSError:
                pass
        deadline = time.monotonic() + 10
        for p in peers:
            try:
                p.proc.wait(max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                p.proc.kill()


if __name__ == "__main__":
    sys.exit(main())
