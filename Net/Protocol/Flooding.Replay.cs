// Anti-entropy's answer: the log replayed to a neighbour that asked (SYNC), each line checked first if it was taken on
// its tag alone (a REPLAY vouches for its signature). Part of Flooding, which owns the log.
namespace P2PChat.Net;

internal sealed partial class Flooding
{
    /// <summary>Logged lines whose signature failed when checked for a replay: their author tagged them for us but
    /// signed something else. Shown here (the tag proved them to us), never replayed (nobody else could check them).</summary>
    public long ForgedSignatures { get; private set; }

    /// <summary>Checks the signature of a line logged on its tag alone, before it is replayed: a REPLAY vouches for
    /// it. One verification per batch at most (the verifier's cache remembers a batch once its signature held; a typed
    /// line is a batch of its own), and only for lines someone asks for.</summary>
    private bool CheckLogged(int index)
    {
        ReadOnlySpan<byte> frame = Log.FrameAt(index);
        if (FrameReader.TryParseChat(frame[Protocol.LengthPrefixSize..], out ChatView chat) is null && Verifier.Verify(chat))
        {
            Log.MarkSignatureChecked(index);
            return true;
        }
        ForgedSignatures++;
        return false;
    }

    /// <summary>Replays to <paramref name="to"/> every logged line above what its SYNC summary says it has; for origins it
    /// never heard of, only the newest <paramref name="limit"/> (its --history, or all when it is not new).</summary>
    public void Replay(CoreLink to, Dictionary<ulong, ulong> summary, int limit, long now)
    {
        int unknown = 0;
        for (int i = 0; i < Log.Count; i++)
            if (!summary.ContainsKey(Log.IdAt(i).Origin))
                unknown++;
        int skipUnknown = limit == Protocol.SyncAll ? 0 : Math.Max(0, unknown - limit);
        // One answer must not fill the link's queue (a log of long lines is 8 MiB; the queue closes the link at 4 MiB).
        long budget = _maxQueueBytes / 2;
        for (int i = 0; i < Log.Count; i++)
        {
            MessageId id = Log.IdAt(i);
            if (summary.TryGetValue(id.Origin, out ulong has))
            {
                if (id.Seq <= has)
                    continue;
            }
            else if (skipUnknown-- > 0)
            {
                continue;
            }
            if (!Log.IsSignatureChecked(i) && !CheckLogged(i))
                continue;
            ReadOnlySpan<byte> frame = Log.FrameAt(i);
            if ((budget -= frame.Length) < 0)
                return; // the rest comes with the next SYNC (a repair asks again when presence says we are behind)
            if (!_links.Send(to, Retyped(frame, FrameType.Replay), now))
                return;
            ChatFramesQueued++;
        }
    }
}
