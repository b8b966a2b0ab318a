// Presence: who is in the whole network, not only who our neighbours are. Every node floods a PRESENCE "alive"
// with a growing counter each interval (only while it has a link: a node alone has no one to tell, and its
// first announcement then reads as "joined"); the Roster drops copies and declares silent members gone; a clean
// exit floods a BYE first. A link that opens gets our own announcement plus the roster (as "present" frames and
// the BYEs we remember), so a newcomer knows everyone at once and a healed split learns the other side.
namespace P2PChat.Net;

internal sealed partial class ChatNode
{
    private readonly Lock _presenceLock = new();

    // Guarded by _presenceLock.
    private readonly Roster _roster = new();
    private ulong _presenceCounter;
    private long _nextAnnounce;
    private byte[]? _presenceFrame;
    private readonly byte[] _presenceScratch = new byte[Protocol.LengthPrefixSize + Protocol.PresenceHeaderSize + Protocol.MaxNameBytes];

    /// <summary>Users online elsewhere in the network (this node not included), by name.</summary>
    public IReadOnlyList<MemberInfo> Members()
    {
        lock (_presenceLock)
            return _roster.Online();
    }

    /// <summary>Node ids the roster counts as online, for membership's choice of whom to connect to.</summary>
    private HashSet<ulong> OnlineNodes()
    {
        lock (_presenceLock)
        {
            var online = new HashSet<ulong>(_roster.OnlineCount);
            foreach (Roster.Entry entry in _roster.Entries)
                if (!entry.Gone)
                    online.Add(entry.Member.NodeId);
            return online;
        }
    }

    /// <summary>The announce interval we declare: longer in bigger networks (NodeOptions.PresenceInterval).</summary>
    private uint PresenceIntervalMs()
    {
        double ms = Options.PresenceInterval.TotalMilliseconds * (1 + _roster.OnlineCount / 50);
        return (uint)Math.Clamp(ms, Protocol.MinPresenceIntervalMs, Protocol.MaxPresenceIntervalMs);
    }

    /// <summary>Writes our announcement with a new counter into _presenceFrame. Under _presenceLock.</summary>
    private byte[] NextPresence(PresenceKind kind, long now)
    {
        uint interval = PresenceIntervalMs();
        _presenceFrame ??= new byte[FrameWriter.PresenceSize(_nameUtf8)];
        FrameWriter.WritePresence(_presenceFrame, kind, NodeId, ++_presenceCounter, interval, _nameUtf8);
        _nextAnnounce = now + interval;
        return _presenceFrame;
    }

    /// <summary>On the timer: announce ourselves when due, and tell the user who fell silent.</summary>
    private void MaintainPresence(long now)
    {
        PeerConnection[] open = _open;
        lock (_presenceLock)
        {
            if (open.Length > 0 && now >= _nextAnnounce)
            {
                byte[] frame = NextPresence(PresenceKind.Alive, now);
                foreach (PeerConnection link in open)
                    link.TryEnqueue(frame);
            }
            List<Roster.Entry>? gone = _roster.Expire(now);
            if (gone is null)
                return;
            foreach (Roster.Entry entry in gone)
                _sink.OnMemberLeft(entry.Member, $"not heard from for {(3L * entry.IntervalMs + Roster.ExpirySlackMs) / 1000.0:0.#} s");
        }
    }

    /// <summary>On a link that just opened: who we are, and who we know.</summary>
    private void SendPresence(PeerConnection link)
    {
        lock (_presenceLock)
        {
            link.TryEnqueue(_presenceCounter == 0 ? NextPresence(PresenceKind.Alive, Environment.TickCount64) : _presenceFrame!);
            foreach (Roster.Entry entry in _roster.Entries)
            {
                if (entry.Gone && !entry.SaidBye)
                    continue; // fell silent here; the new neighbour judges that for itself
                Span<byte> frame = _presenceScratch.AsSpan(0, entry.Frame.Length);
                entry.Frame.CopyTo(frame);
                if (!entry.Gone)
                    frame[Protocol.LengthPrefixSize + 1] = (byte)PresenceKind.Present;
                link.TryEnqueue(frame);
            }
        }
    }

    private string? OnPresence(PeerConnection from, ReadOnlySpan<byte> body, ReadOnlySpan<byte> frame)
    {
        string? error = FrameReader.TryParsePresence(body, out PresenceView presence);
        if (error is not null)
            return error;
        if (presence.Origin == NodeId)
            return null; // our own announcement came back round a cycle
        lock (_presenceLock)
        {
            PresenceOutcome outcome = _roster.Apply(presence, frame, Environment.TickCount64, out MemberInfo? member);
            if (outcome == PresenceOutcome.Stale)
                return null;
            switch (outcome)
            {
                case PresenceOutcome.Joined or PresenceOutcome.Online:
                    _sink.OnMemberJoined(member!, isNew: outcome == PresenceOutcome.Joined);
                    break;
                case PresenceOutcome.Left:
                    _sink.OnMemberLeft(member!, "quit");
                    break;
            }
            foreach (PeerConnection link in _open)
                if (link != from)
                    link.TryEnqueue(frame);
        }
        return null;
    }

    /// <summary>Floods our BYE (before the links drain, so it is delivered like any queued message).</summary>
    private void AnnounceLeaving(PeerConnection[] open)
    {
        lock (_presenceLock)
        {
            if (_presenceCounter == 0)
                return; // never announced: nobody knows us
            byte[] frame = NextPresence(PresenceKind.Bye, Environment.TickCount64);
            foreach (PeerConnection link in open)
                link.TryEnqueue(frame);
        }
    }
}
