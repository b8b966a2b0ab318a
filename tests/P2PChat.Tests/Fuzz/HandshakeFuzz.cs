// Target 2: the encrypted handshake. A NodeCore (responder, or initiator) talks to a SecurePeer whose records are
// mutated on the way in: bit flips in bodies and length prefixes, truncation, extension, lying lengths, records of
// another session spliced in, replays of earlier records, alerts, garbage; every chunk cut at random byte boundaries
// across Receive calls. Properties: no exception; the link is either gone with one close of an allowed kind or in a
// legal state; the link table does not grow; an open link's peer is the identity that did the handshake (a spliced
// HELLO never verifies); a wrong room secret never opens; and a timer tick past the deadline closes whatever is left
// (HandshakeTimeout for a stalled handshake, not a moment before its deadline).
using System.Buffers.Binary;
using System.Net;
using P2PChat.Net;

namespace P2PChat.Tests.Fuzz;

internal static class HandshakeFuzz
{
    private static readonly CloseKind[] Allowed =
        [CloseKind.ProtocolError, CloseKind.HandshakeTimeout, CloseKind.RoomMismatch, CloseKind.Self, CloseKind.Silent, CloseKind.DrainTimeout];

    // Records of two other sessions (handshake messages both ways, sealed HELLOs and frames), made once.
    private static readonly Lazy<List<byte[]>> Shadow = new(() =>
    {
        var records = new List<byte[]>();
        for (int s = 0; s < 2; s++)
        {
            var r = new Random(555 + s);
            var a = new SecurePeer(FuzzKeys.For(5, r), "shadow-a", initiator: true);
            var b = new SecurePeer(FuzzKeys.For(6, r), "shadow-b", initiator: false);
            byte[] toB = a.Start();
            for (int i = 0; i < 4 && toB.Length > 0; i++)
            {
                records.AddRange(Records(toB));
                byte[] toA = b.Feed(toB, out _);
                records.AddRange(Records(toA));
                toB = a.Feed(toA, out _);
            }
            records.Add(a.Seal(FrameGen.Small(FrameType.Ping)));
            records.Add(b.Seal(FrameGen.Small(FrameType.Ping)));
        }
        return records;
    });

    public static void Run(int seed)
    {
        var r = new Random(seed);
        bool coreInitiates = r.Next(3) == 0;
        bool otherRoom = r.Next(10) == 0;
        int mutationOdds = r.Next(5) switch { 0 => 0, 1 => 2, _ => 6 + r.Next(20) }; // 1 in N records mutated (0: none)
        NodeKeys peerKeys = FuzzKeys.For(1 + r.Next(3), r, otherRoom ? "another room" : null);
        var peer = new SecurePeer(peerKeys, "mallory", initiator: !coreInitiates);
        int link = 0;
        var fuzz = new CoreUnderFuzz(new NodeOptions("core"), FuzzKeys.For(0, r), r, f => Check(f, link, otherRoom, peerKeys.NodeId));
        if (coreInitiates)
            fuzz.Input(core =>
            {
                link = core.Join(new IPEndPoint(IPAddress.Loopback, 5000), fuzz.Now);
                core.Connected(link, fuzz.Now);
            });
        else
            link = fuzz.Accept(40000);

        var sent = new List<byte[]>();
        var peerTail = new List<byte>();
        bool honest = true;
        byte[] outgoing = peer.Start();
        int steps = 3 + r.Next(10);
        for (int step = 0; step < steps && !fuzz.Effects.Closed.ContainsKey(link); step++)
        {
            var records = Records(outgoing);
            if (honest && peer.Established && r.Next(2) == 0)
                records.Add(peer.Seal(r.Next(3) == 0 ? FrameGen.Garbage(r) : FrameGen.Small(FrameType.Ping)));
            var wire = new List<byte>();
            foreach (byte[] record in records)
            {
                sent.Add(record);
                if (mutationOdds > 0 && r.Next(mutationOdds) == 0)
                    wire.AddRange(MutateRecord(r, record, sent));
                else
                    wire.AddRange(record);
            }
            if (mutationOdds > 0 && sent.Count > 0 && r.Next(mutationOdds * 2) == 0)
                wire.AddRange(Extra(r, sent));
            byte[] bytes = [.. wire];
            fuzz.Deliver(link, bytes, Mutator.Splits(r, bytes.Length));

            fuzz.Now += r.Next(r.Next(4) == 0 ? 2500 : 300);
            if (r.Next(3) == 0)
                fuzz.Input(core => core.Tick(fuzz.Now));

            outgoing = [];
            byte[] reply = fuzz.Effects.Take(link);
            if (honest && reply.Length > 0)
            {
                peerTail.AddRange(reply);
                try
                {
                    outgoing = peer.Feed([.. peerTail], out int used);
                    peerTail.RemoveRange(0, used);
                }
                catch (InvalidOperationException)
                {
                    honest = false; // the core's answer to our mutations no longer makes sense to an honest peer
                }
            }
        }
        Finish(fuzz, link, peerKeys.NodeId);
    }

