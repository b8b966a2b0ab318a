// Roster digests (docs/PROTOCOL.md, Presence): a link that opens gets, instead of every announcement we hold, their ids
// and counters (ROSTER, 16 bytes a member instead of ~190); the peer asks (WANT) for the ones it lacks or holds older,
// and gets those as "present" (or BYE) frames. Two nodes of one network that link again (a heal, a probe, a newcomer's
// second and third links) exchange a few kilobytes instead of two whole rosters; a newcomer asks for everything, one
// round trip later than it was handed everything before. Part of Presence, which owns the roster.
using System.Buffers.Binary;

namespace P2PChat.Net;

internal sealed partial class Presence
{
    private const int DigestEntrySize = 16;
    private const int DigestHeaderSize = Protocol.LengthPrefixSize + 3; // type + count:u16, in a ROSTER and a WANT
    private byte[]? _digest;
    private byte[]? _want;

    /// <summary>WANTed members not answered because the peer asked for more than our ROSTERs named to it.</summary>
    public long WantsRefused { get; private set; }

    /// <summary>Members named in ROSTERs we sent, and announcements we sent on a WANT (diagnostics and tests).</summary>
    public long DigestEntriesSent { get; private set; }

    public long WantedSent { get; private set; }

    /// <summary>Our ROSTER: every member online (but those a long stall of ours left unvouched for), and every BYE we
    /// remember (a member that fell silent here is for the peer to judge), up to MaxDigestEntries a frame.</summary>
    private void SendDigest(CoreLink link, long now)
    {
        int count = 0;
        foreach (Roster.Entry entry in _roster.Entries)
        {
            if (entry.Gone && !entry.SaidBye || entry.Unvouched)
                continue;
            WriteDigestEntry(count, entry.Member.NodeId, entry.Counter);
            if (++count == Protocol.MaxDigestEntries)
            {
                FlushDigest(link, count, now);
                count = 0;
            }
        }
        if (count > 0)
            FlushDigest(link, count, now);
    }

    /// <summary>How long an announcement held back on a link (Forward) may wait to be named there: longer than an idle
    /// link goes between pings (1.25 s), so that on an idle link its ROSTER always takes the place of a ping; a link too
    /// busy to be pinged has it after this. Far within a lease (three intervals: 3 s at least, 2 s per member online).</summary>
    public const long WithheldDelayMs = 2000;

    /// <summary>A ROSTER of the members whose announcements we held back on <paramref name="link"/> (Forward), each with
    /// the counter we hold now: the peer WANTs the ones its path did not bring. Sent with the link's ping, or
    /// WithheldDelayMs after the first was held back (NodeCore.SendHaves).</summary>
    public void SendWithheld(CoreLink link, long now)
    {
        Span<(ulong Member, ulong Counter)> held = stackalloc (ulong, ulong)[CoreLink.MaxWithheldAnnouncements];
        int taken = link.TakeWithheldAnnouncements(held);
        int count = 0;
        foreach ((ulong member, _) in held[..taken])
        {
            if (_roster.Get(member) is not { Gone: false, Unvouched: false } entry)
                continue; // gone since (its BYE or suspicion went whole), or unvouched for after a stall, as in SendDigest
            WriteDigestEntry(count++, member, entry.Counter);
        }
        if (count > 0)
            FlushDigest(link, count, now);
    }

    /// <summary>Writes entry <paramref name="index"/> of the ROSTER being made (FlushDigest sends it).</summary>
    private void WriteDigestEntry(int index, ulong member, ulong counter)
    {
        _digest ??= new byte[DigestHeaderSize + Protocol.MaxDigestEntries * DigestEntrySize];
        Span<byte> at = _digest.AsSpan(DigestHeaderSize + index * DigestEntrySize, DigestEntrySize);
        BinaryPrimitives.WriteUInt64BigEndian(at, member);
        BinaryPrimitives.WriteUInt64BigEndian(at[8..], counter);
    }

    private void FlushDigest(CoreLink link, int count, long now)
    {
        link.WantBudget += count;
        DigestEntriesSent += count;
        links.Send(link, Finish(_digest!, FrameType.RosterDigest, count, DigestEntrySize), now);
    }

