// Shows each sender's lines in the order they were said, and a newcomer's history before anything live. A line
// that arrives ahead of an earlier one of its sender (a path changed, a replay races a live copy after a split) is
// held until the earlier ones arrive, or until GapWaitMs passes with the paths unchanged and at least one link open
// (they are then given up, and not shown if they come later). A gap given up is reported once, with its exact
// count, through GapReports (the user is told; nothing is lost in silence).
// Until the peer we joined through has replayed our history, live lines are held too, so history comes first.
// Held lines are kept in arrival order and released in it (subject to each sender's order), so holding never
// regroups a conversation by sender. Bounded: at most MaxHeld lines; past that the gap of the sender holding the most
// is given up at once.
// Relaying follows showing (Flooding.cs): a node passes a sender's lines on in that sender's order too.
namespace P2PChat.Net;

internal sealed class DeliveryOrder(DuplicateFilter filter, GapReports reports)
{
    /// <summary>How long a later line waits for a missing earlier one, counted from the last change of links. Long: a
    /// live sender's own log always has the missing line, so a gap lasts only until a repair (presence shows we are
    /// behind; SYNC fetches it) reaches someone who has it; only a sender that died with its line unsent, or a log
    /// that rolled over, leaves a gap for good. 5 s was too short for a node whose side of a partition held the line
    /// on a stopped peer (simulator seed 7006710).</summary>
    public const long GapWaitMs = 20_000;

    /// <summary>How long live lines wait for the history of the peer we joined through.</summary>
    public const long HistoryWaitMs = 5000;

    public const int MaxHeld = 1024;

    internal struct Held
    {
        public MessageId Id;
        public byte[] Frame;
        public int Length;
        public int FromLink;
    }

    private readonly List<Held> _held = [];

    /// <summary>True until our history source has finished its replay (or HistoryWaitMs after our first link).</summary>
    public bool AwaitingHistory { get; private set; } = true;

    private long _historyDeadline = long.MaxValue;

    public int HeldCount => _held.Count;

    /// <summary>Held lines that came on link <paramref name="link"/> (a scan: asked only when many are held).</summary>
    public int HeldFrom(int link)
    {
        int count = 0;
        foreach (Held held in _held)
            if (held.FromLink == link)
                count++;
        return count;
    }

    /// <summary>Lines that arrived after later lines of their sender were shown: passed on, not shown.</summary>
    public long Late { get; private set; }

    /// <summary>History that arrived after our history wait was over: not shown (it would come after live lines).</summary>
    public long LateHistory { get; set; }

    /// <summary>Gaps given up: a later line was shown without the earlier ones (each reported: GapReports).</summary>
    public long GapsSkipped { get; private set; }

    /// <summary>No open link: no gap can be filled now, so none is given up (its wait starts again with the next link).</summary>
    private bool _cutOff = true;

    /// <summary>A link opened or closed: the paths changed, and a SYNC on the new ones may fill the gaps, so every open
    /// gap waits GapWaitMs from now (simulator seed 3003917: a node cut off for 9 s gave up a line that came 3 s later).</summary>
    public void PathsChanged(long now, int openLinks)
    {
        _cutOff = openLinks == 0;
        if (_held.Count == 0)
            return;
        foreach (Held held in _held)
            if (filter.Find(held.Id.Origin) is { } state && state.GapDeadline != long.MaxValue)
                state.GapDeadline = now + GapWaitMs;
    }

    /// <summary>Starts the history wait (our first link opened).</summary>
    public void LinkOpened(long now)
    {
        if (AwaitingHistory && _historyDeadline == long.MaxValue)
            _historyDeadline = now + HistoryWaitMs;
    }

    /// <summary>Whether a new (not history) line can be shown now; Late lines are counted and must not be shown.</summary>
    public Verdict Judge(DuplicateFilter.OriginState state, ulong seq)
    {
        if (seq <= state.Shown)
        {
            Late++;
            return Verdict.Late;
        }
        return !AwaitingHistory && seq == state.Shown + 1 ? Verdict.ShowNow : Verdict.Hold;
    }

    /// <summary>Keeps a copy of a line that must wait; when MaxHeld lines wait already, the gap of the sender holding the
    /// most is given up first.</summary>
    public void Hold(DuplicateFilter.OriginState state, MessageId id, ReadOnlySpan<byte> frame, int fromLink, long now, Action<Held> show)
    {
        if (_held.Count >= MaxHeld)
            GiveUpLargest(now, show);
        _held.Add(new Held { Id = id, Frame = frame.ToArray(), Length = frame.Length, FromLink = fromLink });
        state.Held++;
        if (!AwaitingHistory && state.GapDeadline == long.MaxValue)
            state.GapDeadline = now + GapWaitMs;
    }