    private static void Check(CoreUnderFuzz fuzz, int link, bool otherRoom, ulong peerNode)
    {
        NodeCore core = fuzz.Core;
        // Besides the fuzzed link, only connections the core makes itself (to the peer's listen address, once it knows
        // it), at most Membership.MaxConnecting at a time.
        if (link == 0)
        {
            PropertyViolation.Unless(core.Links.Count <= 1, "one connection made more than one link");
            return;
        }
        int others = core.Links.All.Count(l => l.Id != link && !fuzz.Effects.Connects.Contains(l.Id));
        int connecting = core.Links.All.Count(l => l.Id != link && fuzz.Effects.Connects.Contains(l.Id));
        PropertyViolation.Unless(others == 0 && connecting <= Membership.MaxConnecting,
            () => $"the core holds {core.Links.Count} links, one connection was made");
        CoreLink? state = core.Links.Find(link);
        if (state is null)
        {
            PropertyViolation.Unless(fuzz.Effects.Closed.TryGetValue(link, out LinkClose reason), "the link left the table without a close");
            PropertyViolation.Unless(Array.IndexOf(Allowed, reason.Kind) >= 0, $"closed as {reason}");
            return;
        }
        PropertyViolation.Unless(!fuzz.Effects.Closed.ContainsKey(link), "a closed link is still in the table");
        PropertyViolation.Unless(state.State is LinkState.Handshaking or LinkState.Open or LinkState.Draining, $"the link is {state.State}");
        if (state.State == LinkState.Open)
        {
            PropertyViolation.Unless(!otherRoom, "a peer with another room secret got an open link");
            PropertyViolation.Unless(state.Peer!.NodeId == peerNode, $"the link opened to node {state.Peer.NodeId:x}, not to the peer that did the handshake");
        }
        if (state.State == LinkState.Draining && state.Peer is null)
            PropertyViolation.Unless(fuzz.Effects.Drained.Contains(link), "a refused handshake drains without telling the driver");
    }

    /// <summary>Time passes with the peer silent: whatever is left must close, a stalled handshake exactly at its deadline.</summary>
    private static void Finish(CoreUnderFuzz fuzz, int link, ulong peerNode)
    {
        FuzzStats.Note((fuzz.Effects.OpenedLinks.Contains(link) ? "opened, " : "") + (fuzz.Effects.Closed.TryGetValue(link, out LinkClose closed)
            ? $"closed {closed.Kind}" : $"{fuzz.Core.Links.Find(link)?.State}"));
        if (fuzz.Core.Links.Find(link) is not { } state)
            return;
        if (state.State == LinkState.Handshaking)
        {
            long deadline = state.Deadline;
            if (fuzz.Now <= deadline)
            {
                fuzz.Now = deadline;
                fuzz.Input(core => core.Tick(fuzz.Now));
                PropertyViolation.Unless(fuzz.Core.Links.Find(link) is { State: LinkState.Handshaking }, "the handshake closed before its deadline");
            }
            fuzz.Now = deadline + 1;
            fuzz.Input(core => core.Tick(fuzz.Now));
            PropertyViolation.Unless(fuzz.Effects.Closed.TryGetValue(link, out LinkClose reason) && reason.Kind == CloseKind.HandshakeTimeout,
                () => $"a stalled handshake past its deadline: {(fuzz.Effects.Closed.TryGetValue(link, out LinkClose r) ? r.ToString() : "still " + fuzz.Core.Links.Find(link)?.State)}");
        }
        else
        {
            // Ticking as the driver does (ChatNode.TickInterval), from a tick now: a jump over the whole wait, or the
            // case's own irregular jumps, would be our own stall, which the core does not count against the link
            // (NodeCore.ForgiveOwnStall).
            fuzz.Input(core => core.Tick(fuzz.Now));
            long end = fuzz.Now + (long)fuzz.Options.DeadAfter.TotalMilliseconds + (long)fuzz.Options.DrainTimeout.TotalMilliseconds + 1;
            while (fuzz.Now < end && !fuzz.Effects.Closed.ContainsKey(link))
            {
                fuzz.Now = Math.Min(end, fuzz.Now + (long)ChatNode.TickInterval.TotalMilliseconds);
                fuzz.Input(core => core.Tick(fuzz.Now));
            }
            PropertyViolation.Unless(fuzz.Effects.Closed.ContainsKey(link), () => $"a silent {state.State} link was not closed by the timer");
        }
        PropertyViolation.Unless(fuzz.Core.Links.All.All(l => fuzz.Effects.Connects.Contains(l.Id) && l.State == LinkState.Connecting),
            () => $"{fuzz.Core.Links.Count} links left after every deadline");
    }

