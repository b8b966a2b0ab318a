// The message path. A line is checked before it is shown or logged (LineVerifier): against its author's signature, or
// a tag on its batch only its author and we can make (LineTags; such a line is passed on as CHAT_UNCHECKED, and its
// signature is checked before any replay). A forged or altered line is never shown, and closes the link it came on
// unless that link passed it on unchecked (CHAT_UNCHECKED: a live line that needs an Ed25519 check is passed on first
// and checked after, see PassesOnFirst). A line seen for the first time is shown once, in its sender's order
// (DeliveryOrder), logged for anti-entropy, and passed on, byte for byte but for its frame type, to every open link
// except the one it came from and those that pruned its sender; every later copy is dropped (DuplicateFilter). Owns the
// filter, the order, the log and our own sequence.
// The steady state allocates nothing: an in-order line goes from the receive buffer straight into each neighbour's send
// queue.
namespace P2PChat.Net;

internal sealed partial class Flooding
{
    /// <summary>A sender's PRESENCE, or a later line of it, said it had said more than we have for this long: some relay
    /// path to us is pruned around a break we did not see, or two neighbours pruned each other's copies at once (a
    /// race of PRUNE frames in flight: bench/run.sh's line of 8 with self-healed links lost an early line in about
    /// one run in six, and every later line of that sender waited in order for the repair). Longer than a line
    /// takes to catch up on another path; it was 2 s, and the whole conversation of that sender stalled that long.</summary>
    public const long RepairAfterMs = 500;

    /// <summary>At most one repair (UNPRUNE and SYNC on every link) this often.</summary>
    public const long RepairIntervalMs = 5000;

    /// <summary>After a sender's claim was dropped as unmet, its announcements' claims are ignored this long, doubled
    /// with each drop up to MaxClaimBackoffMs. A claim re-armed by every announcement made each node repair every
    /// RepairIntervalMs (undoing every prune) and dial the sender twice for as long as it kept announcing lines that
    /// nobody has: a member announcing a forged lastSeq could do that to the whole network.</summary>
    public const long ClaimBackoffMs = 10_000, MaxClaimBackoffMs = 20 * 60_000;

    private readonly LinkTable _links;
    private readonly ICoreEffects _effects;
    private readonly ulong _self;
    private readonly NodeKeys _keys;
    private readonly LineSigner _signer;
    private readonly byte[] _scratch = new byte[Protocol.MaxFrameSize]; // our own lines' frames (FlushSaid)
    private readonly byte[] _retyped = new byte[Protocol.MaxFrameSize];
    private readonly Action<DeliveryOrder.Held> _showHeld;
    private readonly int _maxQueueBytes;
    private readonly bool _tagLines;
    private long _now;
    private long _nextRepair;

    /// <summary>Some sender may be ahead of what we have (a line after a gap, or an announcement said more): Tick looks,
    /// and repairs after RepairAfterMs. Cleared by a Tick that found every sender complete.</summary>
    private bool _mayBeBehind;

    public Flooding(NodeOptions options, NodeKeys keys, SelfName name, LinkTable links, ICoreEffects effects)
    {
        _links = links;
        _effects = effects;
        _self = keys.NodeId;
        _keys = keys;
        _signer = new LineSigner(keys, name);
        Verifier = new LineVerifier(keys.Signatures);
        Filter = new DuplicateFilter();
        Gaps = new GapReports(effects);
        Order = new DeliveryOrder(Filter, Gaps);
        Log = new MessageLog(options.LogCapacity);
        _showHeld = ShowHeld;
        _maxQueueBytes = options.MaxQueueBytes;
        _tagLines = options.TagLines;
    }

    public DuplicateFilter Filter { get; }
    public LineVerifier Verifier { get; }
    public DeliveryOrder Order { get; }
    public GapReports Gaps { get; }
    public MessageLog Log { get; }

    /// <summary>Per-reader tags: checked on lines that come, written on lines said alone (NodeCore sets it, once the
    /// roster it reads keys from exists).</summary>
    public LineTags? Tags { get; set; }

