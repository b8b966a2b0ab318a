// Per-reader tags on a batch of lines: the fast path of authentication (docs/PROTOCOL.md, Line tags). A signature
// costs each reader one Ed25519 verification per batch (~100-130 µs under native AOT): on a line of 8 peers typing, where
// each line is a batch of its own, those checks were most of the latency, and in a paste they were a quarter of every
// reader's CPU. So the author also tags what the signature signs (origin, first, count and the batch's Merkle root) for
// up to MaxLineTags readers, each tag a Poly1305 MAC under a key only the author and that reader can compute (X25519 of
// their private-message keys, which signed PRESENCE announces, and both node ids). The tags ride on the first line of
// the batch. A reader that finds a valid tag for itself knows the author made this batch and takes every line whose
// path leads to its root, after a fraction of a microsecond; any other reader, or one whose tag is missing or altered,
// checks the signature as before, which still travels with every line (for history, and for readers without a tag). A
// tag proves the batch to its reader only, so a relay that took a line on its tag passes it on as CHAT_UNCHECKED and
// never vouches for the signature.
using System.Buffers.Binary;
using P2PChat.Net.Crypto;

namespace P2PChat.Net;

internal sealed class LineTags(NodeKeys keys, Roster roster)
{
    /// <summary>Most pair keys computed in one tick for the readers of our own lines (~100 µs each).</summary>
    public const int PairsPerTick = 8;

    /// <summary>How often the readers our lines are tagged for are chosen again from the roster.</summary>
    public const long ReadersEveryMs = 1000;

    private static ReadOnlySpan<byte> KeyLabel => "p2pchat line tag 5"u8;

    /// <summary>Keys shared with one member: Out tags our lines for it, In checks its lines' tags for us.</summary>
    private sealed class Pair(ChaChaPoly sent, ChaChaPoly received)
    {
        public ChaChaPoly Out { get; } = sent;
        public ChaChaPoly In { get; } = received;
    }

    private readonly ulong _self = keys.NodeId;
    private readonly Dictionary<ulong, Pair?> _pairs = [];
    private readonly Queue<ulong> _age = new();
    private readonly List<(ulong Node, Pair Pair)> _readers = [];
    private long _readersAt;

    /// <summary>Batches taken on a valid tag, without a signature check.</summary>
    public long Accepted { get; private set; }

    /// <summary>Batches whose tag for us did not check (altered on the way, or forged): their signature decided.</summary>
    public long Refused { get; private set; }

    /// <summary>Tags written on our own batches.</summary>
    public long Written { get; private set; }

    /// <summary>The readers our lines are tagged for now.</summary>
    public int Readers => _readers.Count;

    /// <summary>Pair keys computed and kept (for tests).</summary>
    internal int PairKeys => _pairs.Count;

    /// <summary>The tag id of a node: the high 32 bits of its id (a collision only costs that reader a signature check).</summary>
    public static uint TagId(ulong node) => (uint)(node >> 32);

    public static int MaxTagBytes => Protocol.MaxLineTags * Protocol.LineTagSize;

    /// <summary>Writes a tag for each reader over <paramref name="signed"/> (what the batch signature signs, whose first
    /// sequence number <paramref name="first"/> is the nonce), at most <paramref name="room"/> bytes of them; returns
    /// the bytes written.</summary>
    public int Write(ulong first, ReadOnlySpan<byte> signed, Span<byte> destination, int room)
    {
        int n = Math.Min(_readers.Count, Math.Min(room, destination.Length) / Protocol.LineTagSize);
        for (int i = 0; i < n; i++)
        {
            Span<byte> entry = destination.Slice(i * Protocol.LineTagSize, Protocol.LineTagSize);
            BinaryPrimitives.WriteUInt32BigEndian(entry, TagId(_readers[i].Node));
            _readers[i].Pair.Out.Mac(first, signed, default, entry[4..]);
        }
        Written += n;
        return n * Protocol.LineTagSize;
    }

    /// <summary>Whether <paramref name="chat"/> carries a valid tag for us over <paramref name="signed"/> (the bytes its
    /// batch signature would sign, with the root its path leads to): true when it does; false when it has none we can
    /// check (no tag for us, or its author's key is unknown here) or only bad ones. Either way a false means: check the
    /// signature.</summary>
    public bool Check(in ChatView chat, ReadOnlySpan<byte> signed)
    {
        ReadOnlySpan<byte> tags = chat.Tags;
        Pair? pair = null;
        // Every entry with our tag id: another reader may share the id's 32 bits, and its tag does not check for us.
        for (int at = NextOurs(tags, 0); at >= 0; at = NextOurs(tags, at + Protocol.LineTagSize))
        {
            pair ??= PairWith(chat.Id.Origin);
            if (pair is null)
                return false;
            if (pair.In.CheckMac(chat.Seal.First, signed, default, tags.Slice(at + 4, Poly1305.TagSize)))
            {
                Accepted++;
                return true;
            }
        }
        if (pair is not null)
            Refused++;
        return false;
    }

