// Presence: who is in the whole network, not only who our neighbours are. Every node floods a PRESENCE "alive"
// (along the lines' tree, the other links told lazily: Forward) with a growing counter each interval (only while it
// has a link: a node alone has no one to tell, and its first announcement then reads as "joined"); the interval
// grows with the network, so announcements cost every node the same whatever its size (IntervalMs). The Roster drops
// copies; a clean exit floods a BYE first. Deaths are found
// as SWIM finds them: a node that loses its last link to a member online floods a signed SUSPECT, the member refutes
// it with a newer announcement, and an unrefuted suspicion makes every node declare it gone (Roster.SuspectMs). A
// link that opens gets our own announcement plus a digest of the roster, and asks for what it lacks
// (Presence.Digest.cs), so a newcomer knows everyone a round trip later and a healed split learns the other side. Each announcement also
// carries the sender's last line number, which lets Flooding notice lines it is missing (Flooding.Tick).
// Every announcement is signed by its author's key, which must give its origin (NodeKeys): nobody can make another
// member "leave" with a forged BYE, or keep a gone one alive. A copy already seen is dropped before any check.
// A member's announcements carry its name as it is now: one that differs from the last is a rename (:nick), reported
// as such; so a rename whose own announcement was paced away is still learned from the next one.
namespace P2PChat.Net;

internal sealed partial class Presence(NodeOptions options, NodeKeys keys, SelfName name, LinkTable links, Flooding flooding, ICoreEffects effects)
{
    private static ReadOnlySpan<byte> Label => "p2pchat presence 2"u8;

    private const int MaxSigned = 18 + Protocol.PresenceHeaderSize + Protocol.MaxNameBytes + Protocol.PresenceTrailerSize;

    private readonly ulong self = keys.NodeId;
    private readonly Roster _roster = new(Math.Min(options.RosterCapacity, Protocol.MaxMembers));
    private readonly byte[] _scratch = new byte[Protocol.LengthPrefixSize + Protocol.PresenceHeaderSize + Protocol.MaxNameBytes + Protocol.PresenceTrailerSize];
    private readonly byte[] _signed = new byte[MaxSigned];
    private ulong _counter;
    private long _nextAnnounce;
    private long _lastAnnounce;
    private byte[]? _frame;

    public Roster Roster => _roster;

    /// <summary>Announcements dropped because their member announced too soon before (Roster.TooSoon).</summary>
    public long Paced { get; private set; }

    /// <summary>Announcements and suspicions refused because their signature did not verify.</summary>
    public long Forged { get; private set; }

    /// <summary>Suspicions of us that we answered with a newer announcement (refutations; one announcement may answer many).</summary>
    public long Refuted { get; private set; }

    /// <summary>Announcements we made (alive and bye).</summary>
    public long Announcements { get; private set; }

    /// <summary>Users online elsewhere in the network (this node not included), ordered by name.</summary>
    public IReadOnlyList<MemberInfo> Members() => _roster.Online();

    /// <summary>The member <paramref name="node"/> if the roster counts it as online.</summary>
    public MemberInfo? Online(ulong node) => _roster.Find(node);

    /// <summary>Whether the roster counts <paramref name="node"/> as online.</summary>
    public bool IsOnline(ulong node) => _roster.IsOnline(node);

    /// <summary>Whether the roster declared <paramref name="node"/> gone without a BYE (suspected or silent): it may be
    /// alive on the far side of a split. Not a member the roster never held: one it refused when full is online
    /// elsewhere, and one it has not heard of yet is news on its way.</summary>
    public bool IsLost(ulong node) => _roster.Get(node) is { Gone: true, SaidBye: false };

    /// <summary>The announce interval we declare: PresencePerMember times the members online, PresenceInterval at least,
    /// so all members together make about one announcement per PresencePerMember (NodeOptions.PresenceInterval).</summary>
    private uint IntervalMs()
    {
        double ms = Math.Max(options.PresenceInterval.TotalMilliseconds, _roster.OnlineCount * options.PresencePerMember.TotalMilliseconds);
        return (uint)Math.Clamp(ms, Protocol.MinPresenceIntervalMs, Protocol.MaxPresenceIntervalMs);
    }

    /// <summary>Writes our announcement with a new counter into _frame.</summary>
    private byte[] Next(PresenceKind kind, long now)
    {
        uint interval = IntervalMs();
        int size = FrameWriter.PresenceSize(name.Utf8);
        if (_frame?.Length != size)
            _frame = new byte[size]; // first, or renamed
        FrameWriter.WritePresence(_frame, kind, self, ++_counter, interval, flooding.LastSequence, name.Utf8, keys.Identity.Public, keys.Epoch, keys.BoxPublic);
        Sign(keys, _frame);
        _nextAnnounce = now + interval;
        _lastAnnounce = now;
        Announcements++;
        return _frame;
    }

