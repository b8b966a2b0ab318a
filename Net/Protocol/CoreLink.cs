// The core's view of one link: its state, who is at the other end, its deadlines and liveness times, and the
// pruning agreed on it. Owned by LinkTable; the socket behind it belongs to the driver, which knows it by Id.
using System.Net;

namespace P2PChat.Net;

internal sealed class CoreLink(int id, bool outbound, IPEndPoint remote, long now)
{
    public int Id { get; } = id;

    public bool Outbound { get; } = outbound;

    /// <summary>Outbound: the address we connect to. Inbound: where the connection came from.</summary>
    public IPEndPoint Remote { get; } = remote;

    public LinkState State { get; set; } = LinkState.Connecting;

    /// <summary>The encryption of this link; null until the connection is up.</summary>
    public SecureChannel? Channel { get; set; }

    /// <summary>Noise messages received so far (a responder's second one is the last, where a room secret shows).</summary>
    public int HandshakeMessages { get; set; }

    /// <summary>LinkTable.Input when a SYNC from this link was last answered: at most one answer per input, so a record
    /// full of SYNCs costs one scan of the log, not thousands (found by the fuzzer).</summary>
    public long SyncAnsweredInput { get; set; } = -1;

    /// <summary>When a SYNC from this link may be answered again (HistorySync.AnswerIntervalMs after the last answer).</summary>
    public long NextSyncAnswer { get; set; } = long.MinValue;

    /// <summary>The peer as its HELLO introduced it; null until then.</summary>
    public PeerInfo? Peer { get; set; }

    /// <summary>Handshaking: when the HELLO must have arrived. Draining: when we stop waiting for the peer's FIN.</summary>
    public long Deadline { get; set; } = long.MaxValue;

    /// <summary>When the link was made (connect started, or connection accepted).</summary>
    public long CreatedAt { get; } = now;

    public long LastReceived { get; set; } = now;
    public long LastSent { get; set; } = now;
    public long OpenedAt { get; set; }

    /// <summary>The peer sent its FIN. On a Draining link that confirms the drain: it read all we sent.</summary>
    public bool PeerFinished { get; set; }

    /// <summary>Why we retired it (Draining); reported when it closes.</summary>
    public LinkClose RetireReason { get; set; } = new(CloseKind.Leaving);

    /// <summary>The address-book entry this outbound link tries, if any (Membership reports the outcome to it).</summary>
    public AddressBook.Entry? Attempt { get; set; }

    /// <summary>New address-book entries this link's PEERS may still add (Membership); null until its HELLO verified,
    /// so a link that is not a peer can teach us no address.</summary>
    public TokenBucket? NewAddresses { get; set; }

    /// <summary>Open when we started leaving: LeftCleanly counts whether its drain was confirmed.</summary>
    public bool CarriedAtLeave { get; set; }

    /// <summary>The work this link made us do (signature checks, lines), as a GCRA clock in microseconds: each unit
    /// moves it on by its cost at the allowed rate, never from before now minus the burst. Ahead of now: the link is
    /// over budget and is not read until then, if others are talking (NodeCore.ReadableAt).</summary>
    public long BudgetClockMicros { get; set; } = long.MinValue;

    /// <summary>A record opened but stopped in, the link over its budget (NodeCore.OnRecord): its plaintext (allocated
    /// on the first stop) and where its next frame starts, or 0. The record's bytes stay unconsumed, so the driver
    /// hands them back, and they are not opened again.</summary>
    public byte[]? ResumePlain { get; set; }

    public int ResumeLength { get; set; }

    public int ResumeAt { get; set; }

    /// <summary>When this link last brought a line we did not have, and whose: a link that brought one in the last second,
    /// from another sender than a link over its budget, is someone that link's flood would delay (NodeCore.ReadableAt).
    /// Copies of the same sender's lines on two paths are not "someone else talking".</summary>
    public long LastLineAt { get; set; } = long.MinValue / 2;

    public ulong LastLineOrigin { get; set; }

    /// <summary>Since when this link has not been read because it runs ahead of another path (NodeCore.RunsAhead);
    /// MaxValue while it does not.</summary>
    public long AheadSince { get; set; } = long.MaxValue;

    /// <summary>This link passed on a forged line it had not checked (CHAT_UNCHECKED): from now on its lines are checked
    /// before we pass them on, so a forger behind it reaches our neighbours no more (Flooding.OnChat).</summary>
    public bool CheckFirst { get; set; }

    /// <summary>The peer sent BUSY: we retire this link once we have enough others (Membership.ActiveView).</summary>
    public bool AskedToGo { get; set; }

    /// <summary>We sent BUSY on this link: its close by the peer is a shed, not a loss.</summary>
    public bool ToldToGo { get; set; }

    /// <summary>Made by the user (JoinAsync): its address is pinned in the book once it opens.</summary>
    public bool UserJoin { get; set; }

    // Origins the peer asked us not to relay to it (PRUNE), and origins we asked the peer not to relay to us, so we
    // ask once. Both bounded, and both empty on a new link.
    private readonly OriginSet _prunedByPeer = new();
    private readonly OriginSet _prunedByUs = new();

    public bool IsPruned(ulong origin) => _prunedByPeer.Count > 0 && _prunedByPeer.Contains(origin);

    public void Prune(ulong origin)
    {
        if (_prunedByPeer.Count < DuplicateFilter.DefaultMaxOrigins)
            _prunedByPeer.Add(origin);
    }

    public void Unprune() => _prunedByPeer.Clear();

