// The addresses of peers this node knows beyond its current links (the passive view of HyParView, Leitao et al.
// 2007): learned from HELLOs and PEERS frames, used to reconnect when links are lost. Bounded: at most Capacity
// entries; the addresses given on the command line are never dropped. Each address carries its own jittered
// exponential backoff, so a dead peer is retried less and less often and a restarted one is found again.
// Pure logic (randomness is handed in), owned by Membership.cs.
using System.Net;

namespace P2PChat.Net;

internal sealed class AddressBook(Random random, int capacity = AddressBook.DefaultCapacity)
{
    public const int DefaultCapacity = 256;

    /// <summary>First retry after a failure; doubled per further failure up to MaxBackoffMs, then jittered +-50%.</summary>
    public const int FirstBackoffMs = 250;
    public const int MaxBackoffMs = 8000;

    /// <summary>A learned (not command-line) address that failed this many times in a row is forgotten.</summary>
    public const int ForgetAfterFailures = 12;

    public sealed class Entry(IPEndPoint endPoint, bool pinned)
    {
        public IPEndPoint EndPoint { get; } = endPoint;

        /// <summary>Given on the command line: kept forever and retried forever.</summary>
        public bool Pinned { get; } = pinned;

        /// <summary>The node last seen at this address; 0 while unknown.</summary>
        public ulong NodeId { get; set; }

        public int Failures { get; set; }

        /// <summary>We shook hands with NodeId at this address ourselves, and no attempt there has failed since.</summary>
        public bool Verified { get; set; }

        /// <summary>Core time before which this address is not tried again.</summary>
        public long NextAttempt { get; set; }
    }

    private readonly Dictionary<IPEndPoint, Entry> _entries = [];

    public int Count => _entries.Count;

    public IEnumerable<Entry> Entries => _entries.Values;

    public void AddPinned(IPEndPoint endPoint)
    {
        if (!_entries.ContainsKey(endPoint))
            _entries[endPoint] = new Entry(endPoint, pinned: true);
    }

    /// <summary>Records that <paramref name="node"/> listens at <paramref name="endPoint"/>. Second-hand news (a PEERS
    /// frame) never overrides what we saw ourselves (a handshake at that address) until an attempt there fails: a
    /// neighbour's stale entry for a peer that restarted would otherwise turn the address back into the dead node's
    /// after every PEERS, and it would be connected to again and again (simulator seed 2002157).</summary>
    public void Learn(IPEndPoint endPoint, ulong node, bool firstHand = true)
    {
        if (endPoint.Port == 0)
            return;
        if (_entries.TryGetValue(endPoint, out Entry? entry))
        {
            if (!firstHand && entry.Verified)
                return;
            entry.Verified |= firstHand;
            if (entry.NodeId != node)
            {
                // A new process at a known address (a restarted peer): give it a fresh start.
                entry.NodeId = node;
                entry.Failures = 0;
                entry.NextAttempt = 0;
            }
            return;
        }
        // Another address of a node we know (it moved, or is reachable two ways): keep only the newest.
        foreach (Entry other in _entries.Values)
            if (other.NodeId == node && !other.Pinned)
            {
                _entries.Remove(other.EndPoint);
                break;
            }
        if (_entries.Count >= capacity && !EvictOne())
            return;
        _entries[endPoint] = new Entry(endPoint, pinned: false) { NodeId = node, Verified = firstHand };
    }

    /// <summary>The address to try next: due, not a node we are linked to, fewest failures first.</summary>
    public Entry? NextCandidate(long now, Func<Entry, bool> isLinked)
    {
        Entry? best = null;
        foreach (Entry entry in _entries.Values)
        {
            if (entry.NextAttempt > now || isLinked(entry))
                continue;
            if (best is null || entry.Failures < best.Failures || (entry.Failures == best.Failures && entry.NextAttempt < best.NextAttempt))
                best = entry;
        }
        return best;
    }

    public void Failed(Entry entry, long now)
    {
        entry.Failures++;
        entry.Verified = false;
        if (!entry.Pinned && entry.Failures >= ForgetAfterFailures)
        {
            _entries.Remove(entry.EndPoint);
            return;
        }
        entry.NextAttempt = now + Backoff(entry.Failures);
    }

    public void Succeeded(Entry entry, ulong node)
    {
        entry.NodeId = node;
        entry.Verified = true;
        entry.Failures = 0;
        entry.NextAttempt = 0;
    }

    /// <summary>Forgets an address that turned out to be this node itself.</summary>
    public void Forget(IPEndPoint endPoint) => _entries.Remove(endPoint);

    /// <summary>Jittered exponential backoff for the given number of consecutive failures.</summary>
    internal long Backoff(int failures)
    {
        double baseMs = Math.Min(MaxBackoffMs, FirstBackoffMs * Math.Pow(2, Math.Min(failures - 1, 16)));
        return (long)(baseMs * (0.5 + random.NextDouble()));
    }

    /// <summary>Drops the learned entry with the most failures to make room; false if every entry is pinned.</summary>
    private bool EvictOne()
    {
        Entry? worst = null;
        foreach (Entry entry in _entries.Values)
            if (!entry.Pinned && (worst is null || entry.Failures > worst.Failures))
                worst = entry;
        if (worst is null)
            return false;
        _entries.Remove(worst.EndPoint);
        return true;
    }
}