    /// <summary>Signs a PRESENCE that FrameWriter.WritePresence wrote (into its last SignatureSize bytes) with
    /// <paramref name="keys"/>' identity: ours, or a member a test plays.</summary>
    public static void Sign(NodeKeys keys, Span<byte> frame)
    {
        Span<byte> signed = stackalloc byte[MaxSigned];
        ReadOnlySpan<byte> body = frame[Protocol.LengthPrefixSize..];
        keys.Identity.Sign(SignedBytes(body[..^Protocol.SignatureSize], signed), frame[^Protocol.SignatureSize..]);
    }

    /// <summary>What a PRESENCE signature covers: a label and the body up to the signature, with "present" read as
    /// "alive" (a node hands a member's announcement on to a new neighbour as "present", and must not break it).</summary>
    private static ReadOnlySpan<byte> SignedBytes(ReadOnlySpan<byte> signed, Span<byte> destination)
    {
        Label.CopyTo(destination);
        signed.CopyTo(destination[Label.Length..]);
        if (destination[Label.Length + 1] == (byte)PresenceKind.Present)
            destination[Label.Length + 1] = (byte)PresenceKind.Alive;
        return destination[..(Label.Length + signed.Length)];
    }

    /// <summary>How long after the pacing gap a rename or a refutation is announced: what our previous announcement may have been
    /// delayed by on its way, beyond this one (Roster.TooSoon paces announcements a gap apart).</summary>
    public const long RenameSlackMs = 250;

    /// <summary>We were renamed: announce it as soon as the others' pacing takes a new announcement (within a second and
    /// a tick), not a whole interval later.</summary>
    public void Renamed(long now) => AnnounceSoon(now);

    /// <summary>Announce as soon as the others' pacing (Roster.TooSoon) takes a new announcement.</summary>
    private void AnnounceSoon(long now)
    {
        if (_counter == 0)
            return; // never announced: our first announcement will carry the name
        long paced = _lastAnnounce + Roster.GapMs(IntervalMs()) + RenameSlackMs;
        _nextAnnounce = Math.Min(_nextAnnounce, Math.Max(now, paced));
    }

    /// <summary>When Tick next has work: our next announcement (while we have a link to send it on), or a member's
    /// expiry or suspicion running out.</summary>
    public long NextTick => Math.Min(links.Open.Length > 0 ? _nextAnnounce : long.MaxValue, _roster.NextCheck);

    /// <summary>On the timer: announce ourselves when due, and tell the user who fell silent.</summary>
    public void Tick(long now)
    {
        CoreLink[] open = links.Open;
        if (open.Length > 0 && now >= _nextAnnounce)
        {
            byte[] frame = Next(PresenceKind.Alive, now);
            foreach (CoreLink link in open)
                links.Send(link, frame, now);
        }
        List<Roster.Entry>? gone = _roster.Expire(now);
        if (gone is null)
            return;
        foreach (Roster.Entry entry in gone)
            effects.OnMemberLeft(entry.Member, new Departure(false, entry.SilentMs));
    }

    /// <summary>On a link that just opened: who we are, and who we know. A node whose only link this is may have been
    /// alone long enough to be declared gone everywhere (a copy of its last announcement would be no news): it
    /// announces itself afresh, unless it announced within the pacing gap (then too soon to have been declared gone).</summary>
    public void SendTo(CoreLink link, long now)
    {
        bool fresh = _counter == 0 || links.Open.Length == 1 && now - _lastAnnounce >= Roster.MaxGapMs;
        if (fresh)
        {
            links.Send(link, Next(PresenceKind.Alive, now), now);
        }
        else
        {
            SendAsPresent(link, _frame!, now); // the neighbour's pacing then takes our next announcement whenever it comes
        }
        SendDigest(link, now);
        foreach (Roster.Entry entry in _roster.Entries)
            if (!entry.Gone && entry.Suspicion is { } suspicion)
                links.Send(link, suspicion, now); // it would not hear of the suspicion otherwise, and keep a dead member
    }

    /// <summary>Sends an announcement with its kind rewritten to "present" (the signature reads it as "alive"): the
    /// member was already online, it did not just arrive.</summary>
    private void SendAsPresent(CoreLink link, byte[] announcement, long now)
    {
        Span<byte> frame = _scratch.AsSpan(0, announcement.Length);
        announcement.CopyTo(frame);
        frame[Protocol.LengthPrefixSize + 1] = (byte)PresenceKind.Present;
        links.Send(link, frame, now);
    }

