// How a public key is shown to people: a short tag after a name when two members share a name or a skeleton
// (alice#3f2a), and the whole key in groups of four hex digits for :whois, to compare out of band.
namespace P2PChat.Net.Identity;

internal static class Fingerprint
{
    public const int PublicKeySize = 32;

    /// <summary>The short tag: '#' and the first 4 hex digits of the key, e.g. #3f2a.</summary>
    public static string Short(ReadOnlySpan<byte> publicKey)
    {
        CheckSize(publicKey);
        return "#" + Convert.ToHexStringLower(publicKey[..2]);
    }

    /// <summary>A name with its short tag, e.g. alice#3f2a.</summary>
    public static string Label(string name, ReadOnlySpan<byte> publicKey) => name + Short(publicKey);

    /// <summary>All 32 bytes as 16 groups of 4 hex digits separated by spaces: `3f2a 91c0 ...` (79 characters).</summary>
    public static string Long(ReadOnlySpan<byte> publicKey)
    {
        CheckSize(publicKey);
        string hex = Convert.ToHexStringLower(publicKey);
        return string.Create(hex.Length + hex.Length / 4 - 1, hex, static (span, hex) =>
        {
            for (int group = 0, at = 0; group < hex.Length / 4; group++)
            {
                if (group > 0)
                    span[at++] = ' ';
                hex.AsSpan(group * 4, 4).CopyTo(span[at..]);
                at += 4;
            }
        });
    }

    private static void CheckSize(ReadOnlySpan<byte> publicKey)
    {
        if (publicKey.Length != PublicKeySize)
            throw new ArgumentException($"a public key is {PublicKeySize} bytes, not {publicKey.Length}", nameof(publicKey));
    }
}