    /// <summary>The whole records in <paramref name="bytes"/>, each with its u16 prefix.</summary>
    public static List<byte[]> Records(byte[] bytes)
    {
        var records = new List<byte[]>();
        int at = 0;
        while (bytes.Length - at >= 2)
        {
            int length = BinaryPrimitives.ReadUInt16BigEndian(bytes.AsSpan(at));
            if (bytes.Length - at < 2 + length)
                break;
            records.Add(bytes[at..(at + 2 + length)]);
            at += 2 + length;
        }
        return records;
    }

    private static byte[] MutateRecord(Random r, byte[] record, List<byte[]> sent)
    {
        List<byte[]> shadow = Shadow.Value;
        switch (r.Next(9))
        {
            case 0: // flip a bit of the body
            {
                byte[] copy = [.. record];
                if (copy.Length > 2)
                    copy[2 + r.Next(copy.Length - 2)] ^= (byte)(1 << r.Next(8));
                return copy;
            }
            case 1: // a length prefix that lies
            {
                byte[] copy = [.. record];
                BinaryPrimitives.WriteUInt16BigEndian(copy, (ushort)Mutator.LyingLength(r, record.Length - 2));
                return copy;
            }
            case 2: // truncated, prefix fixed up
            {
                int keep = r.Next(record.Length - 1);
                byte[] copy = [.. record.AsSpan(0, 2 + keep)];
                BinaryPrimitives.WriteUInt16BigEndian(copy, (ushort)keep);
                return copy;
            }
            case 3: // extended, prefix fixed up (or not)
            {
                byte[] tail = FrameGen.RandomBytes(r, 1 + r.Next(r.Next(4) == 0 ? 400 : 20));
                byte[] copy = [.. record, .. tail];
                if (r.Next(2) == 0)
                    BinaryPrimitives.WriteUInt16BigEndian(copy, (ushort)(copy.Length - 2));
                return copy;
            }
            case 4: // a record of another session in its place
                return shadow[r.Next(shadow.Count)];
            case 5: // a replay of one we sent before, then this one
                return [.. sent[r.Next(sent.Count)], .. record];
            case 6: // dropped
                return [];
            case 7: // the record twice
                return [.. record, .. record];
            default: // byte-level mutations, prefix untouched
                return [.. record.AsSpan(0, 2), .. Mutator.Mutate(r, record[2..], 3)];
        }
    }

    /// <summary>Something extra on the wire: an alert, an empty record, a giant length, garbage, a shadow record.</summary>
    private static byte[] Extra(Random r, List<byte[]> sent) => r.Next(6) switch
    {
        0 => [0, 1, (byte)r.Next(3)],
        1 => [0, 0],
        2 => [0xFF, 0xFF, .. FrameGen.RandomBytes(r, r.Next(64))],
        3 => FrameGen.RandomBytes(r, 1 + r.Next(300)),
        4 => Shadow.Value[r.Next(Shadow.Value.Count)],
        _ => sent[r.Next(sent.Count)],
    };
}