    /// <summary>True the first time we decide to ask the peer to prune <paramref name="origin"/>.</summary>
    public bool AskToPrune(ulong origin) => _prunedByUs.Count < DuplicateFilter.DefaultMaxOrigins && _prunedByUs.Add(origin);

    /// <summary>Whether we asked the peer to stop relaying <paramref name="origin"/> to us.</summary>
    public bool AskedToPrune(ulong origin) => _prunedByUs.Count > 0 && _prunedByUs.Contains(origin);

    public void ForgetAskedPrunes() => _prunedByUs.Clear();

    // Lazy push: per origin the peer pruned, the highest sequence we held back from it since our last HAVE on this
    // link; per member it pruned, the counter of the announcement held back since our last ROSTER (Presence.Forward).
    private readonly HeldBack _withheld = new(DuplicateFilter.DefaultMaxOrigins);
    private readonly HeldBack _withheldAnnouncements = new(MaxWithheldAnnouncements);

    /// <summary>We did not relay <paramref name="seq"/> of <paramref name="origin"/> here: the peer pruned it. Told in
    /// a HAVE when HaveDue says (bounded like the prune set).</summary>
    public void Withhold(ulong origin, ulong seq, long now) => _withheld.Hold(origin, seq, now);

    public bool HasWithheld => _withheld.Count > 0;

    /// <summary>When the HAVE for what we held back is due (long.MaxValue: nothing held back): Flooding.HaveDelayMs
    /// after the first of it, or at once once Flooding.HaveBatchLines lines wait (a stream). Sooner if the link's ping
    /// falls due first, which the HAVE then stands for (NodeCore.SendHaves).</summary>
    public long HaveDue => _withheld.Count == 0 ? long.MaxValue
        : _withheld.Holds >= Flooding.HaveBatchLines ? _withheld.Since : _withheld.Since + Flooding.HaveDelayMs;

    /// <summary>The peer's HAVE says it has <paramref name="origin"/>'s lines up to <paramref name="seq"/>: ours for it,
    /// if it would say no more, is not sent. On a link neither end relays that sender on (neither is the other's path
    /// for it), both held back each line and both would say so once their HAVE falls due; when one end's comes first
    /// by more than the link's delay, it speaks for the two (simulator, 300 nodes: 22.8 -> 18.3 KB of HAVE a line, when
    /// HAVEs went on the first tick after a line). Making the end with the higher id wait a tick for the other's halved
    /// it (11.7 KB), but a line some node had to pull then came up to that much later, and at 1,000 nodes in one
    /// process, where some node pulls one line in two, the slowest line to reach all others went from 0.56 s to
    /// 0.95-0.98 s.</summary>
    public void PeerHas(ulong origin, ulong seq) => _withheld.PeerHas(origin, seq);

    /// <summary>Takes up to <paramref name="into"/>.Length withheld origins (the rest, still due, wait for the next
    /// call).</summary>
    public int TakeWithheld(Span<(ulong Origin, ulong Seq)> into) => _withheld.Take(into);

    /// <summary>Most members whose announcements wait on one link for its ROSTER; past it they go whole, as before.</summary>
    public const int MaxWithheldAnnouncements = 64;

    /// <summary>We did not pass on <paramref name="member"/>'s announcement at <paramref name="counter"/> here: the peer
    /// pruned the member, so it has its announcements by the same path as its lines. Told in a ROSTER when
    /// AnnouncementsDue says. False, and nothing held back, when MaxWithheldAnnouncements members wait already.</summary>
    public bool WithholdAnnouncement(ulong member, ulong counter, long now) => _withheldAnnouncements.Hold(member, counter, now);

    public bool HasWithheldAnnouncements => _withheldAnnouncements.Count > 0;

    /// <summary>When the ROSTER of the announcements held back is due (long.MaxValue: none): Presence.WithheldDelayMs
    /// after the first, or sooner when the link's ping falls due first, which the ROSTER then stands for
    /// (NodeCore.SendHaves).</summary>
    public long AnnouncementsDue => HasWithheldAnnouncements ? _withheldAnnouncements.Since + Presence.WithheldDelayMs : long.MaxValue;

    /// <summary>The peer has <paramref name="member"/>'s announcement at <paramref name="counter"/> (a copy came from it,
    /// or its ROSTER said so): ours, if it would say no more, is not sent.</summary>
    public void PeerAnnounced(ulong member, ulong counter) => _withheldAnnouncements.PeerHas(member, counter);

    /// <summary>Takes the members whose announcements were held back, with their counters then (all of them, given room
    /// for MaxWithheldAnnouncements).</summary>
    public int TakeWithheldAnnouncements(Span<(ulong Member, ulong Counter)> into) => _withheldAnnouncements.Take(into);

    /// <summary>Members whose suspicion we sent this peer because its ROSTER listed them (each once: Presence.OnDigest).
    /// Bounded by the roster: only members gone here on a suspicion are added.</summary>
    public HashSet<ulong>? SuspicionsHandedOver { get; set; }

    /// <summary>How many more members this peer may WANT from us: what our ROSTERs to it named, less what it asked for.</summary>
    public int WantBudget { get; set; }

    /// <summary>Not before this time do we ask this peer to prune anything (after we pulled lines from it: NodeCore.Pull).</summary>
    public long NoPruneUntil { get; set; }

    /// <summary>When we last pulled lines from this link (Flooding.TakeGrafts): at most once a second.</summary>
    public long GraftedAt { get; set; } = long.MinValue / 2;

    public override string ToString() => Peer is null ? $"#{Id} {Remote}" : $"#{Id} {Peer.Name} ({Remote})";
}
