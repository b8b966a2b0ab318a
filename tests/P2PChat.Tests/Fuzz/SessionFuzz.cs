// Target 3: after the handshake. A NodeCore with two honest neighbours (A, its history source, and B) and a fuzzer
// peer F that completes the handshake and then sends sealed records of generated frames: lines signed by authors it
// holds (batches, gaps, duplicates, replays of A's lines, REPLAY), PRESENCE, SYNC with random summaries and limits
// (and SYNC storms), SYNCED, PEERS, PRUNE/UNPRUNE, PING, a second HELLO, mutated and garbage frames, records altered
// in flight; all cut at random byte boundaries, among A's lines and timer ticks. Properties, after every input: no
// exception; no link gets more than MaxQueueBytes + 2 records' worth offered in one input, and F no more than its
// SYNCs' worth of log (each SYNC at most the log's bytes + SYNCED) (the log as it was, plus that record's own lines) plus slack; the owners stay under their caps; A and
// B are never closed and what the core sends them always opens. At the end F's link closes and A's next line reaches B
// exactly once.
using System.Buffers.Binary;
using System.Reflection;
using P2PChat.Net;

namespace P2PChat.Tests.Fuzz;

internal static class SessionFuzz
{
    /// <summary>What one input may cost a link beyond the SYNC answers: timer output (PING, PRESENCE of the roster,
    /// PEERS, a repair SYNC), PRUNEs, record headers and tags.</summary>
    public const int Slack = 64 * 1024;

    private static readonly FieldInfo Deferred =
        typeof(HistorySync).GetField("_deferred", BindingFlags.NonPublic | BindingFlags.Instance)!;

    private sealed class Neighbour(SecurePeer peer, int link)
    {
        public SecurePeer Peer { get; } = peer;
        public int Link { get; } = link;
        public List<byte> Tail { get; } = [];
        public List<byte[]> Frames { get; } = [];
        public ulong Said { get; set; }
    }

    private sealed class Case
    {
        public required CoreUnderFuzz Fuzz { get; init; }
        public required Neighbour A, B;
        public Neighbour? F;
        public int Syncs;
        public int InputBytes;
        public long LogBytes;
        public long PeakAmplification;

        /// <summary>PINGs chosen so far: every other one is sent as a HAVE instead, drawn from a generator of its own so
        /// the seeds kept as tests still draw what they drew before HAVE existed.</summary>
        public int Pings;
        public int Unprunes;
        public int Synceds;

        /// <summary>0: F sends only well-formed, well-signed frames (it stays open and drives the state machines deep);
        /// otherwise about one frame in Hostile is malformed, forged or garbage, and one record in 3 * Hostile altered.</summary>
        public int Hostile;
    }

    public static void Run(int seed)
    {
        var r = new Random(seed);
        var options = new NodeOptions("hub")
        {
            LogCapacity = 8 + r.Next(120),
            MaxQueueBytes = 64 * 1024 * (1 + r.Next(8)),
        };
        Case? c = null;
        var fuzz = new CoreUnderFuzz(options, FuzzKeys.For(0, r), r, f => Check(c, f));
        Neighbour a = Join(fuzz, r, 1, "ann", 1001);
        Neighbour b = Join(fuzz, r, 2, "bob", 1002);
        c = new Case { Fuzz = fuzz, A = a, B = b, Hostile = r.Next(3) == 0 ? 2 + r.Next(40) : 0 };
        // A is the history source (its SYNC comes first) and its history is done at once.
        Send(c, a, [.. FrameGen.Sync(50, []), .. FrameGen.Small(FrameType.Synced)]);
        Send(c, b, FrameGen.Sync(Protocol.SyncAll, []));
        var aLines = new List<byte[]>();
        Say(c, r, aLines, 1 + r.Next(4));

        c.F = Join(fuzz, r, 3, "mallory", 1003);
        NodeKeys[] authors = [c.F.Peer.Keys, FuzzKeys.For(4, r), FuzzKeys.For(5, r)];
        var authorSeq = new ulong[authors.Length];
        List<ulong> origins = [a.Peer.Keys.NodeId, b.Peer.Keys.NodeId, fuzz.Core.NodeId, .. authors.Select(k => k.NodeId)];
        int steps = 10 + r.Next(50);
        for (int step = 0; step < steps; step++)
        {
            int action = r.Next(20);
            if (action < 14 && Open(c, c.F))
                FuzzerRecord(c, r, authors, authorSeq, origins, aLines);
            else if (action < 16)
                Say(c, r, aLines, 1 + r.Next(3));
            else
                Tick(c, r);
        }

        FuzzStats.Note(fuzz.Effects.Closed.TryGetValue(c.F.Link, out LinkClose why)
            ? $"F closed: {why.Kind} {System.Text.RegularExpressions.Regex.Replace(why.Detail ?? "", "[0-9]+", "N")}"
            : "F still open");
        // F goes; A's next line must reach B exactly once.
        if (Open(c, c.F))
            fuzz.Input(core => core.Lost(c.F.Link, new LinkClose(CloseKind.Reset), fuzz.Now));
        c.F = null;
        ulong last = Say(c, r, aLines, 1);
        var id = new MessageId(a.Peer.Keys.NodeId, last);
        int copies = b.Frames.Count(f => IsChat(f, id));
        PropertyViolation.Unless(copies == 1, $"B got A's last line {copies} times after F was gone");
        PropertyViolation.Unless(fuzz.Effects.Shown.Count(s => s == id) == 1, "the core did not show A's last line once");
        PropertyViolation.Unless(!a.Frames.Any(f => IsChat(f, id)), "A's own line was sent back to A");
    }

