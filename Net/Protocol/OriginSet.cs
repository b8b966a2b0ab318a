// A set of node ids kept as one sorted array: a link's prune sets (CoreLink), which in a network of 1,000 members
// hold nearly all of them at both ends of every link (a new link starts pruned). A HashSet<ulong> spent 20-22 bytes an
// id (entry, bucket, prime-sized spare), two sets a link end, six link ends a node: ~260 KiB of each node's memory
// with a full roster. Sorted, an id costs 8 bytes plus the growth spare. Lookups are a binary search plus a scan of
// at most TailMax ids added since the last merge. New ids go to that unsorted tail and are merged in TailMax at a
// time, so filling the set moves each id about count / TailMax times: inserting each in place would let a peer that
// sends PRUNEs in descending order make every one move the whole array (4,096 ids: 8 million moves a fill, where an
// UNPRUNE empties it for the next).
namespace P2PChat.Net;

internal sealed class OriginSet
{
    /// <summary>Ids added since the last merge, kept unsorted after the sorted ones.</summary>
    private const int TailMax = 32;

    private ulong[] _ids = [];
    private int _sorted;
    private int _count;

    public int Count => _count;

    public bool Contains(ulong id) =>
        _count > 0 && (Array.BinarySearch(_ids, 0, _sorted, id) >= 0 || _ids.AsSpan(_sorted, _count - _sorted).Contains(id));

    /// <summary>False when <paramref name="id"/> was already in the set.</summary>
    public bool Add(ulong id)
    {
        if (Contains(id))
            return false;
        if (_count == _ids.Length)
            Array.Resize(ref _ids, Math.Max(TailMax, _count + _count / 2));
        _ids[_count++] = id;
        if (_count - _sorted == TailMax)
            Merge();
        return true;
    }

    /// <summary>Empties the set and keeps its room: a link that unprunes is pruned again by the next duplicates.</summary>
    public void Clear() => _count = _sorted = 0;

    /// <summary>Sorts the tail and merges it into the sorted ids, from the back, so each id moves at most once.</summary>
    private void Merge()
    {
        Span<ulong> tail = stackalloc ulong[TailMax];
        int tailLength = _count - _sorted;
        _ids.AsSpan(_sorted, tailLength).CopyTo(tail);
        tail = tail[..tailLength];
        tail.Sort();
        int i = _sorted - 1, j = tailLength - 1, k = _count - 1;
        while (j >= 0)
            _ids[k--] = i >= 0 && _ids[i] > tail[j] ? _ids[i--] : tail[j--];
        _sorted = _count;
    }
}
