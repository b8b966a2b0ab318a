// An IChatSink that records everything a node reports, thread-safe, for tests to wait on and assert against.
using System.Text;
using P2PChat.Net;

namespace P2PChat.Tests;

internal sealed class RecordingSink(string owner) : IChatSink
{
    private readonly Lock _lock = new();
    private readonly List<string> _messages = [];
    private readonly List<string> _joined = [];
    private readonly List<string> _left = [];
    private readonly List<string> _notices = [];

    public string Owner => owner;

    /// <summary>Every message seen, as "NAME: TEXT", in the order the node accepted them.</summary>
    public string[] Messages
    {
        get
        {
            lock (_lock)
                return [.. _messages];
        }
    }

    public int MessageCount
    {
        get
        {
            lock (_lock)
                return _messages.Count;
        }
    }

    /// <summary>Names of peers a direct link opened to (first link per peer).</summary>
    public string[] Joined
    {
        get
        {
            lock (_lock)
                return [.. _joined];
        }
    }

    /// <summary>"NAME (REASON)" of peers reported left.</summary>
    public string[] Left
    {
        get
        {
            lock (_lock)
                return [.. _left];
        }
    }

    public string[] Notices
    {
        get
        {
            lock (_lock)
                return [.. _notices];
        }
    }

    public int CountOf(string line)
    {
        lock (_lock)
            return _messages.Count(m => m == line);
    }

    public void OnMessage(in ChatView message)
    {
        string line = $"{Encoding.UTF8.GetString(message.Name)}{(message.Private ? " (private)" : "")}: {Encoding.UTF8.GetString(message.Text)}";
        lock (_lock)
        {
            _messages.Add(line);
            if (message.History)
                _history++;
        }
    }

    private int _history;

    /// <summary>How many of the messages came as history (replayed by anti-entropy).</summary>
    public int HistoryCount
    {
        get
        {
            lock (_lock)
                return _history;
        }
    }

    public void OnLinkOpened(PeerInfo peer)
    {
        lock (_lock)
            _joined.Add(peer.Name);
    }

    public void OnLinkClosed(PeerInfo peer, LinkClose reason)
    {
        lock (_lock)
            _left.Add($"{peer.Name} ({reason})");
    }

    private readonly List<string> _presence = [];

    /// <summary>Network-wide presence reports, in order: "+name" (joined), "~name" (already online),
    /// "-name (reason)" (left).</summary>
    public string[] Presence
    {
        get
        {
            lock (_lock)
                return [.. _presence];
        }
    }

    public void OnMemberJoined(MemberInfo member, bool isNew)
    {
        lock (_lock)
            _presence.Add((isNew ? "+" : "~") + member.Name);
    }

    public void OnMemberLeft(MemberInfo member, Departure reason)
    {
        lock (_lock)
            _presence.Add($"-{member.Name} ({reason})");
    }

    public void OnMemberRenamed(MemberInfo member, string before)
    {
        lock (_lock)
            _presence.Add($"{before}>{member.Name}");
    }

    private readonly List<LostLines> _lost = [];

    /// <summary>Lines given up for good, as the node reported them.</summary>
    public LostLines[] Lost
    {
        get
        {
            lock (_lock)
                return [.. _lost];
        }
    }

    public void OnLinesLost(LostLines lost)
    {
        lock (_lock)
            _lost.Add(lost);
    }

    public void OnNotice(string text)
    {
        lock (_lock)
            _notices.Add(text);
    }

    public override string ToString() => $"{owner}: messages [{string.Join(" | ", Messages)}], joined [{string.Join(", ", Joined)}], "
        + $"left [{string.Join(", ", Left)}], presence [{string.Join(", ", Presence)}], notices [{string.Join(", ", Notices)}]";
}
