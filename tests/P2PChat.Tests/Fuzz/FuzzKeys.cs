// Identities for fuzz cases: Ed25519 key pairs made once per process from fixed seeds (key generation is the
// dearest part of a case), wrapped per case in NodeKeys whose epoch, Noise static key and ephemerals come from the
// case's own Random, so a case stays a pure function of its seed whichever cases ran before it.
using P2PChat.Net;
using P2PChat.Net.Crypto;

namespace P2PChat.Tests.Fuzz;

internal static class FuzzKeys
{
    public const int Identities = 8;

    private static readonly Lazy<IdentityKey>[] Pool = [.. Enumerable.Range(0, Identities).Select(i =>
        new Lazy<IdentityKey>(() => IdentityKey.Generate(new SeededRandomSource(new Random(7919 * (i + 1))))))];

    /// <summary>Keys for identity <paramref name="index"/>, with a fresh epoch and Noise keys from <paramref name="r"/>.</summary>
    public static NodeKeys For(int index, Random r, string? roomSecret = null) =>
        new(Pool[index].Value, new SeededRandomSource(new Random(r.Next())),
            roomSecret is null ? default : System.Text.Encoding.UTF8.GetBytes(roomSecret));
}
