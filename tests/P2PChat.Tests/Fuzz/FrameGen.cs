// Valid frames of every type, built with the product's own writers and signers, for the fuzzers to send as they are
// or to mutate: HELLO, CHAT/REPLAY batches signed by LineSigner, PRESENCE signed as Presence signs it, SYNC, PEERS,
// PRUNE, HAVE and the empty ones. Each returns whole frames (length prefix included).
using System.Buffers.Binary;
using System.Net;
using System.Text;
using P2PChat.Net;

namespace P2PChat.Tests.Fuzz;

internal static class FrameGen
{
    private static readonly string[] Names = ["ann", "bob", "Zoë", "李雷", "x", "a b", "🦊 fox", new string('n', 32)];
    private static readonly string[] Words = ["hi", "hello there", "ünïcödé", "日本語", "\u001b[31mred", "a\u0000b", "🎉"];

    public static string Name(Random r) => Names[r.Next(Names.Length)];

    public static byte[] Text(Random r)
    {
        int mode = r.Next(16);
        if (mode == 0)
            return Encoding.UTF8.GetBytes(new string('w', 1 + r.Next(Protocol.MaxTextBytes))); // up to the cap
        var text = new StringBuilder();
        int words = 1 + r.Next(6);
        for (int i = 0; i < words; i++)
            text.Append(Words[r.Next(Words.Length)]).Append(' ');
        return Encoding.UTF8.GetBytes(text.ToString().TrimEnd() is { Length: > 0 } s ? s : "x");
    }

    public static byte[] Small(FrameType type) => [0, 0, 0, 1, (byte)type];

    public static byte[] Prune(ulong origin)
    {
        var frame = new byte[Protocol.LengthPrefixSize + 9];
        BinaryPrimitives.WriteUInt32BigEndian(frame, 9);
        frame[4] = (byte)FrameType.Prune;
        BinaryPrimitives.WriteUInt64BigEndian(frame.AsSpan(5), origin);
        return frame;
    }

    /// <summary>A ROSTER naming some of <paramref name="origins"/> (or made-up members) at small or huge counters, and
    /// one time in sixteen a count that does not match its length (closes the link).</summary>
    public static byte[] Digest(Random r, IReadOnlyList<ulong> origins)
    {
        ulong[] members = Members(r, origins, Protocol.MaxDigestEntries);
        ulong[] counters = [.. members.Select(_ => r.Next(4) == 0 ? (ulong)r.NextInt64() : (ulong)r.Next(10))];
        return IdList(FrameType.RosterDigest, members, counters, r.Next(16) == 0 ? members.Length + 1 : members.Length);
    }

    /// <summary>A WANT of some of <paramref name="origins"/> (or made-up members), often more than any ROSTER named.</summary>
    public static byte[] Want(Random r, IReadOnlyList<ulong> origins) =>
        IdList(FrameType.Want, Members(r, origins, Protocol.MaxWantEntries));

    /// <summary>1 to 8 members (one time in eight up to <paramref name="max"/>), each one of <paramref name="origins"/>
    /// or, one time in four, made up.</summary>
    private static ulong[] Members(Random r, IReadOnlyList<ulong> origins, int max) =>
        [.. Enumerable.Range(0, 1 + r.Next(r.Next(8) == 0 ? max : 8))
            .Select(_ => origins.Count > 0 && r.Next(4) != 0 ? origins[r.Next(origins.Count)] : (ulong)r.NextInt64())];

    /// <summary>A ROSTER (with <paramref name="counters"/>) or a WANT of <paramref name="ids"/>, declaring
    /// <paramref name="count"/> entries (by default as many as there are).</summary>
    public static byte[] IdList(FrameType type, IReadOnlyList<ulong> ids, IReadOnlyList<ulong>? counters = null, int? count = null)
    {
        int entry = counters is null ? 8 : 16;
        var frame = new byte[Protocol.LengthPrefixSize + 3 + entry * ids.Count];
        BinaryPrimitives.WriteUInt32BigEndian(frame, (uint)(frame.Length - Protocol.LengthPrefixSize));
        frame[4] = (byte)type;
        BinaryPrimitives.WriteUInt16BigEndian(frame.AsSpan(5), (ushort)(count ?? ids.Count));
        for (int i = 0; i < ids.Count; i++)
        {
            BinaryPrimitives.WriteUInt64BigEndian(frame.AsSpan(7 + entry * i), ids[i]);
            if (counters is not null)
                BinaryPrimitives.WriteUInt64BigEndian(frame.AsSpan(15 + entry * i), counters[i]);
        }
        return frame;
    }