    private static bool Open(Case c, Neighbour? n) =>
        n is not null && c.Fuzz.Core.Links.Find(n.Link) is { State: LinkState.Open } && !c.Fuzz.Effects.Closed.ContainsKey(n.Link);

    private static bool IsChat(byte[] frame, MessageId id) =>
        frame.Length > 21 && frame[4] is (byte)FrameType.Chat or (byte)FrameType.ChatUnchecked && BinaryPrimitives.ReadUInt64BigEndian(frame.AsSpan(5)) == id.Origin
        && BinaryPrimitives.ReadUInt64BigEndian(frame.AsSpan(13)) == id.Seq;

    /// <summary>An honest peer connects and completes the handshake.</summary>
    private static Neighbour Join(CoreUnderFuzz fuzz, Random r, int identity, string name, int port)
    {
        var n = new Neighbour(new SecurePeer(FuzzKeys.For(identity, r), name, initiator: true, listenPort: (ushort)port), fuzz.Accept(port));
        byte[] outgoing = n.Peer.Start();
        for (int i = 0; i < 4 && !(n.Peer.Open && fuzz.Core.Links.Find(n.Link)?.State == LinkState.Open); i++)
        {
            fuzz.Deliver(n.Link, outgoing, [outgoing.Length]);
            n.Tail.AddRange(fuzz.Effects.Take(n.Link));
            outgoing = n.Peer.Feed([.. n.Tail], out int used, n.Frames);
            n.Tail.RemoveRange(0, used);
        }
        PropertyViolation.Unless(fuzz.Core.Links.Find(n.Link)?.State == LinkState.Open, $"{name}'s honest handshake did not open");
        if (outgoing.Length > 0)
            fuzz.Deliver(n.Link, outgoing, [outgoing.Length]);
        return n;
    }

    /// <summary>A sealed record of <paramref name="frames"/> from <paramref name="from"/>, then everyone reads.</summary>
    private static void Send(Case c, Neighbour from, byte[] frames, Random? split = null, Func<byte[], byte[]>? alter = null)
    {
        byte[] record = from.Peer.Seal(frames);
        if (alter is not null)
            record = alter(record);
        c.InputBytes = record.Length;
        c.Fuzz.Deliver(from.Link, record, split is null ? [record.Length] : Mutator.Splits(split, record.Length));
        c.Syncs = 0;
        c.InputBytes = 0;
    }

    /// <summary>A says a batch of lines; returns the last one's sequence.</summary>
    private static ulong Say(Case c, Random r, List<byte[]> said, int count)
    {
        Neighbour a = c.A;
        List<byte[]> batch = FrameGen.Batch(r, a.Peer.Keys, "ann", a.Said + 1, count);
        a.Said += (ulong)count;
        // As many records as the batch needs: long lines (up to 8 KiB of text each) overflow one (seed 7200721).
        var record = new List<byte>();
        foreach (byte[] frame in batch)
        {
            if (record.Count + frame.Length > Protocol.MaxRecordPlaintext)
            {
                Send(c, a, [.. record]);
                record.Clear();
            }
            record.AddRange(frame);
        }
        Send(c, a, [.. record]);
        said.AddRange(batch);
        return a.Said;
    }

    private static void Tick(Case c, Random r)
    {
        c.Fuzz.Now += r.Next(r.Next(8) == 0 ? 2000 : 400);
        Send(c, c.A, FrameGen.Small(FrameType.Ping));
        Send(c, c.B, FrameGen.Small(FrameType.Ping));
        c.Fuzz.Input(core => core.Tick(c.Fuzz.Now));
    }

