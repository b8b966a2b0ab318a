// The encrypted link after a Noise handshake: one CipherState per direction, empty associated data, nonces counting up
// from zero. A record that was replayed, reordered, truncated or modified fails Open. Allocation-free.
namespace P2PChat.Net.Crypto;

internal sealed class NoiseTransport
{
    public const int TagSize = ChaChaPoly.TagSize, MaxPlaintext = NoiseHandshake.MaxMessage - TagSize;

    private readonly CipherState _send;
    private readonly CipherState _receive;

    internal NoiseTransport(CipherState send, CipherState receive)
    {
        _send = send;
        _receive = receive;
    }

    /// <summary>Writes ciphertext and tag (plaintext.Length + 16 bytes) and returns that length. output may start at
    /// plaintext (in place). InvalidOperationException once 2^64-1 records were sent: the link must be renewed.</summary>
    public int Seal(ReadOnlySpan<byte> plaintext, Span<byte> output)
    {
        if (plaintext.Length > MaxPlaintext)
            throw new ArgumentException($"a record carries at most {MaxPlaintext} bytes", nameof(plaintext));
        if (_send.IsExhausted)
            throw new InvalidOperationException("this link has used all its nonces");
        return _send.EncryptWithAd(default, plaintext, output);
    }

    /// <summary>False, with nothing written and the expected nonce unchanged, for a record that is not the next one
    /// from the peer unaltered, is longer than a Noise message, or whose plaintext would not fit in
    /// <paramref name="plaintext"/>. plaintext may start at ciphertext (in place).</summary>
    public bool Open(ReadOnlySpan<byte> ciphertext, Span<byte> plaintext, out int written)
    {
        written = 0;
        if (ciphertext.Length > NoiseHandshake.MaxMessage || ciphertext.Length < TagSize
            || plaintext.Length < ciphertext.Length - TagSize)
            return false;
        return _receive.DecryptWithAd(default, ciphertext, plaintext, out written);
    }
}
