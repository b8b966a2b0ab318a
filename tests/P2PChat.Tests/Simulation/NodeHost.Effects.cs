// The core's outputs in the simulator (ICoreEffects): frames are copied into the link's socket queue and go out
// after the input, connects become simulated SYNs, drains and aborts go to the socket, UI events are recorded. None
// of these calls the core back: anything that must reach it again is an event in the queue.
using System.Net;
using P2PChat.Net;

namespace P2PChat.Tests.Simulation;

internal sealed partial class NodeHost : ICoreEffects
{
    private long _chatFramesSeen;

    /// <summary>Bytes of frames this node queued (before encryption): its traffic, for ScaleScenario.</summary>
    public long BytesSent { get; private set; }

    /// <summary>Members this node reported gone, for whatever reason (ScaleScenario counts them while nobody leaves).</summary>
    public long MembersLeft { get; private set; }

    // Simulated sends are delivered on the virtual clock from when they were queued; the check after costs no time.
    void ICoreEffects.Push()
    {
    }

    bool ICoreEffects.Send(int link, ReadOnlySpan<byte> frame)
    {
        if (!_links.TryGetValue(link, out SimSocket? socket))
            return true; // its socket is gone; the core hears of it as a lost link
        if (!socket.Enqueue(frame, Core.Options.MaxQueueBytes))
            return false;
        Net.FramesSent++;
        BytesSent += frame.Length;
        // Records are encrypted: the core's own count says whether CHAT or REPLAY frames went into them.
        long chats = Core.Flooding.ChatFramesQueued;
        if (chats != _chatFramesSeen)
        {
            Net.ChatFramesSent += chats - _chatFramesSeen;
            _chatFramesSeen = chats;
            Net.LastChatFrameAt = Net.Now;
        }
        MarkDirty(socket);
        return true;
    }

    void ICoreEffects.Connect(int link, IPEndPoint to)
    {
        if (Net.Tracing)
            Net.Trace($"{Label} #{link} connects to {to}");
        var socket = new SimSocket(this, to) { LinkId = link };
        _links[link] = socket;
        Sockets.Add(socket);
        Net.Connect(socket, to);
    }

    void ICoreEffects.Drain(int link)
    {
        if (Net.Tracing)
            Net.Trace($"{Label} #{link} drains");
        if (_links.TryGetValue(link, out SimSocket? socket))
        {
            socket.DrainRequested = true;
            MarkDirty(socket);
        }
    }

    /// <summary>Links this node closed, by reason, and links opened, by peer (ScaleScenario names a busy node's churn).</summary>
    public Dictionary<string, int> ClosedBy { get; } = [];

    public Dictionary<string, int> OpenedTo { get; } = [];

    void ICoreEffects.Close(int link, LinkClose reason)
    {
        ClosedBy[reason.Kind.ToString()] = ClosedBy.GetValueOrDefault(reason.Kind.ToString()) + 1;
        if (Net.Tracing)
            Net.Trace($"{Label} #{link} closes: {reason}");
        if (_links.Remove(link, out SimSocket? socket))
            socket.Abort(Net.Random);
        JoinEnded(link);
    }

    void ICoreEffects.Opened(int link, PeerInfo peer)
    {
        if (Net.Tracing)
            Net.Trace($"{Label} #{link} open to {peer.Name}");
        OpenedTo[peer.Name] = OpenedTo.GetValueOrDefault(peer.Name) + 1;
        if (link == JoinLink)
            Joined = true;
        if (FirstOpenedAt < 0)
            FirstOpenedAt = Net.Now;
    }

    void IChatSink.OnMessage(in ChatView message)
    {
        Shown.Add(new ShownLine(message.Id, message.History, Net.Now, message.Private, System.Text.Encoding.UTF8.GetString(message.Text)));
        Logged.Add(message.Id);
        if (Net.Tracing)
            Net.Trace($"{Label} shows {message.Id.Origin:x4}:{message.Id.Seq}{(message.History ? " (history)" : "")}");
    }

    void IChatSink.OnLinkOpened(PeerInfo peer) => Net.Trace($"{Label} link opened to {peer.Name} ({peer.RemoteEndPoint})");

    void IChatSink.OnLinkClosed(PeerInfo peer, LinkClose reason) => Net.Trace($"{Label} link closed to {peer.Name}: {reason}");

    void IChatSink.OnMemberJoined(MemberInfo member, bool isNew) =>
        Net.Trace($"{Label} member {member.Name} {(isNew ? "joined" : "is online")}");

    void IChatSink.OnMemberLeft(MemberInfo member, Departure reason)
    {
        MembersLeft++;
        Net.Trace($"{Label} member {member.Name} left ({reason})");
    }

    void IChatSink.OnMemberRenamed(MemberInfo member, string before) => Net.Trace($"{Label} member {before} is now {member.Name}");

    void IChatSink.OnLinesLost(LostLines lost)
    {
        LostReports.Add(lost);
        if (Net.Tracing)
            Net.Trace($"{Label} lost {lost.Count} line(s) of {(lost.Senders > 1 ? $"{lost.Senders} senders" : $"{lost.Origin:x4}")}");
    }

    void IChatSink.OnNotice(string text)
    {
        Notices.Add(text);
        Net.Trace($"{Label} notice: {text}");
    }
}
