// A set of node ids kept as one sorted array: a link's prune sets (CoreLink), which in a network of 1,000 members
// hold nearly all of them at both ends of every link (a new link starts pruned). A HashSet<ulong> spent 20-22 bytes an
// id (entry, bucket, prime-sized spare), two sets a link end, six link ends a node: ~260 KiB of each node's memory
// with a full roster. Sorted, an id costs 8 bytes plus the growth spare. Lookups are a binary search (ten steps at
// 1,000 ids, one per link a line is relayed on); an insert moves the larger ids up one, which a burst of PRUNEs when a
// link opens pays once per id.
namespace P2PChat.Net;

internal sealed class OriginSet
{
    private ulong[] _ids = [];
    private int _count;

    public int Count => _count;

    public bool Contains(ulong id) => _count > 0 && Array.BinarySearch(_ids, 0, _count, id) >= 0;

    /// <summary>False when <paramref name="id"/> was already in the set.</summary>
    public bool Add(ulong id)
    {
        int at = Array.BinarySearch(_ids, 0, _count, id);
        if (at >= 0)
            return false;
        at = ~at;
        if (_count == _ids.Length)
            Array.Resize(ref _ids, Math.Max(8, _count + _count / 2));
        Array.Copy(_ids, at, _ids, at + 1, _count - at);
        _ids[at] = id;
        _count++;
        return true;
    }

    /// <summary>Empties the set and keeps its room: a link that unprunes is pruned again by the next duplicates.</summary>
    public void Clear() => _count = 0;
}
