// Remembers signatures already found valid, so the same signature over the same message by the same key is checked
// once: by SHA-256 of key, message and signature (about a microsecond) instead of an Ed25519 verification (about a
// hundred). A node checks each announcement and line batch once anyway, so in a real process this saves little; it
// matters where many nodes share a process (the simulator hands one memo to all its nodes, which makes a seed's N
// nodes verify each signature once instead of N times). Bounded: the oldest entries are forgotten first.
using P2PChat.Net.Crypto;

namespace P2PChat.Net;

internal sealed class SignatureMemo(int capacity = SignatureMemo.DefaultCapacity)
{
    public const int DefaultCapacity = 4096;

    private readonly Sha256Hasher _hasher = new();
    private readonly HashSet<(ulong, ulong, ulong, ulong)> _valid = [];
    private readonly Queue<(ulong, ulong, ulong, ulong)> _age = new();

    /// <summary>Ed25519 verifications actually run (memo misses).</summary>
    public long Checked { get; private set; }

    public bool Verify(ReadOnlySpan<byte> key, ReadOnlySpan<byte> message, ReadOnlySpan<byte> signature)
    {
        Span<byte> digest = stackalloc byte[Sha256Hasher.Size];
        _hasher.Append(key);
        _hasher.Append(message);
        _hasher.Append(signature);
        _hasher.Finish(digest);
        var id = (BitConverter.ToUInt64(digest), BitConverter.ToUInt64(digest[8..]), BitConverter.ToUInt64(digest[16..]), BitConverter.ToUInt64(digest[24..]));
        if (_valid.Contains(id))
            return true;
        Checked++;
        if (!IdentityKey.Verify(key, message, signature))
            return false;
        if (_valid.Count >= capacity)
            _valid.Remove(_age.Dequeue());
        _valid.Add(id);
        _age.Enqueue(id);
        return true;
    }
}
