// Noise's SymmetricState (spec rev 34, section 5.2) with SHA-256: the chaining key ck, the handshake hash h, and the
// CipherState their HKDF outputs key. Every handshake token goes through here.
namespace P2PChat.Net.Crypto;

internal sealed class SymmetricState
{
    public const int HashSize = Sha256Hasher.Size;

    private readonly Sha256Hasher _hasher = new();
    private readonly byte[] _chainingKey = new byte[HashSize];
    private readonly byte[] _hash = new byte[HashSize];
    private readonly CipherState _cipher = new();

    public SymmetricState(ReadOnlySpan<byte> protocolName)
    {
        // A name of up to 32 bytes is zero-padded into h; a longer one is hashed.
        if (protocolName.Length <= HashSize)
            protocolName.CopyTo(_hash);
        else
            Sha256Hasher.Hash(protocolName, _hash);
        _hash.CopyTo(_chainingKey, 0);
    }

    public ReadOnlySpan<byte> Hash => _hash;

    public bool HasKey => _cipher.HasKey;

    public void MixKey(ReadOnlySpan<byte> inputKeyMaterial)
    {
        Span<byte> key = stackalloc byte[HashSize];
        Hkdf(inputKeyMaterial, _chainingKey, key, default);
        _cipher.InitializeKey(key);
        key.Clear();
    }

    public void MixHash(ReadOnlySpan<byte> data)
    {
        _hasher.Append(_hash);
        _hasher.Append(data);
        _hasher.Finish(_hash);
    }

    /// <summary>For the psk token: the key material goes into ck, h and the cipher key.</summary>
    public void MixKeyAndHash(ReadOnlySpan<byte> inputKeyMaterial)
    {
        Span<byte> forHash = stackalloc byte[HashSize];
        Span<byte> key = stackalloc byte[HashSize];
        Hkdf(inputKeyMaterial, _chainingKey, forHash, key);
        MixHash(forHash);
        _cipher.InitializeKey(key);
        forHash.Clear();
        key.Clear();
    }

    public int EncryptAndHash(ReadOnlySpan<byte> plaintext, Span<byte> output)
    {
        int written = _cipher.EncryptWithAd(_hash, plaintext, output);
        MixHash(output[..written]);
        return written;
    }

    public bool DecryptAndHash(ReadOnlySpan<byte> ciphertext, Span<byte> output, out int written)
    {
        if (!_cipher.DecryptWithAd(_hash, ciphertext, output, out written))
            return false;
        MixHash(ciphertext);
        return true;
    }

    /// <summary>The two transport keys (the initiator sends with the first); ck is wiped afterwards.</summary>
    public void Split(Span<byte> first32, Span<byte> second32)
    {
        Hkdf(default, first32, second32, default);
        Array.Clear(_chainingKey);
    }

    /// <summary>Noise's HKDF(ck, ikm) with HMAC-SHA256: temp = HMAC(ck, ikm), out1 = HMAC(temp, 0x01),
    /// out2 = HMAC(temp, out1 || 0x02), out3 = HMAC(temp, out2 || 0x03) when asked for. out1 may be ck itself.</summary>
    private void Hkdf(ReadOnlySpan<byte> inputKeyMaterial, Span<byte> out1, Span<byte> out2, Span<byte> out3)
    {
        Span<byte> temp = stackalloc byte[HashSize];
        Span<byte> counter = stackalloc byte[1];
        HmacSha256.Compute(_hasher, _chainingKey, inputKeyMaterial, default, temp);
        counter[0] = 1;
        HmacSha256.Compute(_hasher, temp, counter, default, out1);
        counter[0] = 2;
        HmacSha256.Compute(_hasher, temp, out1, counter, out2);
        if (!out3.IsEmpty)
        {
            counter[0] = 3;
            HmacSha256.Compute(_hasher, temp, out2, counter, out3);
        }
        temp.Clear();
    }
}
