// Flow control in the core: the work budget a link may make us do (signature checks and lines, a GCRA clock), and
// links that run ahead of another path; both decide when the driver may read a link again (ReadableAt) and where
// Receive stops in a read. docs/PROTOCOL.md, Flow control.
namespace P2PChat.Net;

internal sealed partial class NodeCore
{
    /// <summary>Reads the core stopped handling before their end, the link being over its budget (Receive), at the end
    /// of a record or inside one.</summary>
    public long StoppedEarly { get; private set; }

    /// <summary>Reads the core stopped before a record because the link runs ahead of another path (RunsAhead).</summary>
    public long StoppedAhead { get; private set; }

    /// <summary>A link is not read while this many of the lines DeliveryOrder holds came on it (RunsAhead).</summary>
    public const int AheadLines = 128;

    /// <summary>Longest a link is kept unread for running ahead; then it is read, and the held lines' cap decides. A relay
    /// behind a flood took over a second to catch up (1 s lost ~2,000 lines of a 300,000-line paste at two readers).
    /// Meanwhile the link counts as alive (its bytes wait: PeerConnection.HasUnreadBytes), and so does its peer's
    /// membership (Tick).</summary>
    public const long MaxAheadMs = 5000;

    /// <summary>How often the driver asks again about a link that runs ahead (the gap fills as another link is read).</summary>
    public const long AheadPollMs = 5;

    /// <summary>Whether <paramref name="link"/> runs ahead: AheadLines of the lines held for their sender's order came on
    /// it, waiting for earlier ones that another path still brings (lines held for our history do not count: all wait
    /// for it). A direct link to a sender opened in the middle of its flood brings its new lines at once, while the
    /// lines said before come by a relay that is behind; read on, the direct link filled the 1,024 held lines in
    /// milliseconds, the oldest gap was given up and the relay's lines were dropped as late when they came (a
    /// 300,000-line paste into a self-healed mesh of four lost 40,000 lines at two readers). Not read, the link pushes
    /// back on its sender (its queue grows; a pipe then stops reading stdin) while the relay catches up. For at most
    /// MaxAheadMs at a time: a gap that nobody fills (or two links each waiting for the other) then degrades to the
    /// cap, as before.</summary>
    private bool RunsAhead(CoreLink link, long now)
    {
        DeliveryOrder order = _flooding.Order;
        if (order.HeldCount < AheadLines || order.AwaitingHistory || order.HeldFrom(link.Id) < AheadLines || !AnotherLinkReads(link))
        {
            link.AheadSince = long.MaxValue;
            return false;
        }
        if (link.AheadSince == long.MaxValue)
            link.AheadSince = now;
        return now - link.AheadSince < MaxAheadMs;
    }

    /// <summary>Whether a link other than <paramref name="link"/> is read (does not run ahead itself), so it may bring
    /// what the held lines wait for. When every link runs ahead, none can: holding them all would only stall.</summary>
    private bool AnotherLinkReads(CoreLink link)
    {
        foreach (CoreLink other in _links.Open)
            if (other != link && other.AheadSince == long.MaxValue)
                return true;
        return false;
    }

    /// <summary>Whether link <paramref name="id"/> is not read because it runs ahead of another path (RunsAhead), as
    /// the last Receive or ReadableAt found it.</summary>
    public bool HeldForOrder(int id) => _links.Find(id) is { AheadSince: not long.MaxValue };

    /// <summary>The driver knows link <paramref name="id"/> has bytes waiting that it does not read yet (it holds the
    /// link): a sign of life, though not yet processed.</summary>
    public void Heard(int id, long now)
    {
        if (_links.Find(id) is { } link)
            link.LastReceived = Math.Max(link.LastReceived, now);
    }

    /// <summary>How long link <paramref name="id"/> has brought nothing we handled (0 for no such link).</summary>
    public long QuietFor(int id, long now) => _links.Find(id) is { } link ? now - link.LastReceived : 0;

    /// <summary>Moves the link's budget clock (CoreLink.BudgetClockMicros) on by what a frame cost: each signature check
    /// 1/VerifyRate s, each line 1/LineRate s. True when the link is now over its budget.</summary>
    private bool Charge(CoreLink link, long verifies, long lines, long now)
    {
        long nowMicros = now * 1000;
        if (verifies <= 0 && lines <= 0)
            return link.BudgetClockMicros > nowMicros;
        long floor = nowMicros - Options.VerifyBurst * 1_000_000L / Options.VerifyRate;
        link.BudgetClockMicros = Math.Max(link.BudgetClockMicros, floor)
            + verifies * 1_000_000L / Options.VerifyRate + lines * 1_000_000L / Options.LineRate;
        if (link.BudgetClockMicros <= nowMicros)
            return false;
        OverBudget++;
        return true;
    }

    /// <summary>When the driver may read link <paramref name="id"/> again: later than <paramref name="now"/> while it is
    /// over its budget (NodeOptions.VerifyRate, LineRate) and another link brings someone else's lines, which its
    /// flood would delay. A link alone is never held (nobody else is waiting; holding it would only slow the lines it relays, and
    /// a node downstream of a throttled flood would hold it again). Advisory: a driver that reads anyway is served.</summary>
    public long ReadableAt(int id, long now)
    {
        if (_links.Find(id) is not { } link)
            return now;
        if (link.State is LinkState.Open or LinkState.Draining && RunsAhead(link, now))
            return now + AheadPollMs;
        if (link.BudgetClockMicros <= now * 1000 || !OthersCarryLines(link, now))
            return now;
        return (link.BudgetClockMicros + 999) / 1000;
    }

    private bool OthersCarryLines(CoreLink link, long now)
    {
        foreach (CoreLink other in _links.Open)
            if (other != link && now - other.LastLineAt < 1000 && other.LastLineOrigin != link.LastLineOrigin)
                return true;
        return false;
    }

    /// <summary>Frames after which a link was over its budget (NodeOptions.VerifyRate, LineRate).</summary>
    public long OverBudget { get; private set; }
}