    /// <summary>We lost our last link to <paramref name="peer"/> (closed, reset, silent or cut): it may have crashed.
    /// If the roster counts it online, flood a suspicion of its current counter; it refutes if it is alive.</summary>
    public void OnLinkLost(ulong peer, long now)
    {
        if (_roster.Get(peer) is not { Gone: false, Suspected: false } entry)
            return; // gone or suspected already
        // With no link left, the suspicion still runs here, and goes to our next link with the roster.
        byte[] frame = new byte[FrameWriter.SuspectSize];
        FrameWriter.WriteSuspect(frame, self, peer, entry.Counter, keys.Identity.Public, keys.Epoch);
        SignSuspect(keys, frame);
        _roster.Suspect(entry, entry.Counter, frame, now);
        foreach (CoreLink link in links.Open)
            links.Send(link, frame, now);
    }

    public string? OnPresence(CoreLink from, ReadOnlySpan<byte> body, ReadOnlySpan<byte> frame, long now)
    {
        string? error = FrameReader.TryParsePresence(body, out PresenceView presence);
        if (error is not null)
            return error;
        if (presence.Origin == self)
            return null; // our own announcement came back round a cycle
        if (_roster.IsCopy(presence.Origin, presence.Counter))
        {
            from.PeerAnnounced(presence.Origin, presence.Counter);
            Roster.Entry copied = _roster.Get(presence.Origin)!;
            // A neighbour counts online a member that an unrefuted suspicion made gone here: it missed the suspicion (it
            // was on the far side of a split, or linked to us later). Hand it over; the member refutes it if alive.
            if (copied is { Gone: true, SaidBye: false, Suspicion: { } suspicion })
                links.Send(from, suspicion, now);
            else if (copied.TreeCounter == presence.Counter && now < copied.TreeUntil)
                flooding.OnAnnouncementCopy(from, presence.Origin, now);
            return null;
        }
        if (presence.Kind != PresenceKind.Bye && _roster.TooSoon(presence.Origin, now))
        {
            Paced++; // before the signature check: that is the work a flood of announcements would buy
            return null;
        }
        if (NodeKeys.Origin(presence.Key, presence.Epoch) != presence.Origin
            || !keys.Signatures.Verify(presence.Key, SignedBytes(presence.Signed, _signed), presence.Signature))
        {
            Forged++;
            return "a PRESENCE whose signature does not verify (forged or altered)";
        }
        string? nameBefore = _roster.Find(presence.Origin)?.Name;
        PresenceOutcome outcome = _roster.Apply(presence, frame, now, out MemberInfo? member);
        if (outcome == PresenceOutcome.Stale)
            return null;
        flooding.NoteAdvertised(presence.Origin, presence.LastSeq, now);
        if (_roster.Get(presence.Origin) is { TreeCounter: 0 } entry)
        {
            entry.TreeCounter = presence.Counter;
            entry.TreeUntil = now + Flooding.AnnouncementTreeMs;
        }
        switch (outcome)
        {
            case PresenceOutcome.Joined or PresenceOutcome.Online:
                effects.OnMemberJoined(member!, isNew: outcome == PresenceOutcome.Joined);
                break;
            case PresenceOutcome.Left:
                effects.OnMemberLeft(member!, Departure.Said);
                break;
            case PresenceOutcome.Renamed:
                effects.OnMemberRenamed(member!, nameBefore!);
                break;
        }
        Forward(from, presence.Kind, presence.Origin, presence.Counter, frame, now);
        if (_parked.Count > 0)
            TakeUpParked(presence.Origin, now);
        return null;
    }

    /// <summary>Passes an announcement on: whole on every link but the one it came on and the member's own, except
    /// where the peer pruned the member (it takes the member's lines by another path, and that path brings its
    /// announcements too): there it is held back and named in a ROSTER with the link's next ping (SendWithheld), and
    /// the peer WANTs it if that path failed it. Flooded whole on every link, each announcement reached a node about as
    /// many times as the node has links, each copy ~190 bytes to read and drop; a steady network's announcements were
    /// two thirds of its control traffic. (Not its wake-ups: on an idle link a copy stood in for a ping, which now goes
    /// instead.) A BYE, a member's first announcement (no link has pruned a member nobody knew: its copies build the
    /// tree its first line takes, Flooding.OnAnnouncementCopy) and anything past MaxWithheldAnnouncements still go
    /// whole.</summary>
    private void Forward(CoreLink from, PresenceKind kind, ulong origin, ulong counter, ReadOnlySpan<byte> frame, long now)
    {
        foreach (CoreLink link in links.Open)
        {
            if (link == from || link.Peer!.NodeId == origin)
                continue;
            if (kind != PresenceKind.Bye && link.IsPruned(origin) && link.WithholdAnnouncement(origin, counter, now))
                continue;
            links.Send(link, frame, now);
        }
    }

    /// <summary>Floods our BYE (before the links drain, so it is delivered like any queued message).</summary>
    public void AnnounceLeaving(long now)
    {
        if (_counter == 0)
            return; // never announced: nobody knows us
        byte[] frame = Next(PresenceKind.Bye, now);
        foreach (CoreLink link in links.Open)
            links.Send(link, frame, now);
    }
}