    /// <summary>A SUSPECT by <paramref name="suspecter"/> (signed, or one time in four signed by nobody) of one of
    /// <paramref name="origins"/> or a made-up member, at a small counter (the one a roster may hold) or any.</summary>
    public static byte[] Suspect(Random r, NodeKeys suspecter, IReadOnlyList<ulong> origins)
    {
        var frame = new byte[FrameWriter.SuspectSize];
        ulong target = origins.Count > 0 && r.Next(4) != 0 ? origins[r.Next(origins.Count)] : (ulong)r.NextInt64() | 1;
        if (target == suspecter.NodeId)
            target ^= 2;
        ulong counter = r.Next(4) == 0 ? (ulong)r.NextInt64() | 1 : 1 + (ulong)r.Next(20);
        FrameWriter.WriteSuspect(frame, suspecter.NodeId, target, counter, suspecter.Identity.Public, suspecter.Epoch);
        if (r.Next(4) != 0)
            P2PChat.Net.Presence.SignSuspect(suspecter, frame);
        else
            r.NextBytes(frame.AsSpan(frame.Length - Protocol.SignatureSize));
        return frame;
    }

    /// <summary>A HAVE of some of <paramref name="origins"/> (or, one time in four, of made-up ones), each with a
    /// sequence that may be far ahead of anything said.</summary>
    public static byte[] Have(Random r, IReadOnlyList<ulong> origins)
    {
        var entries = new (ulong Origin, ulong Seq)[1 + r.Next(Protocol.MaxHaveOrigins)];
        for (int i = 0; i < entries.Length; i++)
        {
            ulong origin = origins.Count > 0 && r.Next(4) != 0 ? origins[r.Next(origins.Count)] : (ulong)r.NextInt64();
            ulong seq = r.Next(4) == 0 ? (ulong)r.NextInt64() : (ulong)r.Next(100);
            entries[i] = (origin, seq);
        }
        return Have(entries);
    }

    /// <summary>A HAVE naming these senders, each up to its sequence.</summary>
    public static byte[] Have(params (ulong Origin, ulong Seq)[] entries)
    {
        var frame = new byte[Protocol.LengthPrefixSize + 2 + 16 * entries.Length];
        BinaryPrimitives.WriteUInt32BigEndian(frame, (uint)(2 + 16 * entries.Length));
        frame[4] = (byte)FrameType.Have;
        frame[5] = (byte)entries.Length;
        for (int i = 0; i < entries.Length; i++)
        {
            BinaryPrimitives.WriteUInt64BigEndian(frame.AsSpan(6 + 16 * i), entries[i].Origin);
            BinaryPrimitives.WriteUInt64BigEndian(frame.AsSpan(14 + 16 * i), entries[i].Seq);
        }
        return frame;
    }

    /// <summary>A HELLO with a random key and a zero signature (it parses; it never verifies).</summary>
    public static byte[] Hello(Random r)
    {
        byte[] name = Encoding.UTF8.GetBytes(Name(r));
        var key = new byte[Protocol.KeySize];
        r.NextBytes(key);
        var frame = new byte[FrameWriter.HelloSize(name)];
        FrameWriter.WriteHello(frame, key, (ulong)r.NextInt64(), (ushort)r.Next(65536), name);
        return frame;
    }

    /// <summary>Lines seq first .. first+count-1 by <paramref name="author"/>, signed as one batch.</summary>
    public static List<byte[]> Batch(Random r, NodeKeys author, string name, ulong first, int count, bool replay = false)
    {
        var signer = new LineSigner(author, new SelfName(Encoding.UTF8.GetBytes(name)));
        for (int i = 0; i < count; i++)
            signer.Add(new MessageId(author.NodeId, first + (ulong)i), r.NextInt64(), Text(r));
        signer.Sign();
        var frames = new List<byte[]>(count);
        var buffer = new byte[Protocol.MaxFrameSize + 64];
        for (int i = 0; i < count; i++)
        {
            byte[] frame = buffer[..signer.WriteFrame(i, buffer, out _)];
            if (replay)
                frame[Protocol.LengthPrefixSize] = (byte)FrameType.Replay;
            frames.Add(frame);
        }
        return frames;
    }