    private static void FuzzerRecord(Case c, Random r, NodeKeys[] authors, ulong[] authorSeq, List<ulong> origins, List<byte[]> aLines)
    {
        var frames = new List<byte>();
        if (r.Next(12) == 0)
        {
            // A SYNC storm: as many SYNCs as one record holds, or a few hundred.
            byte[] sync = FrameGen.Sync(r, origins);
            int count = Math.Min(Protocol.MaxRecordPlaintext / sync.Length, r.Next(2) == 0 ? int.MaxValue : 1 + r.Next(300));
            for (int i = 0; i < count; i++)
                frames.AddRange(sync);
        }
        else
        {
            int count = 1 + r.Next(r.Next(4) == 0 ? 40 : 5);
            for (int i = 0; i < count; i++)
            {
                byte[] frame = Frame(c, r, authors, authorSeq, origins, aLines);
                if (frames.Count + frame.Length > Protocol.MaxRecordPlaintext)
                    break;
                frames.AddRange(frame);
            }
        }
        Func<byte[], byte[]>? alter = c.Hostile > 0 && r.Next(3 * c.Hostile) == 0 ? record => Mutator.Mutate(r, record, 2) : null;
        byte[] plain = [.. frames];
        c.Syncs = CountSyncs(plain);
        c.LogBytes = LogBytes(c.Fuzz.Core);
        Send(c, c.F!, plain, r, alter);
    }

    /// <summary>Frames of type SYNC in a record's plaintext, well formed or not (an upper bound on the answers owed).</summary>
    private static int CountSyncs(ReadOnlySpan<byte> plain)
    {
        int syncs = 0;
        while (FrameReader.TryReadFrame(plain, out ReadOnlySpan<byte> body, out int used) == FrameStatus.Complete)
        {
            if (body[0] == (byte)FrameType.Sync)
                syncs++;
            plain = plain[used..];
        }
        return syncs;
    }

    private static byte[] Frame(Case c, Random r, NodeKeys[] authors, ulong[] authorSeq, List<ulong> origins, List<byte[]> aLines)
    {
        switch (c.Hostile > 0 && r.Next(c.Hostile) == 0 ? 12 + r.Next(4) : r.Next(12))
        {
            case 0 or 1 or 2: // lines of an author F holds: in order, with gaps, repeated, far ahead
            {
                int who = r.Next(authors.Length);
                ulong first = r.Next(6) switch
                {
                    0 => 1 + (ulong)r.Next(5),
                    1 => authorSeq[who] + 2 + (ulong)r.Next(30),
                    2 => (ulong)r.NextInt64(1, long.MaxValue),
                    3 => ulong.MaxValue - 40,
                    _ => authorSeq[who] + 1,
                };
                int count = 1 + r.Next(r.Next(3) == 0 ? Protocol.MaxBatchLines : 3);
                List<byte[]> batch = FrameGen.Batch(r, authors[who], FrameGen.Name(r), first, count, replay: r.Next(6) == 0);
                authorSeq[who] = Math.Max(authorSeq[who], first + (ulong)count - 1);
                int skip = r.Next(3) == 0 ? r.Next(count) : 0;
                return [.. batch.Skip(skip).Take(1 + r.Next(count - skip)).SelectMany(f => f)];
            }
            case 3: // A's lines back, as CHAT or REPLAY
            {
                byte[] line = [.. aLines[r.Next(aLines.Count)]];
                if (r.Next(2) == 0)
                    line[Protocol.LengthPrefixSize] = (byte)FrameType.Replay;
                return line;
            }
            case 4: // PRESENCE signed by an author F holds
            {
                NodeKeys author = authors[r.Next(authors.Length)];
                var kind = (PresenceKind)(1 + r.Next(3));
                ulong counter = r.Next(4) == 0 ? (ulong)r.NextInt64() : 1 + (ulong)r.Next(50);
                uint interval = (uint)r.Next(100, 600_001);
                ulong lastSeq = r.Next(3) == 0 ? (ulong)r.NextInt64() : (ulong)r.Next(60);
                return FrameGen.Presence(r, author, kind, counter, interval, lastSeq);
            }
            case 5 or 6:
                return FrameGen.Sync(r, origins);
            case 7: // every third a ROSTER, every third a WANT, from a generator of their own (kept seeds draw as before)
                return (c.Synceds++ % 3) switch
                {
                    0 => FrameGen.Small(FrameType.Synced),
                    1 => FrameGen.Digest(new Random(c.Synceds), origins),
                    _ => FrameGen.Want(new Random(c.Synceds), origins),
                };
            case 8:
                return FrameGen.Peers(r, c.Fuzz.Core.NodeId);
            case 9:
                return FrameGen.Prune(origins[r.Next(origins.Count)]);
            case 10: // SUSPECTs from a generator of their own, so the kept seeds draw from r as before
                return c.Unprunes++ % 2 == 0 ? FrameGen.Small(FrameType.Unprune)
                    : FrameGen.Suspect(new Random(c.Unprunes), authors[c.Unprunes % authors.Length], origins);
            case 11: // a PING, a HAVE or a BUSY in turn (no draw from r, so the kept seeds draw as before)
                return (c.Pings++ % 3) switch
                {
                    0 => FrameGen.Small(FrameType.Ping),
                    1 => FrameGen.Have(new Random(c.Pings), origins),
                    _ => FrameGen.Small(FrameType.Busy),
                };
            case 12:
                return r.Next(2) == 0 ? FrameGen.Hello(r)
                    : FrameGen.Presence(r, r.Next(2) == 0 ? null : authors[0], (PresenceKind)r.Next(5), (ulong)r.Next(3), (uint)r.Next(), 0);
            case 13:
                return FrameGen.Garbage(r);
            default: // a valid frame, mutated (its length prefix may now lie about the record)
            {
                byte[] valid = Frame(c, r, authors, authorSeq, origins, aLines);
                return Mutator.Mutate(r, valid, 3);
            }
        }
    }