    /// <summary>Sequence number of the last line said here and sent (0 before the first): what PRESENCE advertises.</summary>
    public ulong LastSequence { get; private set; }

    private ulong _lastSaid;

    /// <summary>Copies of lines this node already had (what pruning keeps low).</summary>
    public long Duplicates { get; private set; }

    /// <summary>CHAT and REPLAY frames queued on links, counted per link (the simulator watches the network go quiet).</summary>
    public long ChatFramesQueued { get; private set; }

    /// <summary>CHAT and REPLAY frames received (each costs the link's budget: NodeCore.ReadableAt).</summary>
    public long ChatFramesReceived { get; private set; }

    /// <summary>Lines said while this node had no open link, so nobody received them.</summary>
    public long SentAlone { get; private set; }

    /// <summary>Handles a CHAT or REPLAY. Null, or the protocol error that closes the link.</summary>
    public string? OnChat(CoreLink from, ReadOnlySpan<byte> body, ReadOnlySpan<byte> frame, bool fromHistorySource, long now)
    {
        ChatFramesReceived++;
        string? error = FrameReader.TryParseChat(body, out ChatView chat);
        if (error is not null)
            return error;
        ulong origin = chat.Id.Origin;
        if (origin == _self)
            return null; // our own line came back round a cycle
        bool passedOn = PassesOnFirst(from, chat);
        if (passedOn)
        {
            Forward(frame, chat.Id, from.Id, now, FrameType.ChatUnchecked);
            _links.FlushPending();
            _effects.Push();
            PassedUnchecked++;
        }
        if (!passedOn && Filter.HasSeen(chat.Id))
        {
            // A copy of a line we have is dropped before any check: it records nothing, so a forged one does no harm.
            // A repair's answer is every logged line above the asker's first gap, most of which it has; checking each
            // (an Ed25519 verification for a replayed line) stalled a node tens of milliseconds per repair.
            OnCopy(from, chat, Filter.Find(origin), now);
            return null;
        }
        // A valid tag for us on the line's batch (LineTags) proves it to us alone: it is shown, and passed on as
        // CHAT_UNCHECKED (we never checked its signature, so we never vouch for it). History needs the signature.
        LineCheck check = Verifier.Check(chat, chat.History ? null : Tags);
        FrameType passAs = check == LineCheck.Tagged ? FrameType.ChatUnchecked : FrameType.Chat;
        if (check == LineCheck.Forged)
        {
            // A line the sender vouched for (CHAT: it checked it, or said it), or one that names the sender itself as
            // its author, is the sender's forgery. An unchecked one may be someone else's that it passed on before its
            // own check: drop it, and check what this link brings before passing it on from now on.
            if (body[0] != (byte)FrameType.ChatUnchecked || from.Peer!.NodeId == origin)
                return "a line whose signature does not verify (forged or altered)";
            from.CheckFirst = true;
            ForgedUnchecked++;
            return null;
        }
        _now = now;
        if (chat.History && !fromHistorySource && WouldCrowdHeld(chat.Id))
        {
            RepliesDeferred++;
            return null; // not admitted: the live copy, or a later repair, brings it
        }
        Admission admission = Filter.Admit(chat.Id, now, chat.History, fromHistorySource);
        if (admission is Admission.New or Admission.History)
        {
            from.LastLineAt = now;
            from.LastLineOrigin = origin;
            if (admission == Admission.New)
                HeardFrom?.Invoke(origin, now);
        }
        switch (admission)
        {
            case Admission.Seen:
                OnCopy(from, chat, Filter.LastAdmitted, now);
                return null;
            case Admission.Refused:
                NoteRefused(now);
                return null;
            case Admission.History:
                // The history source's replay, in the order it showed it; only while live lines still wait for it, so
                // history never comes after them (simulator seed 18).
                if (Order.AwaitingHistory)
                    Show(frame, chat, from.Id, now, FrameType.Chat);
                else
                    Order.LateHistory++;
                return null;
        }
        DuplicateFilter.OriginState state = Filter.LastAdmitted!;
        switch (Order.Judge(state, chat.Id.Seq))
        {
            case DeliveryOrder.Verdict.ShowNow:
                state.Shown = chat.Id.Seq;
                Show(frame, chat, from.Id, now, passAs, passedOn);
                if (state.Held > 0)
                    Order.Release(now, _showHeld); // this line may be the one a held line of its sender waits for
                break;
            case DeliveryOrder.Verdict.Hold:
                // The held copy's type says how it is passed on once shown (ShowHeld).
                Order.Hold(state, chat.Id, Retyped(frame, passAs), from.Id, now, _showHeld);
                state.Advertised = Math.Max(state.Advertised, chat.Id.Seq); // a line after a gap: the sender said what we lack (Tick repairs)
                _mayBeBehind = true;
                break;
            default:
                if (!passedOn)
                    Forward(frame, chat.Id, from.Id, now, passAs); // too late to show here; a neighbour may still want it
                break;
        }
        return null;
    }

