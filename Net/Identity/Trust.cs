// What trust on first use says about a (name, key) pair: KnownPeers.Check's verdict.
namespace P2PChat.Net.Identity;

internal enum Trust
{
    /// <summary>First time this name (or any name with its skeleton) is seen: the pair is now remembered.</summary>
    New,
    /// <summary>This name, or one with its skeleton, came with this key before.</summary>
    Known,
    /// <summary>This name, or one with its skeleton, came with another key before: a different person, or the same
    /// person with a new identity. The pair is now remembered, so it is flagged once.</summary>
    Changed,
}