    /// <summary>The history replay is complete: live lines may follow.</summary>
    public void HistoryDone(long now, Action<Held> show)
    {
        if (!AwaitingHistory)
            return;
        AwaitingHistory = false;
        Release(now, show);
    }

    /// <summary>On the timer: ends a history wait that took too long, gives up gaps that took too long.</summary>
    public void Tick(long now, Action<Held> show)
    {
        if (AwaitingHistory && now >= _historyDeadline)
            AwaitingHistory = false;
        if (_held.Count > 0)
            Release(now, show);
    }

    /// <summary>Shows every held line that may be shown now, in arrival order, each sender in its order.</summary>
    public void Release(long now, Action<Held> show)
    {
        if (AwaitingHistory || _held.Count == 0)
            return;
        bool progress = true;
        while (progress)
        {
            progress = false;
            for (int i = 0; i < _held.Count; i++)
            {
                Held held = _held[i];
                DuplicateFilter.OriginState? state = filter.Find(held.Id.Origin);
                if (state is null || held.Id.Seq <= state.Shown)
                {
                    _held.RemoveAt(i--);
                    if (state is not null)
                    {
                        Late++;
                        Unhold(state);
                    }
                    continue;
                }
                if (held.Id.Seq != state.Shown + 1)
                {
                    if (now < state.GapDeadline || _cutOff)
                        continue;
                    SkipGap(held.Id.Origin, state, now);
                    progress = true;
                    break;
                }
                _held.RemoveAt(i--);
                Unhold(state);
                state.Shown = held.Id.Seq;
                show(held);
                progress = true;
            }
        }
        // Senders with a gap still open wait (again) from now; the others have none (Unhold).
        foreach (Held held in _held)
            if (filter.Find(held.Id.Origin) is { } state && state.GapDeadline == long.MaxValue)
                state.GapDeadline = now + GapWaitMs;
    }

    /// <summary>Gives up what is missing below the lowest held line of <paramref name="origin"/>, and reports it: the
    /// lines after Shown and before that one, which will not be shown even if they come later (Release drops them).</summary>
    private void SkipGap(ulong origin, DuplicateFilter.OriginState state, long now)
    {
        int lowestAt = -1;
        for (int i = 0; i < _held.Count; i++)
            if (_held[i].Id.Origin == origin && (lowestAt < 0 || _held[i].Id.Seq < _held[lowestAt].Id.Seq))
                lowestAt = i;
        Held lowest = _held[lowestAt];
        // Held lines are all above Shown (it moves only to a line shown, or here to below the lowest held one); the
        // lowest is Shown + 1 only when the history wait held lines in order (GiveUpLargest): then nothing is missing.
        if (lowest.Id.Seq > state.Shown + 1)
        {
            reports.Lost(origin, lowest.Frame.AsSpan(0, lowest.Length), lowest.Id.Seq - 1 - state.Shown, now);
            GapsSkipped++;
        }
        state.Shown = lowest.Id.Seq - 1;
        state.GapDeadline = long.MaxValue;
    }

    /// <summary>Makes room: the sender holding the most lines gives up its gap (the earliest such sender on a tie), not
    /// whoever waited longest. A sender, or a peer playing one, that kept a thousand lines waiting behind gaps made the
    /// gap of every other sender go at once: an honest line that a path change put out of order was given up (and
    /// reported lost) at its next arrival instead of after GapWaitMs.</summary>
    private void GiveUpLargest(long now, Action<Held> show)
    {
        AwaitingHistory = false;
        DuplicateFilter.OriginState? largest = null;
        foreach (Held held in _held)
            if (filter.Find(held.Id.Origin) is { } candidate && (largest is null || candidate.Held > largest.Held))
                largest = candidate;
        if (largest is { } state)
        {
            SkipGap(state.Origin, state, now);
            bool cutOff = _cutOff;
            _cutOff = false;
            Release(now, show);
            _cutOff = cutOff;
        }
        else
        {
            _held.RemoveAt(0);
        }
    }

    /// <summary>One line of the sender left the held list; with none left, it has no gap to wait for (and a sender
    /// with a deadline is never evicted).</summary>
    private static void Unhold(DuplicateFilter.OriginState state)
    {
        if (--state.Held == 0)
            state.GapDeadline = long.MaxValue;
    }

    internal enum Verdict : byte
    {
        ShowNow,
        Hold,
        Late,
    }
}