    /// <summary>Where the first entry of <paramref name="tags"/> from <paramref name="from"/> on addressed to us starts,
    /// or -1.</summary>
    private int NextOurs(ReadOnlySpan<byte> tags, int from)
    {
        uint me = TagId(_self);
        for (int at = from; at + Protocol.LineTagSize <= tags.Length; at += Protocol.LineTagSize)
            if (BinaryPrimitives.ReadUInt32BigEndian(tags[at..]) == me)
                return at;
        return -1;
    }

    /// <summary>Whether Tick has work for every tick: the members online changed since it last chose the readers (a
    /// member who just came online is tagged for within a tick, not a second or two later: every line it reads untagged
    /// costs it an Ed25519 check, and bench/run.sh's star of 1+16 measured that as fan-out p50 0.9 -> 1.7 ms and p99
    /// 5 -> 25 ms while the centre ticked once a second), or it has keys left to compute. The look every
    /// ReadersEveryMs is not worth a tick of its own: it goes on the next one.</summary>
    public bool Busy => roster.OnlineCount != _onlineAtLook || _more;

    /// <summary>The last look left keys to compute (PairsPerTick a tick).</summary>
    private bool _more;

    /// <summary>Members online when the readers were last chosen.</summary>
    private int _onlineAtLook;

    /// <summary>On the timer: who our lines are tagged for (the first MaxLineTags online members with a private-message
    /// key), their pair keys computed a few a tick, so saying a line never waits for an X25519. Only for those: a reader
    /// computes the key of an author whose tagged line reaches it when it does (instead of the verification the tag
    /// saves), so a node in a network of 1,000 does not compute 1,000 keys. Chosen again every ReadersEveryMs, and at
    /// once when the members online changed.</summary>
    public void Tick(long now)
    {
        if (now - _readersAt < ReadersEveryMs && _readers.Count > 0 && roster.OnlineCount == _onlineAtLook)
            return; // (a node that has no readers yet looks every tick)
        _readersAt = now;
        _onlineAtLook = roster.OnlineCount;
        _readers.Clear();
        int computed = 0;
        bool more = false;
        foreach (Roster.Entry entry in roster.Entries)
        {
            if (_readers.Count == Protocol.MaxLineTags)
                break;
            MemberInfo member = entry.Member;
            if (entry.Gone || member.NodeId == _self || member.Box.Length != Protocol.KeySize)
                continue;
            if (!_pairs.ContainsKey(member.NodeId))
            {
                if (computed == PairsPerTick)
                {
                    more = true;
                    continue;
                }
                computed++;
            }
            if (PairWith(member.NodeId) is { } pair)
                _readers.Add((member.NodeId, pair));
        }
        _more = more;
        if (more)
            _readersAt = now - ReadersEveryMs; // more to compute: again next tick
    }

    /// <summary>The keys shared with <paramref name="node"/>, computed once (null when it is not an online member with a
    /// usable private-message key). Bounded like the roster: the oldest pair is forgotten first.</summary>
    private Pair? PairWith(ulong node)
    {
        if (_pairs.TryGetValue(node, out Pair? known))
            return known;
        if (roster.Find(node) is not { Box.Length: Protocol.KeySize } member)
            return null;
        Span<byte> shared = stackalloc byte[X25519Keys.Size];
        Pair? pair = null;
        if (X25519Keys.Agree(keys.BoxPrivate, member.Box.Span, shared))
            pair = new Pair(new ChaChaPoly(Key(shared, _self, node)), new ChaChaPoly(Key(shared, node, _self)));
        shared.Clear();
        if (_pairs.Count >= Protocol.MaxMembers)
            _pairs.Remove(_age.Dequeue());
        _pairs.Add(node, pair);
        _age.Enqueue(node);
        return pair;
    }

    /// <summary>The key of tags from <paramref name="author"/> to <paramref name="reader"/>: SHA-256 of the label, the
    /// shared secret and both ids in that order, so each direction has its own key and a batch's first sequence number is
    /// a nonce used once under it (an author's batches never share a sequence number).</summary>
    private static byte[] Key(ReadOnlySpan<byte> shared, ulong author, ulong reader)
    {
        var hasher = new Sha256Hasher();
        Span<byte> ids = stackalloc byte[16];
        BinaryPrimitives.WriteUInt64BigEndian(ids, author);
        BinaryPrimitives.WriteUInt64BigEndian(ids[8..], reader);
        hasher.Append(KeyLabel);
        hasher.Append(shared);
        hasher.Append(ids);
        var key = new byte[Sha256Hasher.Size];
        hasher.Finish(key);
        return key;
    }
}
