// The core's outputs in a fuzz case (ICoreEffects), kept for the properties: every byte sent per link (a queue that
// refuses past MaxQueueBytes, as the socket driver's does, and that the case drains after each input, as a fast
// reader would), the bytes offered per link during the current input (refused ones too: that is what the core
// spent), closes with their reasons (at most one per link, nothing sent after it), connects, drains, lines shown and
// lines reported lost.
using System.Net;
using P2PChat.Net;

namespace P2PChat.Tests.Fuzz;

internal sealed class FuzzEffects(int maxQueueBytes) : ICoreEffects
{
    private readonly Dictionary<int, List<byte>> _queues = [];
    private readonly Dictionary<int, long> _offered = [];

    public Dictionary<int, LinkClose> Closed { get; } = [];
    public HashSet<int> Drained { get; } = [];
    public HashSet<int> OpenedLinks { get; } = [];
    public List<int> Connects { get; } = [];
    public List<MessageId> Shown { get; } = [];

    /// <summary>Anything the core did that an ICoreEffects must never see (a second close, a send after close).</summary>
    public string? Misuse { get; private set; }

    /// <summary>The most bytes offered to one link during one input since the last BeginInput, and to which link.</summary>
    public long PeakOffered { get; private set; }
    public int PeakLink { get; private set; }

    public void BeginInput()
    {
        _offered.Clear();
        PeakOffered = 0;
        PeakLink = 0;
    }

    public long OfferedTo(int link) => _offered.GetValueOrDefault(link);

    /// <summary>Takes what the core queued for <paramref name="link"/> since the last call (the reader drained it).</summary>
    public byte[] Take(int link)
    {
        if (!_queues.TryGetValue(link, out List<byte>? queue) || queue.Count == 0)
            return [];
        byte[] bytes = [.. queue];
        queue.Clear();
        return bytes;
    }

    void ICoreEffects.Push()
    {
    }

    bool ICoreEffects.Send(int link, ReadOnlySpan<byte> frame)
    {
        long offered = _offered.GetValueOrDefault(link) + frame.Length;
        _offered[link] = offered;
        if (offered > PeakOffered)
        {
            PeakOffered = offered;
            PeakLink = link;
        }
        if (Closed.ContainsKey(link))
        {
            Misuse ??= $"the core sent {frame.Length} bytes on link #{link} after closing it";
            return true;
        }
        if (!_queues.TryGetValue(link, out List<byte>? queue))
            _queues[link] = queue = [];
        if (queue.Count + frame.Length > maxQueueBytes)
            return false;
        queue.AddRange(frame);
        return true;
    }

    void ICoreEffects.Connect(int link, IPEndPoint to) => Connects.Add(link);

    void ICoreEffects.Drain(int link) => Drained.Add(link);

    void ICoreEffects.Close(int link, LinkClose reason)
    {
        if (!Closed.TryAdd(link, reason))
            Misuse ??= $"link #{link} closed twice ({Closed[link]}, then {reason})";
        _queues.Remove(link);
    }

    void ICoreEffects.Opened(int link, PeerInfo peer) => OpenedLinks.Add(link);

    void IChatSink.OnMessage(in ChatView message) => Shown.Add(message.Id);

    void IChatSink.OnLinkOpened(PeerInfo peer)
    {
    }

    void IChatSink.OnLinkClosed(PeerInfo peer, LinkClose reason)
    {
    }

    void IChatSink.OnMemberJoined(MemberInfo member, bool isNew)
    {
    }

    void IChatSink.OnMemberLeft(MemberInfo member, Departure reason)
    {
    }

    void IChatSink.OnMemberRenamed(MemberInfo member, string before)
    {
    }

    /// <summary>Lines given up for good, as the core reported them (GapReports), each with how many lines had been
    /// shown before it (so a test can tell the report came before the lines shown without the lost ones).</summary>
    public List<(LostLines Lines, int ShownBefore)> Lost { get; } = [];

    void IChatSink.OnLinesLost(LostLines lost) => Lost.Add((lost, Shown.Count));

    void IChatSink.OnNotice(string text)
    {
    }
}
