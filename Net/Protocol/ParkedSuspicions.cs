// Suspicions whose suspecter this node did not know when they came (Presence.OnSuspect), kept until its announcement
// does. A suspicion from a node id nobody knows is not believed (one key makes any number of ids, and each would buy
// refutations), but an honest one can come first: after a split heals, a suspecter's suspicion of a dead member is
// handed over at once, while the suspecter's own announcement comes a round trip later, or not at all to a newcomer
// whose roster came from a node that had held the suspecter gone. Dropped, it was never sent again, and the dead member
// stayed listed for its lease (minutes; simulator seed 9201635). Few, bounded, the oldest making room: fresh ids that
// never announce only push each other out.
namespace P2PChat.Net;

internal sealed class ParkedSuspicions
{
    /// <summary>Suspicions kept at most; past it the oldest is dropped.</summary>
    public const int Capacity = 64;

    private readonly List<(ulong Suspecter, ulong Target, byte[] Frame)> _parked = [];

    public int Count => _parked.Count;

    /// <summary>Keeps <paramref name="frame"/> (a whole SUSPECT, length prefix included), in place of an earlier one of
    /// the same suspecter and target.</summary>
    public void Park(ulong suspecter, ulong target, ReadOnlySpan<byte> frame)
    {
        for (int i = 0; i < _parked.Count; i++)
            if (_parked[i].Suspecter == suspecter && _parked[i].Target == target)
            {
                _parked[i] = (suspecter, target, frame.ToArray());
                return;
            }
        if (_parked.Count >= Capacity)
            _parked.RemoveAt(0);
        _parked.Add((suspecter, target, frame.ToArray()));
    }

    /// <summary>Moves the suspicions of <paramref name="suspecter"/> into <paramref name="into"/>, oldest first.</summary>
    public void Take(ulong suspecter, List<byte[]> into)
    {
        int kept = 0; // compacted in place: asked on every announcement while any wait, so no closure per call
        for (int i = 0; i < _parked.Count; i++)
        {
            if (_parked[i].Suspecter == suspecter)
                into.Add(_parked[i].Frame);
            else
                _parked[kept++] = _parked[i];
        }
        _parked.RemoveRange(kept, _parked.Count - kept);
    }
}
