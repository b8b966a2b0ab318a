// A token bucket on core time: up to Burst tokens, one more every IntervalMs. It bounds what others can make this node
// do per unit of time (connections to learned addresses, new address-book entries from one peer) without slowing the
// normal case, which stays inside the burst. Integer milliseconds only, so the simulator replays it exactly.
namespace P2PChat.Net;

internal sealed class TokenBucket(int burst, long intervalMs)
{
    private int _tokens = -1; // full, once time is known
    private long _refilledAt;

    /// <summary>Tokens there are at <paramref name="now"/>.</summary>
    public int Available(long now)
    {
        Refill(now);
        return _tokens;
    }

    /// <summary>Takes one token if there is one.</summary>
    public bool TryTake(long now)
    {
        Refill(now);
        if (_tokens == 0)
            return false;
        _tokens--;
        return true;
    }

    private void Refill(long now)
    {
        if (_tokens < 0 || _tokens >= burst)
        {
            // Full (or never used): the interval towards the next token starts when one is taken, not earlier, so a
            // bucket idle for an hour holds its burst, not an hour's worth.
            _tokens = burst;
            _refilledAt = now;
            return;
        }
        long earned = (now - _refilledAt) / intervalMs;
        if (earned <= 0)
            return;
        _tokens = (int)Math.Min(burst, _tokens + earned);
        _refilledAt = _tokens >= burst ? now : _refilledAt + earned * intervalMs;
    }
}
