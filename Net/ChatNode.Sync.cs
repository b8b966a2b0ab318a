// Anti-entropy. Whenever a link opens (first join, reconnect, a partition healing) each side sends SYNC: for each
// origin it has heard from, the sequence up to which it has everything. The other side answers with every
// message in its log above that (as REPLAY frames, oldest first); for origins the asker never heard of, only the
// last `limit` (the asker's --history). Replayed messages go through the normal path: the duplicate filter drops
// what the asker already had, the rest is shown (as history) and flooded on, so a whole healed side catches up.
namespace P2PChat.Net;

internal sealed partial class ChatNode
{
    /// <summary>The link whose SYNC came first: our history comes from it. Guarded by _floodLock.</summary>
    private PeerConnection? _historySource;

    /// <summary>Sends our summary on a link that just opened.</summary>
    private void SendSync(PeerConnection link)
    {
        byte[] frame;
        lock (_floodLock)
        {
            List<(ulong Origin, ulong Contiguous)> summary = _seen.Summary(Protocol.MaxSyncOrigins);
            frame = new byte[FrameWriter.SyncSize(summary.Count)];
            FrameWriter.WriteSync(frame, Math.Clamp(Options.History, 0, ushort.MaxValue), summary);
        }
        link.TryEnqueue(frame);
    }

    private string? OnSync(PeerConnection from, ReadOnlySpan<byte> body)
    {
        var summary = new Dictionary<ulong, ulong>();
        string? error = FrameReader.TryParseSync(body, summary, out int limit);
        if (error is not null)
            return error;
        lock (_floodLock)
        {
            if (_historySource is null)
            {
                // Our first peer's summary is the horizon: what it had was said before we joined, and only this
                // peer's replay of it (our --history) is shown (DuplicateFilter.Seed).
                _historySource = from;
                foreach ((ulong origin, ulong contiguous) in summary)
                    if (origin != NodeId)
                        _seen.Seed(origin, contiguous);
            }
            MessageLog log = Log;
            // Messages of origins the asker never heard of: only the newest `limit` of them.
            int unknown = 0;
            for (int i = 0; i < log.Count; i++)
                if (!summary.ContainsKey(log.IdAt(i).Origin))
                    unknown++;
            int skipUnknown = Math.Max(0, unknown - limit);
            for (int i = 0; i < log.Count; i++)
            {
                MessageId id = log.IdAt(i);
                if (summary.TryGetValue(id.Origin, out ulong has))
                {
                    if (id.Seq <= has)
                        continue;
                }
                else if (skipUnknown-- > 0)
                {
                    continue;
                }
                ReadOnlySpan<byte> frame = log.FrameAt(i);
                frame.CopyTo(_scratch);
                _scratch[Protocol.LengthPrefixSize] = (byte)FrameType.Replay;
                if (!from.TryEnqueue(_scratch.AsSpan(0, frame.Length)))
                    break;
            }
        }
        return null;
    }
}
