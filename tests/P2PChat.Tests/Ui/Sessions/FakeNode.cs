// A node for whole-session tests (ISessionNode): records what the session said and its new name; who is online and
// who is linked is whatever the test sets. Thread-safe: the session calls it from its loop, the test reads it.
using System.Net;
using P2PChat.Net;
using P2PChat.Ui;

namespace P2PChat.Tests.Ui.Sessions;

internal sealed class FakeNode(string name = "me") : ISessionNode
{
    private readonly Lock _lock = new();
    private readonly List<string> _said = [];
    private readonly List<(ulong To, string Text)> _private = [];

    public string Name { get; set; } = name;

    public string ListenDescription => "port 40213 (all interfaces)";

    public List<MemberInfo> Online { get; } = [];

    public List<PeerInfo> Linked { get; } = [];

    public int DirectPeerCount => Linked.Count;

    public IReadOnlyList<MemberInfo> Members() => [.. Online];

    public IReadOnlyList<PeerInfo> DirectPeers() => [.. Linked];

    public IReadOnlyList<(PeerInfo Peer, long Holds)> HeldPeers() => [];

    public ulong LinesLost => 0;

    public void Say(string text, long timeMs)
    {
        lock (_lock)
            _said.Add(text);
    }

    public void SayPrivate(ulong to, string text, long timeMs)
    {
        lock (_lock)
            _private.Add((to, text));
    }

    /// <summary>Takes the name as a real node would (TextRules), or says why not.</summary>
    public string? Rename(string newName)
    {
        if (!P2PChat.Net.TextRules.IsValidName(System.Text.Encoding.UTF8.GetBytes(newName)))
            return P2PChat.Net.TextRules.ExplainBadName(newName) ?? "invalid name";
        Name = newName;
        return null;
    }

    /// <summary>Lines said to everyone, in order.</summary>
    public string[] Said
    {
        get
        {
            lock (_lock)
                return [.. _said];
        }
    }

    public (ulong To, string Text)[] SaidPrivately
    {
        get
        {
            lock (_lock)
                return [.. _private];
        }
    }

    /// <summary>A member as its presence would describe it, and as a neighbour.</summary>
    public MemberInfo Add(string member, ulong id, bool linked = false)
    {
        var info = new MemberInfo(id, member) { Key = (byte[])[.. BitConverter.GetBytes(id), .. new byte[24]] };
        Online.Add(info);
        if (linked)
            Linked.Add(new PeerInfo(id, member, new IPEndPoint(IPAddress.Loopback, 40000 + (int)(id % 1000)), 40000, Outbound: true) { Key = info.Key.ToArray() });
        return info;
    }
}
