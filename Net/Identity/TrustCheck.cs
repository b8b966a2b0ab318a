// KnownPeers.Check's answer: the verdict, and for Changed the key the name was last seen with (for the warning).
namespace P2PChat.Net.Identity;

internal readonly record struct TrustCheck(Trust Trust, byte[]? PreviousKey = null, string? PreviousName = null);