    /// <summary>A copy of a line we already had. When a relay brought it, that neighbour is a second path for its
    /// origin: ask it to stop relaying the origin to us (never the origin itself: it sends its own lines on every link).
    /// Only a duplicate proves the other path: a new line from a relay is never a reason, even when we also link to its
    /// origin, because lines said before that link opened come only by relays, and a relay that is behind would drop
    /// them on the PRUNE (a 300,000-line paste into a self-healed mesh of four lost 10-40% at two readers that way). Nor
    /// while we lack earlier lines of that origin than some we have (a gap: seen ranges above the base): a direct link
    /// opened in the middle of its flood brings only what was said after it opened, and the rest still comes by this
    /// relay, after this copy. And never the last path (KeepsAPath).</summary>
    private void OnCopy(CoreLink from, in ChatView chat, DuplicateFilter.OriginState? state, long now)
    {
        Duplicates++;
        if (!chat.History && state is { Ranges.Count: 0 })
            Prune(from, chat.Id.Origin, now);
    }

    /// <summary>Repair answers (REPLAY) dropped unread because they would have crowded the held lines (WouldCrowdHeld).</summary>
    public long RepliesDeferred { get; private set; }

    /// <summary>Whether a REPLAY of <paramref name="id"/> would have to be held (its sender has earlier lines we lack)
    /// while half the room for held lines is taken. A repair answers with the newest 1,000 lines of the log; behind a
    /// relay in the middle of a flood, those are all ahead of what we have, and holding them filled the 1,024 places
    /// at once: the oldest gap was given up, though the relay was still bringing it (a 300,000-line paste lost 47,000
    /// lines at two readers that way). Dropped unadmitted, such a line still comes live, or with a later repair. Only a
    /// sender holding an eighth of the room already is turned away: one that another sender (or a peer playing one) made
    /// crowd the room still has its own gaps filled.</summary>
    private bool WouldCrowdHeld(MessageId id) =>
        Order.HeldCount >= DeliveryOrder.MaxHeld / 2 && Filter.Find(id.Origin) is { } state
        && state.Held >= DeliveryOrder.MaxHeld / 8 && id.Seq > state.Shown + 1 && DuplicateFilter.IsUnseen(state, id.Seq);

    /// <summary>Shows, logs and passes on a line that checked: <paramref name="passAs"/> CHAT when its signature did,
    /// CHAT_UNCHECKED when only its tag for us did (the log then checks its signature before replaying it).</summary>
    private void Show(ReadOnlySpan<byte> frame, in ChatView chat, int fromLink, long now, FrameType passAs, bool passedOn = false)
    {
        Log.Append(chat.Id, frame, signatureChecked: passAs == FrameType.Chat);
        if (PrivateLine.IsPrivate(chat.Text))
            ShowPrivate(chat);
        else
            _effects.OnMessage(chat);
        if (!passedOn)
            Forward(frame, chat.Id, fromLink, now, passAs);
    }

    /// <summary>Private lines that were for us but did not open (a sender that used a wrong key, or forged ones).</summary>
    public long UnreadablePrivate { get; private set; }

