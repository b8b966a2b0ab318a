// Anti-entropy and history. Whenever a link opens (first join, reconnect, a partition healing, a repair) each side
// sends SYNC: for each origin it has heard from, the sequence up to which it has everything, and how much of the
// lines of senders it never heard of it wants (its --history while it is new, all of them afterwards). The other side
// answers with every logged line above that (REPLAY frames, in the order it showed them), then SYNCED. The first SYNC a
// node receives sets its horizon and makes that link its history source (DuplicateFilter.Seed, DeliveryOrder).
namespace P2PChat.Net;

internal sealed class HistorySync(NodeOptions options, ulong self, LinkTable links, Flooding flooding)
{
    private static readonly byte[] SyncedFrame = [0, 0, 0, 1, (byte)FrameType.Synced];

    private readonly Dictionary<ulong, ulong> _summary = [];

    // What SendSync sends, kept: a SYNC goes out on every link that opens and on every pull, and made new each time
    // (the summary, its sort, the frame) it came to ~16 KiB a link with 300 senders.
    private readonly List<(ulong Origin, ulong Contiguous)> _ours = [];
    private readonly byte[] _syncFrame = new byte[FrameWriter.SyncSize(Protocol.MaxSyncOrigins)];

    // SYNCs answered once our own history is in: (link, its summary, its limit).
    private readonly List<(CoreLink Link, Dictionary<ulong, ulong> Summary, int Limit)> _deferred = [];

    /// <summary>The link whose SYNC came first: our history comes from it. Null before, and after it closed.</summary>
    public CoreLink? Source { get; private set; }

    /// <summary>True once a first SYNC arrived (our horizon is set).</summary>
    public bool HasHorizon { get; private set; }

    /// <summary>Least time between two answers on one link. An answer replays up to the whole log (1,000 lines, about
    /// 300 KB sealed) for a SYNC of a few bytes: without a pace, a member sending SYNCs would make us do that work as
    /// often as it likes. Honest peers send one when a link opens and one per repair; a SYNC that comes sooner waits
    /// (the latest one per link) and is answered on the timer.</summary>
    public const long AnswerIntervalMs = 500;

    /// <summary>Answers held back by AnswerIntervalMs so far.</summary>
    public long AnswersPaced { get; private set; }

    /// <summary>Sends our summary on a link that just opened (or that a repair asks again).</summary>
    public void SendSync(CoreLink link, long now)
    {
        flooding.Filter.Summary(Protocol.MaxSyncOrigins, _ours);
        int limit = HasHorizon ? Protocol.SyncAll : Math.Clamp(options.History, 0, Protocol.SyncAll - 1);
        int size = FrameWriter.WriteSync(_syncFrame, limit, _ours);
        links.Send(link, _syncFrame.AsSpan(0, size), now);
    }

    public string? OnSync(CoreLink from, ReadOnlySpan<byte> body, long now)
    {
        _summary.Clear();
        string? error = FrameReader.TryParseSync(body, _summary, out int limit);
        if (error is not null)
            return error;
        if (!HasHorizon)
        {
            // Our first peer's summary is the horizon: what it had was said before we joined, and only this peer's
            // replay of it (our --history) is shown.
            HasHorizon = true;
            Source = from;
            foreach ((ulong origin, ulong contiguous) in _summary)
                if (origin != self)
                    flooding.Filter.Seed(origin, contiguous, now);
        }
        if (flooding.Order.AwaitingHistory && from != Source)
        {
            // Our summary already claimed our horizon, but our own history is still on its way: a newcomer that joined
            // through us would take a horizon over lines we do not have yet. Answer once they are here (seed 18).
            // One per link, the latest: a peer that sends SYNC in a loop costs one entry.
            Defer(from, limit);
            return null;
        }
        if (from.SyncAnsweredInput == links.Input)
            return null; // a second SYNC in one read: only a misbehaving peer sends that; the first is answered
        if (now < from.NextSyncAnswer)
        {
            AnswersPaced++;
            Defer(from, limit);
            return null;
        }
        Answer(from, _summary, limit, now);
        return null;
    }

    /// <summary>Keeps the latest SYNC of <paramref name="from"/> (in _summary) to answer later: one entry per link.</summary>
    private void Defer(CoreLink from, int limit)
    {
        _deferred.RemoveAll(d => d.Link == from);
        _deferred.Add((from, new Dictionary<ulong, ulong>(_summary), limit));
    }

    private void Answer(CoreLink to, Dictionary<ulong, ulong> summary, int limit, long now)
    {
        to.SyncAnsweredInput = links.Input;
        to.NextSyncAnswer = now + AnswerIntervalMs;
        flooding.Replay(to, summary, limit, now);
        links.Send(to, SyncedFrame, now);
    }

    /// <summary>Answers wait for their pacing or for our own history (AnswerDeferred, on the timer).</summary>
    public bool HasDeferred => _deferred.Count > 0;

    /// <summary>On the timer and after our history came: answers the SYNCs that waited for it, or for their link's pace.</summary>
    public void AnswerDeferred(long now)
    {
        if (_deferred.Count == 0)
            return;
        for (int i = 0; i < _deferred.Count; i++)
        {
            (CoreLink link, Dictionary<ulong, ulong> summary, int limit) = _deferred[i];
            if (link.State == LinkState.Open && (now < link.NextSyncAnswer || flooding.Order.AwaitingHistory && link != Source))
                continue; // paced, or waiting for our history: a later call
            if (link.State == LinkState.Open)
                Answer(link, summary, limit, now);
            _deferred.RemoveAt(i--);
        }
    }

    public string? OnSynced(CoreLink from, ReadOnlySpan<byte> body, long now)
    {
        if (body.Length != 1)
            return "malformed SYNCED";
        if (from == Source)
        {
            flooding.HistoryDone(now);
            AnswerDeferred(now);
        }
        return null;
    }

    /// <summary>A link closed: if it was our history source, live lines wait for it no longer.</summary>
    public void OnLinkClosed(CoreLink link, long now)
    {
        if (link != Source)
            return;
        Source = null;
        flooding.HistoryDone(now);
        AnswerDeferred(now);
    }
}