    private static long LogBytes(NodeCore core)
    {
        long bytes = 0;
        MessageLog log = core.Flooding.Log;
        for (int i = 0; i < log.Count; i++)
            bytes += log.FrameAt(i).Length;
        return bytes;
    }

    /// <summary>After every input: the neighbours read what was sent to them, then the bounds.</summary>
    private static void Check(Case? c, CoreUnderFuzz fuzz)
    {
        NodeCore core = fuzz.Core;
        FuzzEffects effects = fuzz.Effects;
        if (c is not null)
        {
            foreach (Neighbour? n in new[] { c.A, c.B, c.F })
            {
                if (n is null)
                    continue;
                n.Tail.AddRange(effects.Take(n.Link));
                try
                {
                    n.Peer.Feed([.. n.Tail], out int used, n.Frames);
                    n.Tail.RemoveRange(0, used);
                }
                catch (InvalidOperationException e)
                {
                    throw new PropertyViolation($"what the core sent {n.Peer.Keys.NodeId:x} does not open: {e.Message}");
                }
            }
            foreach (Neighbour honest in new[] { c.A, c.B })
                PropertyViolation.Unless(Open(c, honest),
                    () => $"honest link #{honest.Link} was disturbed: {(effects.Closed.TryGetValue(honest.Link, out LinkClose why) ? why.ToString() : core.Links.Find(honest.Link)?.State.ToString())}");
            // Flow control: once a link's queue is full nothing more is produced for it in that input.
            long hard = fuzz.Options.MaxQueueBytes + 2L * (Protocol.RecordHeaderSize + Protocol.MaxRecord);
            PropertyViolation.Unless(effects.PeakOffered <= hard,
                () => $"one input offered {effects.PeakOffered} bytes to link #{effects.PeakLink} (bound {hard}: MaxQueueBytes + 2 records)");
            // No amplification: the fuzzer's link gets at most one log's worth (and SYNCED) per SYNC it sent, plus slack.
            if (c.F is { } f)
            {
                long offered = effects.OfferedTo(f.Link);
                long bound = c.Syncs * (c.LogBytes + c.InputBytes + 5) + c.InputBytes + Slack; // the record's own lines may join the log first
                PropertyViolation.Unless(offered <= bound,
                    () => $"F sent {c.InputBytes} bytes with {c.Syncs} SYNCs (log {c.LogBytes} bytes) and got {offered} bytes offered (bound {bound})");
                if (c.InputBytes > 0)
                    c.PeakAmplification = Math.Max(c.PeakAmplification, offered / c.InputBytes);
            }
        }
        Flooding flooding = core.Flooding;
        PropertyViolation.Unless(flooding.Log.Count <= flooding.Log.Capacity, "log over capacity");
        PropertyViolation.Unless(flooding.Filter.OriginCount <= flooding.Filter.MaxOrigins, "duplicate filter over its origins");
        PropertyViolation.Unless(flooding.Order.HeldCount <= DeliveryOrder.MaxHeld, () => $"{flooding.Order.HeldCount} lines held");
        PropertyViolation.Unless(core.Presence.Roster.Count <= Protocol.MaxMembers, "roster over MaxMembers");
        PropertyViolation.Unless(core.Membership.Book.Count <= AddressBook.DefaultCapacity, () => $"address book holds {core.Membership.Book.Count}");
        int deferred = ((System.Collections.ICollection)Deferred.GetValue(core.History)!).Count;
        PropertyViolation.Unless(deferred <= core.Links.Count, () => $"{deferred} deferred SYNC answers for {core.Links.Count} links");
        PropertyViolation.Unless(core.Links.Count <= 3 + Membership.MaxConnecting, () => $"{core.Links.Count} links");
    }
}
