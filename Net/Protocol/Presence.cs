// Presence: who is in the whole network, not only who our neighbours are. Every node floods a PRESENCE "alive"
// with a growing counter each interval (only while it has a link: a node alone has no one to tell, and its first
// announcement then reads as "joined"); the Roster drops copies and declares silent members gone; a clean exit floods
// a BYE first. A link that opens gets our own announcement plus the roster (as "present" frames and the BYEs we
// remember), so a newcomer knows everyone at once and a healed split learns the other side. Each announcement also
// carries the sender's last line number, which lets Flooding notice lines it is missing (Flooding.Tick).
// Every announcement is signed by its author's key, which must give its origin (NodeKeys): nobody can make another
// member "leave" with a forged BYE, or keep a gone one alive. A copy already seen is dropped before any check.
// A member's announcements carry its name as it is now: one that differs from the last is a rename (:nick), reported
// as such; so a rename whose own announcement was paced away is still learned from the next one.
namespace P2PChat.Net;

internal sealed class Presence(NodeOptions options, NodeKeys keys, SelfName name, LinkTable links, Flooding flooding, ICoreEffects effects)
{
    private static ReadOnlySpan<byte> Label => "p2pchat presence 2"u8;

    private const int MaxSigned = 18 + Protocol.PresenceHeaderSize + Protocol.MaxNameBytes + Protocol.PresenceTrailerSize;

    private readonly ulong self = keys.NodeId;
    private readonly Roster _roster = new();
    private readonly byte[] _scratch = new byte[Protocol.LengthPrefixSize + Protocol.PresenceHeaderSize + Protocol.MaxNameBytes + Protocol.PresenceTrailerSize];
    private readonly byte[] _signed = new byte[MaxSigned];
    private ulong _counter;
    private long _nextAnnounce;
    private long _lastAnnounce;
    private byte[]? _frame;

    public Roster Roster => _roster;

    /// <summary>Announcements dropped because their member announced too soon before (Roster.TooSoon).</summary>
    public long Paced { get; private set; }

    /// <summary>Announcements refused because their signature did not verify.</summary>
    public long Forged { get; private set; }

    /// <summary>Users online elsewhere in the network (this node not included), ordered by name.</summary>
    public IReadOnlyList<MemberInfo> Members() => _roster.Online();

    /// <summary>The member <paramref name="node"/> if the roster counts it as online.</summary>
    public MemberInfo? Online(ulong node) => _roster.Find(node);

    /// <summary>Whether the roster counts <paramref name="node"/> as online.</summary>
    public bool IsOnline(ulong node) => _roster.IsOnline(node);

    /// <summary>The announce interval we declare: longer in bigger networks (NodeOptions.PresenceInterval).</summary>
    private uint IntervalMs()
    {
        double ms = options.PresenceInterval.TotalMilliseconds * (1 + _roster.OnlineCount / 50);
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

    /// <summary>How long after half an interval a rename is announced: what our previous announcement may have been
    /// delayed by on its way, beyond this one (Roster.TooSoon drops one that comes sooner than half an interval).</summary>
    public const long RenameSlackMs = 250;

    /// <summary>We were renamed: announce it as soon as the others' pacing takes a new announcement (within about half an
    /// interval and a tick), not a whole interval later.</summary>
    public void Renamed(long now)
    {
        if (_counter == 0)
            return; // never announced: our first announcement will carry the name
        long paced = _lastAnnounce + Math.Max(Roster.MinGapMs, IntervalMs() / 2) + RenameSlackMs;
        _nextAnnounce = Math.Min(_nextAnnounce, Math.Max(now, paced));
    }

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
            effects.OnMemberLeft(entry.Member, new Departure(false, 3L * entry.IntervalMs + Roster.ExpirySlackMs));
    }

    /// <summary>On a link that just opened: who we are, and who we know.</summary>
    public void SendTo(CoreLink link, long now)
    {
        links.Send(link, _counter == 0 ? Next(PresenceKind.Alive, now) : _frame!, now);
        foreach (Roster.Entry entry in _roster.Entries)
        {
            if (entry.Gone && !entry.SaidBye)
                continue; // fell silent here; the new neighbour judges that for itself
            Span<byte> frame = _scratch.AsSpan(0, entry.Frame.Length);
            entry.Frame.CopyTo(frame);
            if (!entry.Gone)
                frame[Protocol.LengthPrefixSize + 1] = (byte)PresenceKind.Present;
            links.Send(link, frame, now);
        }
    }

    public string? OnPresence(CoreLink from, ReadOnlySpan<byte> body, ReadOnlySpan<byte> frame, long now)
    {
        string? error = FrameReader.TryParsePresence(body, out PresenceView presence);
        if (error is not null)
            return error;
        if (presence.Origin == self)
            return null; // our own announcement came back round a cycle
        if (_roster.IsCopy(presence.Origin, presence.Counter))
            return null;
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
        flooding.NoteAdvertised(presence.Origin, presence.LastSeq);
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
        foreach (CoreLink link in links.Open)
            if (link != from)
                links.Send(link, frame, now);
        return null;
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
