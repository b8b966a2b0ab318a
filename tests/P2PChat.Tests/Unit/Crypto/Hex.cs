// Hex strings to bytes and back for the crypto tests' published vectors.
namespace P2PChat.Tests.Crypto;

internal static class Hex
{
    public static byte[] Bytes(string hex) => Convert.FromHexString(hex);

    public static string Of(ReadOnlySpan<byte> bytes) => Convert.ToHexStringLower(bytes);
}