    /// <summary>A PRESENCE signed by <paramref name="author"/> (null: a random key and a zero signature).</summary>
    public static byte[] Presence(Random r, NodeKeys? author, PresenceKind kind, ulong counter, uint intervalMs, ulong lastSeq)
    {
        byte[] name = Encoding.UTF8.GetBytes(Name(r));
        var frame = new byte[FrameWriter.PresenceSize(name)];
        var key = new byte[Protocol.KeySize];
        ulong epoch = (ulong)r.NextInt64();
        ulong origin = (ulong)r.NextInt64() | 1;
        if (author is not null)
        {
            author.Identity.Public.CopyTo(key);
            epoch = author.Epoch;
            origin = author.NodeId;
        }
        else
        {
            r.NextBytes(key);
        }
        FrameWriter.WritePresence(frame, kind, origin, counter, intervalMs, lastSeq, name, key, epoch);
        if (author is not null)
        {
            // As Presence.SignedBytes: the label, then the body up to the signature with "present" read as "alive".
            byte[] signed = [.. "p2pchat presence 2"u8, .. frame.AsSpan(Protocol.LengthPrefixSize, frame.Length - Protocol.LengthPrefixSize - Protocol.SignatureSize)];
            if (kind == PresenceKind.Present)
                signed["p2pchat presence 2"u8.Length + 1] = (byte)PresenceKind.Alive;
            author.Identity.Sign(signed, frame.AsSpan(frame.Length - Protocol.SignatureSize));
        }
        return frame;
    }

    /// <summary>A SYNC whose summary names some of <paramref name="origins"/> (and random ones) at random heights.</summary>
    public static byte[] Sync(Random r, IReadOnlyList<ulong> origins)
    {
        int count = r.Next(5) switch
        {
            0 => 0,
            1 => Protocol.MaxSyncOrigins,
            _ => r.Next(8),
        };
        var summary = new List<(ulong, ulong)>(count);
        for (int i = 0; i < count; i++)
        {
            ulong origin = origins.Count > 0 && r.Next(3) > 0 ? origins[r.Next(origins.Count)] : (ulong)r.NextInt64();
            ulong has = r.Next(4) switch { 0 => 0, 1 => ulong.MaxValue, 2 => (ulong)r.NextInt64(), _ => (ulong)r.Next(40) };
            summary.Add((origin, has));
        }
        int limit = r.Next(4) switch { 0 => 0, 1 => Protocol.SyncAll, 2 => r.Next(65536), _ => r.Next(60) };
        var frame = new byte[FrameWriter.SyncSize(count)];
        FrameWriter.WriteSync(frame, limit, summary);
        return frame;
    }

    public static byte[] Sync(int limit, IReadOnlyList<(ulong, ulong)> summary)
    {
        var frame = new byte[FrameWriter.SyncSize(summary.Count)];
        FrameWriter.WriteSync(frame, limit, summary);
        return frame;
    }

    public static byte[] Peers(Random r, ulong self)
    {
        int count = r.Next(3) == 0 ? Protocol.MaxPeersPerFrame : r.Next(6);
        var peers = new List<(ulong, IPEndPoint)>(count);
        for (int i = 0; i < count; i++)
        {
            ulong node = r.Next(8) == 0 ? self : (ulong)r.NextInt64();
            IPAddress address = r.Next(3) switch
            {
                0 => new IPAddress(r.NextInt64() & 0xFFFFFFFF),
                1 => IPAddress.Loopback,
                _ => new IPAddress(RandomBytes(r, 16)),
            };
            peers.Add((node, new IPEndPoint(address, r.Next(65536))));
        }
        var frame = new byte[FrameWriter.MaxPeersSize];
        return frame[..FrameWriter.WritePeers(frame, peers)];
    }

    public static byte[] RandomBytes(Random r, int length)
    {
        var bytes = new byte[length];
        r.NextBytes(bytes);
        return bytes;
    }

    /// <summary>A frame of a random type with a random body (a correct length prefix).</summary>
    public static byte[] Garbage(Random r)
    {
        int length = 1 + (r.Next(10) == 0 ? r.Next(Protocol.MaxFrameBody) : r.Next(120));
        var frame = new byte[Protocol.LengthPrefixSize + length];
        BinaryPrimitives.WriteUInt32BigEndian(frame, (uint)length);
        r.NextBytes(frame.AsSpan(Protocol.LengthPrefixSize));
        if (r.Next(2) == 0)
            frame[Protocol.LengthPrefixSize] = (byte)(1 + r.Next(12));
        return frame;
    }
}