    /// <summary>A private line is shown only to its recipient, opened; everyone else just relays and logs it.</summary>
    private void ShowPrivate(in ChatView chat)
    {
        if (PrivateLine.TryOpen(_keys, chat.Key, chat.Text, out byte[] text, out bool forMe))
            _effects.OnMessage(new ChatView(chat.Id, chat.TimeMs, chat.Name, text, chat.History) { Key = chat.Key, Private = true });
        else if (forMe)
            UnreadablePrivate++;
    }


    private void ShowHeld(DeliveryOrder.Held held)
    {
        ReadOnlySpan<byte> frame = held.Frame.AsSpan(0, held.Length);
        FrameReader.TryParseChat(frame[Protocol.LengthPrefixSize..], out ChatView chat);
        Show(frame, chat, held.FromLink, _now, (FrameType)frame[Protocol.LengthPrefixSize]);
    }

    /// <summary><paramref name="frame"/> with its type byte set to <paramref name="type"/> (a copy in _retyped when it
    /// differs): how a line is held (ShowHeld passes it on as it was checked), passed on and replayed. _retyped is free
    /// again once the caller's sends or hold have copied it.</summary>
    private ReadOnlySpan<byte> Retyped(ReadOnlySpan<byte> frame, FrameType type)
    {
        if (frame[Protocol.LengthPrefixSize] == (byte)type)
            return frame;
        frame.CopyTo(_retyped);
        _retyped[Protocol.LengthPrefixSize] = (byte)type;
        return _retyped.AsSpan(0, frame.Length);
    }

    /// <summary>Queues <paramref name="frame"/> on every open link but the one it came from, the origin's own and those
    /// that pruned its origin, as <paramref name="type"/>: CHAT once checked, whatever it came as (a REPLAY is news for our neighbours,
    /// not an answer to their SYNC: a newcomer that took us as its history source must get its history only from our
    /// answer, in our log's order, simulator seed 1000092), or CHAT_UNCHECKED when passed on before the check.</summary>
    private void Forward(ReadOnlySpan<byte> frame, MessageId id, int fromLink, long now, FrameType type = FrameType.Chat)
    {
        frame = Retyped(frame, type);
        foreach (CoreLink link in _links.Open)
        {
            if (link.Id == fromLink || link.Peer!.NodeId == id.Origin)
                continue; // the origin drops its own lines
            if (link.IsPruned(id.Origin))
                link.Withhold(id.Origin, id.Seq, now); // told in a HAVE (Flooding.Lazy.cs)
            else if (_links.Send(link, frame, now))
                ChatFramesQueued++;
        }
    }

    /// <summary>Our history source finished its replay: live lines held meanwhile are shown.</summary>
    public void HistoryDone(long now)
    {
        _now = now;
        Order.HistoryDone(now, _showHeld);
    }

    /// <summary>How many times a sender we are behind on is linked to directly before its claim is dropped.</summary>
    public const int MaxDirectTries = 2;

    /// <summary>Asks for a direct link to a sender whose lines nobody around us has (NodeCore: Membership.ConnectTo).</summary>
    public Action<ulong>? WantSender { get; set; }

    /// <summary>A new line of a sender arrived and checked (NodeCore: Roster.HeardFrom, a sign of life).</summary>
    public Action<ulong, long>? HeardFrom { get; set; }

    /// <summary>How often at most the user is told that lines of new senders are being refused.</summary>
    public const long RefusedNoticeMs = 60_000;

    private long _refusedUntold, _nextRefusedNotice;

    /// <summary>A line of a new sender was refused (the duplicate filter is full of senders heard from recently): not
    /// shown, not passed on. Said to the user at the first refusal and then at most once a minute with the count since,
    /// so the loss is never silent.</summary>
    private void NoteRefused(long now)
    {
        _refusedUntold++;
        if (now < _nextRefusedNotice)
            return;
        _nextRefusedNotice = now + RefusedNoticeMs;
        _effects.OnNotice($"{_refusedUntold} {(_refusedUntold == 1 ? "line" : "lines")} of new senders not shown or passed on: more than " +
            $"{Filter.MaxOrigins} senders were heard from in the last {DuplicateFilter.QuarantineMs / 60_000} minutes");
        _refusedUntold = 0;
    }

