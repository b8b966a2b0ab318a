// SHA-256 (FIPS 180-4) over our own compression function (Sha256Block): the BCL's SHA256 is OpenSSL, and
// BouncyCastle's managed Sha256Digest was the largest cost per chat line (each line is a Merkle leaf and about one node
// per hop). One instance is reused for many hashes and allocates nothing after construction.
using System.Buffers.Binary;

namespace P2PChat.Net.Crypto;

internal sealed class Sha256Hasher
{
    public const int Size = 32;

    public const int BlockSize = Sha256Block.Size;

    [ThreadStatic]
    private static Sha256Hasher? t_shared;

    private readonly uint[] _state = new uint[8];
    // A partial block waiting for more input; _buffered bytes of it are in use.
    private readonly byte[] _buffer = new byte[BlockSize];
    private int _buffered;
    private ulong _length; // bytes appended since the last Finish

    public Sha256Hasher() => Reset();

    public void Append(ReadOnlySpan<byte> data)
    {
        _length += (ulong)data.Length;
        if (_buffered > 0)
        {
            int take = Math.Min(BlockSize - _buffered, data.Length);
            data[..take].CopyTo(_buffer.AsSpan(_buffered));
            _buffered += take;
            data = data[take..];
            if (_buffered < BlockSize)
                return;
            Sha256Block.Compress(_state, _buffer);
            _buffered = 0;
        }
        int done = Sha256Block.Compress(_state, data);
        data[done..].CopyTo(_buffer);
        _buffered = data.Length - done;
    }

    /// <summary>Writes the hash of everything appended since the last Finish and starts over.</summary>
    public void Finish(Span<byte> hash32)
    {
        if (hash32.Length < Size)
            throw new ArgumentException($"the hash needs {Size} bytes", nameof(hash32));
        // Padding (FIPS 180-4 section 5.1.1): a 1 bit, zeros up to 56 bytes into a block, the length in bits.
        Span<byte> buffer = _buffer;
        buffer[_buffered] = 0x80;
        if (_buffered + 1 > BlockSize - 8)
        {
            buffer[(_buffered + 1)..].Clear();
            Sha256Block.Compress(_state, buffer);
            buffer[..(BlockSize - 8)].Clear();
        }
        else
        {
            buffer[(_buffered + 1)..(BlockSize - 8)].Clear();
        }
        BinaryPrimitives.WriteUInt64BigEndian(buffer[(BlockSize - 8)..], _length * 8);
        Sha256Block.Compress(_state, buffer);
        for (int i = 0; i < 8; i++)
            BinaryPrimitives.WriteUInt32BigEndian(hash32[(4 * i)..], _state[i]);
        buffer.Clear(); // the message's last bytes (an HMAC key pad, say) do not outlive the hash
        Reset();
    }

    public static void Hash(ReadOnlySpan<byte> data, Span<byte> hash32)
    {
        if (hash32.Length < Size)
            throw new ArgumentException($"the hash needs {Size} bytes", nameof(hash32));
        var hasher = ForThisThread;
        hasher.Append(data);
        hasher.Finish(hash32);
    }

    /// <summary>This thread's own hasher, for a hash taken in one go: Appends then Finish, with no other use of it in
    /// between (nothing that hashes on this thread may run between them).</summary>
    public static Sha256Hasher ForThisThread => t_shared ??= new Sha256Hasher();

    private void Reset()
    {
        Sha256Block.Initialize(_state);
        _buffered = 0;
        _length = 0;
    }
}
