// The addresses of peers this node knows beyond its current links (the passive view of HyParView, Leitao et al.
// 2007): learned from HELLOs and PEERS frames, used to reconnect when links are lost. Bounded: at most Capacity
// entries; the addresses given on the command line are never dropped. Each address carries its own jittered
// exponential backoff, so a dead peer is retried less and less often and a restarted one is found again.
// What a neighbour tells us (second-hand) is trusted less than what we saw ourselves: it never displaces or evicts an
// address we shook hands at, never resets an address's backoff, and one host gets only a few such addresses, so a
// member cannot turn every node into a scanner of some third party's ports (Membership bounds the rate of dials).
// Pure logic (randomness is handed in), owned by Membership.cs.
using System.Net;

namespace P2PChat.Net;

internal sealed class AddressBook(Random random, int capacity = AddressBook.DefaultCapacity)
{
    public const int DefaultCapacity = 256;

    /// <summary>First retry after a failure; doubled per further failure up to MaxBackoffMs, then jittered +-50%.</summary>
    public const int FirstBackoffMs = 250;
    public const int MaxBackoffMs = 8000;

    /// <summary>A learned (not command-line) address that failed this many times in a row is forgotten: about a minute
    /// of backoff (250 ms + 500 ms + ... + 8 s x 7), long enough to outlast a short split or a restart.</summary>
    public const int ForgetAfterFailures = 12;

    /// <summary>Addresses of one host (one IP) that only neighbours vouch for (not pinned, no handshake of ours there
    /// since its last failure). A PEERS frame listing one host with 1,000 ports therefore costs that host at most 4 of
    /// our dials at a time, not a port scan; 4 still covers a few chat peers sharing one machine, and each one we reach
    /// is verified and makes room for the next, so a whole test network on 127.0.0.1 is still found.</summary>
    public const int MaxUnverifiedPortsPerHost = 4;

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

    private readonly Dictionary<IPEndPoint, Entry> _entries = new(AddressKeys.Instance);

    /// <summary>The same entries looked up by an address as PEERS carries it, with no IPEndPoint made (a struct over the
    /// dictionary: nothing is allocated).</summary>
    private Dictionary<IPEndPoint, Entry>.AlternateLookup<WireAddress> ByWire => _entries.GetAlternateLookup<WireAddress>();

    public int Count => _entries.Count;

    /// <summary>Every entry (the collection's own type: a foreach over it boxes no enumerator).</summary>
    public Dictionary<IPEndPoint, Entry>.ValueCollection Entries => _entries.Values;

    public void AddPinned(IPEndPoint endPoint)
    {
        if (!_entries.ContainsKey(endPoint))
            _entries[endPoint] = new Entry(endPoint, pinned: true);
    }

    /// <summary>True when <paramref name="endPoint"/> has an entry.</summary>
    public bool Knows(IPEndPoint endPoint) => _entries.ContainsKey(endPoint);

    /// <inheritdoc cref="Knows(IPEndPoint)"/>
    public bool Knows(WireAddress address) => ByWire.ContainsKey(address);

    /// <summary>Records that <paramref name="node"/> listens at <paramref name="endPoint"/>; true when that made a new
    /// entry. Second-hand news (a PEERS frame) never overrides what we saw ourselves (a handshake at that address) until
    /// an attempt there fails: a neighbour's stale entry for a peer that restarted would otherwise turn the address back
    /// into the dead node's after every PEERS, and it would be connected to again and again (simulator seed 2002157).</summary>
    public bool Learn(IPEndPoint endPoint, ulong node, bool firstHand = true)
    {
        if (endPoint.Port == 0)
            return false;
        if (_entries.TryGetValue(endPoint, out Entry? entry))
            return Refresh(entry, node, firstHand);
        Span<byte> host = stackalloc byte[16];
        if (!firstHand && UnverifiedAt(host[..WireAddress.WriteHost(endPoint.Address, host)]) >= MaxUnverifiedPortsPerHost)
            return false;
        return Add(endPoint, node, firstHand);
    }

