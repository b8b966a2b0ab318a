// Heartbeats on the core's own timer plan (NodeCore.NextTick, SendHeartbeats): an idle link is pinged once its
// quiet would reach a heartbeat interval and a tick, and a link that carries lines is not pinged at all. One core on
// simulated time that ticks exactly when it asks to, real handshakes.
using P2PChat.Net;

namespace P2PChat.Tests;

public class HeartbeatTests
{
    private const long PingAfterMs = 1000 + NodeCore.TickMs; // the default heartbeat interval, and a tick

    /// <summary>A core linked to an author and to a listener, past the history wait.</summary>
    private sealed class Scene
    {
        public Scene()
        {
            Author = Bench.Join(1, "author", 5001);
            Listener = Bench.Join(2, "listener", 5002);
            Bench.PastHistoryWait(Author, Listener);
            Bench.FramesSent(Listener, _listenerTail, FrameType.Ping); // what it sent them so far
            Bench.FramesSent(Author, _authorTail, FrameType.Ping);
        }

        // The core announces itself once a minute: its announcements would keep its links alive without a ping.
        public DialBench Bench { get; } = new(targetLinks: 0, presenceInterval: TimeSpan.FromMinutes(1));
        public (SecurePeer Peer, int Link) Author { get; }
        public (SecurePeer Peer, int Link) Listener { get; }
        private readonly List<byte> _listenerTail = [], _authorTail = [];
        private ulong _seq;

        /// <summary>Ticks the core whenever it asks to, until <paramref name="until"/>; the author says a line every
        /// <paramref name="lineEveryMs"/> (0: never) and both peers ping the core every second. Returns when the core
        /// sent the listener and the author anything, when it pinged them, and how many ticks it took.</summary>
        public (Sent ToListener, Sent ToAuthor, int Ticks) Run(long until, long lineEveryMs)
        {
            var toListener = new Sent([], []);
            var toAuthor = new Sent([], []);
            int ticks = 0;
            // Off the ticks' beat, as lines would be: 300 ms before each of an idle node's ticks (a link quiet that
            // long was pinged on them before, as the next tick might be a second away).
            long nextLine = lineEveryMs > 0 ? Bench.Now + 200 : long.MaxValue;
            long nextSign = Bench.Now + 1000;
            while (true)
            {
                long tick = 0;
                Bench.Fuzz.Input(core => tick = core.NextTick(Bench.Now));
                long at = Math.Min(tick, Math.Min(nextLine, nextSign));
                if (at > until)
                    return (toListener, toAuthor, ticks);
                Bench.Fuzz.Now = at;
                if (at == nextLine)
                {
                    Bench.Send(Author, SecurePeer.Line(Author.Peer.Keys, "author", ++_seq, $"line {_seq}", Bench.Now));
                    nextLine += lineEveryMs;
                }
                else if (at == nextSign)
                {
                    Bench.Send(Listener, DialBench.Ping);
                    Bench.Send(Author, DialBench.Ping);
                    nextSign += 1000;
                }
                else
                {
                    Bench.Fuzz.Input(core => core.Tick(Bench.Now));
                    ticks++;
                }
                Note(Listener, _listenerTail, toListener, at);
                Note(Author, _authorTail, toAuthor, at);
            }
        }

        private void Note((SecurePeer Peer, int Link) peer, List<byte> tail, Sent sent, long at)
        {
            List<byte[]> frames = Bench.FramesOf(peer, tail);
            if (frames.Count > 0)
                sent.Any.Add(at);
            if (frames.Exists(f => f.Length > 4 && f[4] == (byte)FrameType.Ping))
                sent.Pings.Add(at);
        }
    }

    /// <summary>When the core sent a peer any frame, and when one of them was a PING.</summary>
    private sealed record Sent(List<long> Any, List<long> Pings);

    [Test]
    public async Task An_idle_link_is_pinged_on_one_tick_every_heartbeat_interval_and_a_tick_and_never_left_quiet_longer()
    {
        var s = new Scene();
        long start = s.Bench.Now;

        (Sent toListener, Sent toAuthor, int ticks) = s.Run(start + 20_000, lineEveryMs: 0);

        await Assert.That(toListener.Pings.Count).IsGreaterThanOrEqualTo(10); // 16 less the ticks that sent PEERS instead
        await Assert.That(LongestQuiet(toListener.Any, start)).IsLessThanOrEqualTo(PingAfterMs);
        // Both fall due together: one tick sends both a frame, a ping or, every 5 s on one of them, PEERS in its place.
        await Assert.That(toAuthor.Any).IsEquivalentTo(toListener.Any);
        await Assert.That(ticks).IsLessThanOrEqualTo(17); // a tick every 1.25 s, not one a second and one at each ping
    }

    [Test]
    public async Task A_link_that_carries_a_line_every_half_second_is_not_pinged_while_an_idle_one_still_is()
    {
        var s = new Scene();
        long start = s.Bench.Now;

        (Sent toListener, Sent toAuthor, _) = s.Run(start + 10_000, lineEveryMs: 500);

        // The listener is sent every line the author says; the author only what keeps its link alive.
        await Assert.That(toListener.Any.Count).IsGreaterThanOrEqualTo(19);
        await Assert.That(toListener.Pings.Count).IsEqualTo(0);
        await Assert.That(toAuthor.Pings.Count).IsGreaterThanOrEqualTo(5);
        await Assert.That(LongestQuiet(toAuthor.Any, start)).IsLessThanOrEqualTo(PingAfterMs);
    }

    private static long LongestQuiet(List<long> sent, long start)
    {
        long longest = 0, previous = start;
        foreach (long at in sent)
        {
            longest = Math.Max(longest, at - previous);
            previous = at;
        }
        return longest;
    }
}
