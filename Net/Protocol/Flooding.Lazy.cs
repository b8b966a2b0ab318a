// Lazy push (after Plumtree's IHAVE and GRAFT, Leitão et al. 2007). Pruning leaves each node one relay path per sender,
// and two nodes can end up keeping each other: neither then gets that sender's lines, and before this only the
// sender's next PRESENCE (an interval later) told them, then a repair 500 ms after that (simulator,
// StreamStarvationTests: stalls of 0.6-1.6 s). Now a relay tells each link that pruned a sender how far it has that
// sender's lines (HAVE: within HaveDelayMs, often in place of a ping); a node that still lacks them
// LazyGraceMs later pulls them from that link: UNPRUNE and SYNC there (NodeCore.Pull). Part of Flooding, which owns
// the filter.
using System.Buffers.Binary;

namespace P2PChat.Net;

internal sealed partial class Flooding
{
    /// <summary>How long a line a neighbour says it has may still be on its way to us by the paths we kept: a pull
    /// before that would only fetch copies.</summary>
    public const long LazyGraceMs = 200;

    /// <summary>How long a HAVE waits for more lines to name, or for the link's ping to stand in for (CoreLink.HaveDue).
    /// A HAVE on the first tick after each line (125-250 ms) cost every relay one frame per pruned link per line, each
    /// a wake-up and a read for its peer: 300 processes spent a quarter of their CPU a line on them (433 -> 328 µs a
    /// reader without any). Waiting up to a heartbeat interval makes them ride on the frames an idle link carries
    /// anyway, at the price of a starved node learning of the lines it lacks up to a second later.</summary>
    public const long HaveDelayMs = 1000;

    /// <summary>This many lines held back on a link make its HAVE due at once (the next tick): a stream's starved node
    /// must not wait a second with hundreds of lines behind (StreamStarvationTests).</summary>
    public const int HaveBatchLines = 4;

    /// <summary>At most one pull from a link this often (a neighbour that claims lines it never sends costs a SYNC a
    /// second, its own answer's work).</summary>
    public const long GraftIntervalMs = 1000;

    private const int HaveEntrySize = 16;

    // Per sender we lack lines of: the highest a neighbour said it has, which link, and since when we lack it.
    private readonly Dictionary<ulong, (ulong Seq, CoreLink Link, long Since)> _claims = [];

    /// <summary>HAVE frames received, and pulls they caused (diagnostics and tests).</summary>
    public long HavesReceived { get; private set; }

    public long Grafts { get; private set; }

    /// <summary>A HAVE: for each sender we lack lines of up to the claim, remember who has them (the latest claim
    /// wins). A sender we have no line of yet counts if it is a member online in <paramref name="roster"/>: links
    /// opened after a member announced are pruned for it from the start (PruneKnown), so its first line may reach us
    /// only by a path we kept, and if that path fails, the HAVE is what tells us.</summary>
    public string? OnHave(CoreLink from, ReadOnlySpan<byte> body, Roster roster, long now)
    {
        if (body.Length < 2)
            return "malformed HAVE";
        int count = body[1];
        if (count is 0 or > Protocol.MaxHaveOrigins)
            return "malformed HAVE (count)";
        if (body.Length != 2 + count * HaveEntrySize)
            return "malformed HAVE (length)";
        HavesReceived++;
        for (int i = 0; i < count; i++)
        {
            ReadOnlySpan<byte> entry = body.Slice(2 + i * HaveEntrySize, HaveEntrySize);
            var id = new MessageId(BinaryPrimitives.ReadUInt64BigEndian(entry), BinaryPrimitives.ReadUInt64BigEndian(entry[8..]));
            from.PeerHas(id.Origin, id.Seq);
            // Only senders we track or know as members: a neighbour cannot make us hold state for origins it invents.
            // Lacking any line up to the claim counts: a gap (its later lines held for order) starves the display as
            // much as silence.
            if (id.Origin == _self || !Lacks(id.Origin, id.Seq, roster))
                continue;
            if (_claims.TryGetValue(id.Origin, out var claim))
                _claims[id.Origin] = (Math.Max(claim.Seq, id.Seq), from, claim.Since);
            else
                _claims[id.Origin] = (id.Seq, from, now);
        }
        return null;
    }

    /// <summary>Whether we lack lines of <paramref name="origin"/> up to <paramref name="seq"/>: some of them, or all
    /// of a member online whose lines we have none of.</summary>
    private bool Lacks(ulong origin, ulong seq, Roster roster) =>
        Filter.Find(origin) is { } state ? DuplicateFilter.Contiguous(state) < seq : roster.IsOnline(origin);

    /// <summary>On the timer: the links to pull from (a claim we still lack after LazyGraceMs, on a link still open and
    /// not pulled from within GraftIntervalMs: else it waits). Claims we caught up on, or whose link closed, are
    /// dropped.</summary>
    public void TakeGrafts(long now, Roster roster, List<CoreLink> grafts)
    {
        if (_claims.Count == 0)
            return;
        List<ulong>? done = null;
        foreach ((ulong origin, (ulong seq, CoreLink link, long since)) in _claims)
        {
            if (!Lacks(origin, seq, roster) || link.State != LinkState.Open)
            {
                (done ??= []).Add(origin);
                continue;
            }
            // Not yet, or not from that link yet: kept for a later tick. Dropped, a claim on a link pulled from a moment
            // before was lost (no later HAVE names those lines again), and the lines waited for the sender's next
            // announcement, an interval later.
            if (now - since < LazyGraceMs || now - link.GraftedAt < GraftIntervalMs)
                continue;
            (done ??= []).Add(origin);
            if (grafts.Contains(link))
                continue; // pulled this tick for another sender: the SYNC asks for every sender
            link.GraftedAt = now;
            grafts.Add(link);
            Grafts++;
        }
        if (done is not null)
            foreach (ulong origin in done)
                _claims.Remove(origin);
    }

    /// <summary>The HAVE for <paramref name="link"/>: up to MaxHaveOrigins senders it pruned whose lines we held back
    /// since the last one. Empty when there is none.</summary>
    public static int WriteHave(CoreLink link, Span<byte> destination)
    {
        Span<(ulong Origin, ulong Seq)> entries = stackalloc (ulong, ulong)[Protocol.MaxHaveOrigins];
        int count = link.TakeWithheld(entries);
        if (count == 0)
            return 0;
        int size = Protocol.LengthPrefixSize + 2 + count * HaveEntrySize;
        BinaryPrimitives.WriteUInt32BigEndian(destination, (uint)(size - Protocol.LengthPrefixSize));
        destination[Protocol.LengthPrefixSize] = (byte)FrameType.Have;
        destination[Protocol.LengthPrefixSize + 1] = (byte)count;
        for (int i = 0; i < count; i++)
        {
            Span<byte> entry = destination.Slice(Protocol.LengthPrefixSize + 2 + i * HaveEntrySize, HaveEntrySize);
            BinaryPrimitives.WriteUInt64BigEndian(entry, entries[i].Origin);
            BinaryPrimitives.WriteUInt64BigEndian(entry[8..], entries[i].Seq);
        }
        return size;
    }

    public const int MaxHaveFrameSize = Protocol.LengthPrefixSize + 2 + Protocol.MaxHaveOrigins * HaveEntrySize;
}
