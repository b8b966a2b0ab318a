// When a buffer that grew for a burst goes back to its small size. A link's buffers meet bursts (the roster a new
// neighbour hands over, a history sync, a pasted file) and then long stretches of one line at a time; kept at their
// burst size, a 64 KiB read buffer and a 16 KiB outbox per link end stayed for the life of the link, most of what a
// node held in a network of 1,000 (and what kept 10,000 simulated nodes from fitting on one machine). Going back only
// after a run of small uses means a link that keeps bursting keeps its large buffer and allocates nothing per message.
namespace P2PChat.Net;

internal struct BurstBuffer
{
    /// <summary>Uses in a row that fit the small size before the buffer goes back to it.</summary>
    public const int QuietUses = 64;

    private int _quiet;

    /// <summary>Counts one use of <paramref name="used"/> bytes of a buffer of <paramref name="length"/> bytes whose small
    /// size is <paramref name="small"/>; true when the buffer should go back to the small size now (then counting
    /// starts again).</summary>
    public bool ShouldShrink(int used, int length, int small)
    {
        if (length <= small || used > small)
        {
            _quiet = 0;
            return false;
        }
        if (++_quiet < QuietUses)
            return false;
        _quiet = 0;
        return true;
    }
}
