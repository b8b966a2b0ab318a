// Suspicions (docs/PROTOCOL.md, Presence): a node that lost its last link to a member floods a signed SUSPECT of the
// member's counter (OnLinkLost, in Presence.cs); each node checks one that is news, starts it and passes it on, and the
// member refutes it with a newer announcement. Bounded per suspecter (SuspicionBurst), not believed from node ids this
// node does not know, which wait for their suspecter's announcement instead (ParkedSuspicions). Part of Presence, which
// owns the roster.
namespace P2PChat.Net;

internal sealed partial class Presence
{
    private readonly Dictionary<ulong, TokenBucket> _suspecters = [];

    /// <summary>Suspicions dropped because their suspecter was over its budget (SuspicionBurst).</summary>
    public long SuspicionsPaced { get; private set; }

    /// <summary>Suspicions from suspecters this roster does not know: parked (ParkedSuspicions), not believed yet.</summary>
    public long SuspicionsFromStrangers { get; private set; }

    private readonly ParkedSuspicions _parked = new();
    private readonly List<byte[]> _unparked = [];

    private static ReadOnlySpan<byte> SuspectLabel => "p2pchat suspect 1"u8;

    /// <summary>Suspicions one member may start here at once, then one per SuspicionIntervalMs. An honest one loses its
    /// last link to a few members at a time, but after a split heals it hands over its suspicions of a whole side; a
    /// hostile one suspecting everyone buys at most ten refutations (floods) a second.</summary>
    public const int SuspicionBurst = 64;

    /// <inheritdoc cref="SuspicionBurst"/>
    public const long SuspicionIntervalMs = 100;

    private static ReadOnlySpan<byte> SuspectSigned(ReadOnlySpan<byte> body, Span<byte> destination)
    {
        SuspectLabel.CopyTo(destination);
        body.CopyTo(destination[SuspectLabel.Length..]);
        return destination[..(SuspectLabel.Length + body.Length)];
    }

    /// <summary>Signs a SUSPECT that FrameWriter.WriteSuspect wrote with <paramref name="keys"/>' identity: ours, or a
    /// member a test plays.</summary>
    public static void SignSuspect(NodeKeys keys, Span<byte> frame)
    {
        Span<byte> signed = stackalloc byte[SuspectLabel.Length + Protocol.SuspectBodySize];
        keys.Identity.Sign(SuspectSigned(frame.Slice(Protocol.LengthPrefixSize, Protocol.SuspectBodySize - Protocol.SignatureSize), signed),
            frame[^Protocol.SignatureSize..]);
    }

    /// <summary>A SUSPECT: about us, refute it; about a member online here at that counter, start it and pass it on.
    /// Anything else (stale, a copy, a member we do not count online) is dropped before its signature is checked; one
    /// from a suspecter we do not know yet waits for its announcement (ParkedSuspicions).</summary>
    public string? OnSuspect(CoreLink from, ReadOnlySpan<byte> body, ReadOnlySpan<byte> frame, long now) =>
        JudgeSuspicion(from, body, frame, now);

    /// <summary>OnSuspect's work; <paramref name="from"/> is null for a parked suspicion taken up later (passed on to every
    /// link then).</summary>
    private string? JudgeSuspicion(CoreLink? from, ReadOnlySpan<byte> body, ReadOnlySpan<byte> frame, long now)
    {
        string? error = FrameReader.TryParseSuspect(body, out SuspectView suspect);
        if (error is not null)
            return error;
        if (suspect.Target == self)
        {
            if (FromStranger(suspect.Suspecter))
            {
                // A refutation is an announcement to everyone: not for whoever asks, but for a suspecter we learn of.
                _parked.Park(suspect.Suspecter, suspect.Target, frame);
                return null;
            }
            // Alive, and told otherwise: a newer announcement refutes it everywhere (paced like any announcement, so a
            // member suspecting us over and over buys one announcement a second at most).
            if (suspect.Counter >= _counter && _counter > 0)
            {
                Refuted++;
                AnnounceSoon(now);
            }
            return null;
        }
        // At the counter we have, or above it: the suspecter saw a newer announcement that has not reached us (we were
        // cut off when it came), and the member is no more alive for that.
        if (_roster.Get(suspect.Target) is not { Gone: false, Suspected: false } entry || suspect.Counter < entry.Counter)
            return null;
        if (FromStranger(suspect.Suspecter))
        {
            _parked.Park(suspect.Suspecter, suspect.Target, frame);
            return null;
        }
        if (!SuspecterBudget(suspect.Suspecter).TryTake(now))
        {
            SuspicionsPaced++;
            return null;
        }
        Span<byte> signed = stackalloc byte[SuspectLabel.Length + Protocol.SuspectBodySize];
        if (NodeKeys.Origin(suspect.Key, suspect.Epoch) != suspect.Suspecter
            || !keys.Signatures.Verify(suspect.Key, SuspectSigned(suspect.Signed, signed), suspect.Signature))
        {
            Forged++;
            return "a SUSPECT whose signature does not verify (forged or altered)";
        }
        _roster.Suspect(entry, suspect.Counter, frame, now);
        foreach (CoreLink link in links.Open)
            if (link != from)
                links.Send(link, frame, now);
        return null;
    }

    /// <summary>Whether a suspicion comes from a node id neither this roster nor a link of ours knows (counted, then
    /// parked until that id announces itself): a suspecter is a neighbour of the member it lost, and every node
    /// announces itself. One key gives any number of node ids (by epoch), and ids nobody knew bypassed the suspecters'
    /// budget: suspicions of every member, each from a fresh id, made every member refute once a second. Not while the
    /// roster is full: past its cap a real suspecter may be one it could not take.</summary>
    private bool FromStranger(ulong suspecter)
    {
        if (_roster.Get(suspecter) is not null || _roster.IsFull)
            return false;
        foreach (CoreLink link in links.Open)
            if (link.Peer?.NodeId == suspecter)
                return false; // a neighbour whose announcement has not come yet
        SuspicionsFromStrangers++;
        return true;
    }

    /// <summary>The budget of suspicions <paramref name="suspecter"/> may start here (SuspicionBurst); bounded: when
    /// 1,024 suspecters have one, all are forgotten (full buckets again, which costs at most one more burst each).</summary>
    private TokenBucket SuspecterBudget(ulong suspecter)
    {
        if (_suspecters.TryGetValue(suspecter, out TokenBucket? bucket))
            return bucket;
        if (_suspecters.Count >= Protocol.MaxMembers)
            _suspecters.Clear();
        return _suspecters[suspecter] = new TokenBucket(SuspicionBurst, SuspicionIntervalMs);
    }

    /// <summary>A member announced itself: the suspicions it made before we knew it are judged now, as if they came
    /// now. One that does not verify is counted (Forged) and dropped: the link that brought it may be long gone.</summary>
    private void TakeUpParked(ulong suspecter, long now)
    {
        _parked.Take(suspecter, _unparked);
        foreach (byte[] parked in _unparked)
        {
            _ = JudgeSuspicion(null, parked.AsSpan(Protocol.LengthPrefixSize), parked, now);
        }
        _unparked.Clear();
    }
}
