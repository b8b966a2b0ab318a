// Noise's CipherState (spec rev 34, section 5.1): a key, or none yet, and the 64-bit nonce that counts its messages.
// Without a key, "encryption" copies; the nonce 2^64-1 is never used, so the state is spent just before it.
namespace P2PChat.Net.Crypto;

internal sealed class CipherState
{
    public const int TagSize = ChaChaPoly.TagSize;

    private ChaChaPoly? _cipher; // null until InitializeKey
    private ulong _nonce;        // the next message's nonce; ulong.MaxValue means exhausted

    public bool HasKey => _cipher is not null;

    public bool IsExhausted => _nonce == ulong.MaxValue;

    public void InitializeKey(ReadOnlySpan<byte> key32)
    {
        _cipher = new ChaChaPoly(key32);
        _nonce = 0;
    }

    /// <summary>Returns the bytes written: plaintext.Length, plus the tag once there is a key.</summary>
    public int EncryptWithAd(ReadOnlySpan<byte> associatedData, ReadOnlySpan<byte> plaintext, Span<byte> output)
    {
        if (_cipher is null)
        {
            plaintext.CopyTo(output);
            return plaintext.Length;
        }
        if (IsExhausted)
            throw new InvalidOperationException("this cipher state has used all its nonces");
        int written = _cipher.Seal(_nonce, associatedData, plaintext, output);
        _nonce++;
        return written;
    }

    /// <summary>False on a bad tag (the nonce then stays where it was) or an exhausted state.</summary>
    public bool DecryptWithAd(ReadOnlySpan<byte> associatedData, ReadOnlySpan<byte> ciphertext, Span<byte> output,
        out int written)
    {
        if (_cipher is null)
        {
            ciphertext.CopyTo(output);
            written = ciphertext.Length;
            return true;
        }
        if (IsExhausted || !_cipher.Open(_nonce, associatedData, ciphertext, output, out written))
        {
            written = 0;
            return false;
        }
        _nonce++;
        return true;
    }

    /// <summary>For tests of the exhaustion rule.</summary>
    internal void SetNonce(ulong nonce) => _nonce = nonce;
}