    /// <summary>Learn for an address a neighbour named in PEERS (second-hand), read as the frame carries it: nothing is
    /// allocated unless the address is taken in.</summary>
    public bool Learn(WireAddress address, ulong node)
    {
        if (address.Port == 0)
            return false;
        if (ByWire.TryGetValue(address, out Entry? entry))
            return Refresh(entry, node, firstHand: false);
        Span<byte> host = stackalloc byte[16];
        if (UnverifiedAt(host[..address.WriteHost(host)]) >= MaxUnverifiedPortsPerHost)
            return false;
        return Add(address.ToEndPoint(), node, firstHand: false);
    }

    /// <summary>Learn for an address that has an entry; always false (no new entry).</summary>
    private static bool Refresh(Entry entry, ulong node, bool firstHand)
    {
        if (!firstHand && entry.Verified)
            return false;
        entry.Verified |= firstHand;
        if (entry.NodeId != node)
        {
            entry.NodeId = node;
            // A new process at a known address (a restarted peer) gets a fresh start, but only once we saw it
            // ourselves: a neighbour naming a new node id there with every PEERS would otherwise reset the backoff
            // of a dead address each time, and it would be dialled at full speed and never forgotten.
            if (firstHand)
            {
                entry.Failures = 0;
                entry.NextAttempt = 0;
            }
        }
        return false;
    }

    /// <summary>Learn for an address with no entry yet; true when it got one.</summary>
    private bool Add(IPEndPoint endPoint, ulong node, bool firstHand)
    {
        // Another address of a node we know (it moved, or is reachable two ways): keep only the newest. Not on a
        // neighbour's word against our own handshake, though: anyone can name a node id beside any address.
        foreach (Entry other in _entries.Values)
            if (other.NodeId == node && !other.Pinned)
            {
                if (!firstHand && other.Verified)
                    return false;
                _entries.Remove(other.EndPoint);
                break;
            }
        if (_entries.Count >= capacity && !EvictOne(firstHand))
            return false;
        _entries[endPoint] = new Entry(endPoint, pinned: false) { NodeId = node, Verified = firstHand };
        return true;
    }

    /// <summary>The address to try next: due, not one <paramref name="skip"/> passes over (given <paramref name="state"/>),
    /// fewest failures first.</summary>
    public Entry? NextCandidate<TState>(long now, TState state, Func<Entry, TState, bool> skip)
    {
        Entry? best = null;
        foreach (Entry entry in _entries.Values)
        {
            if (entry.NextAttempt > now || skip(entry, state))
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

    /// <summary>Drops the learned entry with the most failures to make room; false if there is none to drop.
    /// Second-hand news only takes the place of another address nobody verified, so a member streaming PEERS can churn
    /// its own junk but never push out the peers we know answer.</summary>
    private bool EvictOne(bool firstHand)
    {
        Entry? worst = null;
        foreach (Entry entry in _entries.Values)
            if (!entry.Pinned && (firstHand || !entry.Verified) && (worst is null || entry.Failures > worst.Failures))
                worst = entry;
        if (worst is null)
            return false;
        _entries.Remove(worst.EndPoint);
        return true;
    }

    /// <summary>Entries at <paramref name="host"/> (WireAddress.WriteHost's bytes) that count against
    /// MaxUnverifiedPortsPerHost. An IPv4 address and its IPv6-mapped form are one host (both reach it).</summary>
    private int UnverifiedAt(ReadOnlySpan<byte> host)
    {
        Span<byte> other = stackalloc byte[16];
        int count = 0;
        foreach (Entry entry in _entries.Values)
            if (!entry.Pinned && !entry.Verified && other[..WireAddress.WriteHost(entry.EndPoint.Address, other)].SequenceEqual(host))
                count++;
        return count;
    }
}
