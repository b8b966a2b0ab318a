// What IdentityStore.LoadOrCreate found: the 32-byte Ed25519 seed, where it lives, and whether it was made just now
// (so the caller can say "created a new identity in ...").
namespace P2PChat.Net.Identity;

internal sealed record LoadedIdentity(byte[] Seed, string Path, bool Created);
