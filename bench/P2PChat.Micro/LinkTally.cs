// Link events of a whole scale run, shared by every node's sink: how many links opened and closed, and why they
// closed (heartbeat timeouts under CPU starvation show up here). Link events are rare, so a dictionary is fine.
using System.Collections.Concurrent;

namespace P2PChat.Micro;

internal sealed class LinkTally
{
    private readonly ConcurrentDictionary<string, int> _reasons = new();
    private int _opened;
    private int _closed;

    public int Opened => Volatile.Read(ref _opened);

    public int Closed => Volatile.Read(ref _closed);

    public void OnOpened() => Interlocked.Increment(ref _opened);

    public void OnClosed(string reason)
    {
        Interlocked.Increment(ref _closed);
        _reasons.AddOrUpdate(reason, 1, (_, n) => n + 1);
    }

    /// <summary>"reason x count" for the most frequent close reasons.</summary>
    public string Reasons(int top = 5) =>
        _reasons.IsEmpty ? "none" : string.Join("; ", _reasons.OrderByDescending(kv => kv.Value).Take(top).Select(kv => $"{kv.Key} x {kv.Value}"));
}