    /// <summary>Writes the length prefix, type and count of a ROSTER or WANT whose <paramref name="count"/> entries are
    /// in place; returns the whole frame.</summary>
    private static ReadOnlySpan<byte> Finish(byte[] frame, FrameType type, int count, int entrySize)
    {
        int size = DigestHeaderSize + count * entrySize;
        BinaryPrimitives.WriteUInt32BigEndian(frame, (uint)(size - Protocol.LengthPrefixSize));
        frame[Protocol.LengthPrefixSize] = (byte)type;
        BinaryPrimitives.WriteUInt16BigEndian(frame.AsSpan(Protocol.LengthPrefixSize + 1), (ushort)count);
        return frame.AsSpan(0, size);
    }

    /// <summary>A peer's ROSTER: ask for each member it holds newer than we do (or we do not know); a member it counts
    /// online that an unrefuted suspicion made gone here gets the suspicion (the member refutes it if alive).</summary>
    public string? OnDigest(CoreLink from, ReadOnlySpan<byte> body, long now)
    {
        if (body.Length < 3)
            return "malformed ROSTER";
        int count = BinaryPrimitives.ReadUInt16BigEndian(body[1..]);
        if (count is 0 or > Protocol.MaxDigestEntries || body.Length != 3 + count * DigestEntrySize)
            return "malformed ROSTER (count or length)";
        _want ??= new byte[DigestHeaderSize + Protocol.MaxWantEntries * 8];
        int wanted = 0;
        for (int i = 0; i < count; i++)
        {
            ReadOnlySpan<byte> at = body.Slice(3 + i * DigestEntrySize, DigestEntrySize);
            ulong member = BinaryPrimitives.ReadUInt64BigEndian(at);
            ulong counter = BinaryPrimitives.ReadUInt64BigEndian(at[8..]);
            if (member == self || counter == 0)
                continue;
            from.PeerAnnounced(member, counter);
            if (_roster.Get(member) is { } entry && counter <= entry.Counter)
            {
                if (counter == entry.Counter && !entry.Gone)
                    Roster.Vouch(entry); // the neighbour holds it online as we do: not a member only our stall kept
                // Once per member and link: a ROSTER naming one member a thousand times must not buy a thousand
                // suspicions (16 bytes each would buy ~150).
                if (entry is { Gone: true, SaidBye: false, Suspicion: { } suspicion } && counter <= entry.SuspectCounter
                    && (from.SuspicionsHandedOver ??= []).Add(member))
                    links.Send(from, suspicion, now);
                continue;
            }
            BinaryPrimitives.WriteUInt64BigEndian(_want.AsSpan(DigestHeaderSize + wanted * 8), member);
            wanted++;
        }
        if (wanted > 0)
            links.Send(from, Finish(_want, FrameType.Want, wanted, 8), now);
        return null;
    }

    /// <summary>A WANT: each member asked for that we hold, as "present" (or its BYE), within the budget our ROSTERs to
    /// this peer gave it (so a peer cannot make us send the roster over and over).</summary>
    public string? OnWant(CoreLink from, ReadOnlySpan<byte> body, long now)
    {
        if (body.Length < 3)
            return "malformed WANT";
        int count = BinaryPrimitives.ReadUInt16BigEndian(body[1..]);
        if (count is 0 or > Protocol.MaxWantEntries || body.Length != 3 + count * 8)
            return "malformed WANT (count or length)";
        for (int i = 0; i < count; i++)
        {
            if (from.WantBudget == 0)
            {
                WantsRefused += count - i;
                break;
            }
            from.WantBudget--;
            if (_roster.Get(BinaryPrimitives.ReadUInt64BigEndian(body[(3 + i * 8)..])) is not { } entry)
                continue; // forgotten since (tombstones expire)
            if (entry.Unvouched)
                continue; // kept over a long stall of ours: it may have left meanwhile, and everyone forgotten it since
            if (!entry.Gone)
                SendAsPresent(from, entry.Frame, now);
            else if (entry.SaidBye)
                links.Send(from, entry.Frame, now);
            else
                continue; // fell silent meanwhile: for the peer to judge
            WantedSent++;
        }
        return null;
    }
}