    /// <summary>Repairs asked for (Tick returned true), for tests and diagnostics.</summary>
    public long Repairs { get; private set; }

    /// <summary>Seeded horizons lowered because the sender's own announcement was below them (DuplicateFilter.DoubtHorizon).</summary>
    public long HorizonsLowered { get; private set; }

    /// <summary>A sender's PRESENCE says it has said <paramref name="seq"/> lines.</summary>
    public void NoteAdvertised(ulong origin, ulong seq, long now)
    {
        if (Filter.Find(origin) is not { } state)
            return;
        if (DuplicateFilter.DoubtHorizon(state, seq, now, Order.AwaitingHistory))
            HorizonsLowered++; // the lines since are wanted again: the claim below makes Tick repair them
        if (seq > state.Advertised && now >= state.ClaimsIgnoredUntil)
        {
            state.Advertised = seq;
            _mayBeBehind = true;
        }
    }

    /// <summary>When Tick next has work: now while lines are held back, missing, or claimed by a neighbour's HAVE; else
    /// when the window of lost-line reports closes.</summary>
    public long NextTick(long now) =>
        _mayBeBehind || Order.HeldCount > 0 || _claims.Count > 0 ? now : Gaps.NextTick;

    /// <summary>On the timer: held lines whose wait is over, and whether a repair is due (true: the core sends UNPRUNE
    /// and SYNC on every link).</summary>
    public bool Tick(long now)
    {
        _now = now;
        Order.Tick(now, _showHeld);
        Gaps.Tick(now);
        bool behind = false, lacking = false;
        foreach (DuplicateFilter.OriginState state in Filter.States)
        {
            // A gap DeliveryOrder gave up (and reported): the filter stops asking for it. Only a gap given up there puts
            // Shown above the contiguous prefix, so this is the same loss, not a new one.
            if (state.GapDeadline == long.MaxValue && state.Shown > DuplicateFilter.Contiguous(state))
                DuplicateFilter.GiveUpBelow(state, state.Shown);
            ulong contiguous = DuplicateFilter.Contiguous(state);
            if (contiguous >= state.Advertised)
            {
                state.BehindSince = long.MaxValue;
                state.RepairMark = ulong.MaxValue;
                state.FruitlessRepairs = 0;
                continue;
            }
            lacking = true; // (a give-up below ends it; the next tick then finds the sender complete)
            if (state.BehindSince == long.MaxValue)
            {
                state.BehindSince = now;
            }
            else if (now - state.BehindSince >= RepairAfterMs)
            {
                if (state.RepairMark == contiguous)
                {
                    if (++state.FruitlessRepairs <= MaxDirectTries)
                    {
                        // Nobody around us has those lines (our side of a healed split, and newcomers whose horizon is
                        // past them: simulator seed 8017084), but the sender's own log does: link to it and ask again.
                        WantSender?.Invoke(state.Origin);
                        state.RepairMark = ulong.MaxValue;
                        state.BehindSince = now;
                        continue;
                    }
                    // Still nothing: the sender is gone or the claim was forged. Stop asking, or every node would repair
                    // for ever, and take no claim of it up again for a while (its next announcement would re-arm this).
                    state.Advertised = contiguous;
                    state.ClaimsIgnoredUntil = now + Math.Min(MaxClaimBackoffMs, ClaimBackoffMs << Math.Min(state.DroppedClaims, 16));
                    state.DroppedClaims++;
                    state.RepairMark = ulong.MaxValue;
                    state.BehindSince = long.MaxValue;
                    state.FruitlessRepairs = 0;
                    continue;
                }
                behind = true;
            }
        }
        _mayBeBehind = lacking;
        if (!behind || now < _nextRepair)
            return false;
        _nextRepair = now + RepairIntervalMs;
        Repairs++;
        foreach (DuplicateFilter.OriginState state in Filter.States)
        {
            if (state.BehindSince != long.MaxValue && now - state.BehindSince >= RepairAfterMs)
                state.RepairMark = DuplicateFilter.Contiguous(state);
            state.BehindSince = long.MaxValue;
        }
        return true;
    }
}
