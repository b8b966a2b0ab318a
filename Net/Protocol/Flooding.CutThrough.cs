// Cut-through (docs/PROTOCOL.md): which lines a relay passes on before their signature is checked, and what it counts
// of them. Part of Flooding, which does the passing on (OnChat).
namespace P2PChat.Net;

internal sealed partial class Flooding
{
    /// <summary>Lines passed on before their signature was checked (cut-through), and those of them that turned out
    /// forged (dropped here; the link they came on is checked first from then on).</summary>
    public long PassedUnchecked { get; private set; }

    public long ForgedUnchecked { get; private set; }

    /// <summary>Whether to pass <paramref name="chat"/> on before checking it: a live line that would be shown now (the
    /// next of its sender, not seen yet) and whose batch is not cached here. Its check is an Ed25519 verification
    /// (~100 µs) or a tag for us (a few µs, but on every hop of every line: in the self-healed line of 8 of
    /// bench/run.sh a relay's read to its first send took 26 µs at p50 with the tag checked first, 19 µs without), so
    /// each hop costs a copy, not a check. Dedup and order are judged again after the check, which alone decides what
    /// is shown, logged or counted as seen: a forgery passed on is dropped by every receiver, and records nothing that
    /// could make the real line look like a copy. Not for a link that has passed on a forgery before.</summary>
    private bool PassesOnFirst(CoreLink from, in ChatView chat)
    {
        if (chat.History || from.CheckFirst || Order.AwaitingHistory || _links.Open.Length < 2)
            return false;
        if (Filter.Find(chat.Id.Origin) is not { } state || chat.Id.Seq != state.Shown + 1)
            return false;
        return DuplicateFilter.IsUnseen(state, chat.Id.Seq) && !Verifier.IsCached(chat);
    }
}
