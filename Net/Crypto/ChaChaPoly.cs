// ChaCha20-Poly1305 AEAD (RFC 8439 section 2.8) for one key, with Noise's nonce layout: four zero bytes, then a 64-bit
// counter little-endian. Allocation-free per message; a bad tag is a false return, never an exception.
using System.Buffers.Binary;
using System.Runtime.Intrinsics;

namespace P2PChat.Net.Crypto;

internal sealed class ChaChaPoly
{
    public const int KeySize = 32, TagSize = 16;

    private readonly uint[] _key = new uint[8];

    public ChaChaPoly(ReadOnlySpan<byte> key32)
    {
        if (key32.Length != KeySize)
            throw new ArgumentException($"a ChaCha20-Poly1305 key is {KeySize} bytes", nameof(key32));
        for (int i = 0; i < _key.Length; i++)
            _key[i] = BinaryPrimitives.ReadUInt32LittleEndian(key32[(4 * i)..]);
    }

    /// <summary>Writes ciphertext then tag; returns plaintext.Length + 16. output may start at plaintext (in place)
    /// but must not overlap it otherwise.</summary>
    public int Seal(ulong nonce, ReadOnlySpan<byte> associatedData, ReadOnlySpan<byte> plaintext, Span<byte> output) =>
        Seal(0, (uint)nonce, (uint)(nonce >> 32), associatedData, plaintext, output);

    /// <summary>False on a bad tag or a ciphertext shorter than the tag; output is then untouched. output may start at
    /// ciphertext (in place) but must not overlap it otherwise.</summary>
    public bool Open(ulong nonce, ReadOnlySpan<byte> associatedData, ReadOnlySpan<byte> ciphertext, Span<byte> output,
        out int written) =>
        Open(0, (uint)nonce, (uint)(nonce >> 32), associatedData, ciphertext, output, out written);

    /// <summary>A tag over <paramref name="first"/> and <paramref name="second"/> with nothing encrypted: the AEAD's
    /// tag with the first as associated data and the second in the ciphertext's place (lengths included, so the split
    /// between them is bound). A one-time Poly1305 key per nonce, as in Seal: never tag two messages under one nonce.</summary>
    public void Mac(ulong nonce, ReadOnlySpan<byte> first, ReadOnlySpan<byte> second, Span<byte> tag)
    {
        var mac = OneTimeMac(0, (uint)nonce, (uint)(nonce >> 32));
        Authenticate(ref mac, first, second, tag[..TagSize]);
    }

    /// <summary>Whether <paramref name="tag"/> is Mac's tag of the two parts, compared in fixed time.</summary>
    public bool CheckMac(ulong nonce, ReadOnlySpan<byte> first, ReadOnlySpan<byte> second, ReadOnlySpan<byte> tag)
    {
        Span<byte> expected = stackalloc byte[TagSize];
        Mac(nonce, first, second, expected);
        return FixedTimeEquals(expected, tag);
    }

    /// <summary>RFC 8439's general 96-bit nonce as three little-endian words (for its test vectors).</summary>
    internal int Seal(uint nonce0, uint nonce1, uint nonce2, ReadOnlySpan<byte> associatedData,
        ReadOnlySpan<byte> plaintext, Span<byte> output)
    {
        if (output.Length < plaintext.Length + TagSize)
            throw new ArgumentException("the output has no room for the ciphertext and tag", nameof(output));
        CheckOverlap(plaintext, output);
        Span<byte> head = stackalloc byte[HeadSize];
        var mac = Start(nonce0, nonce1, nonce2, plaintext.Length, head);
        var ciphertext = output[..plaintext.Length];
        Crypt(head, nonce0, nonce1, nonce2, plaintext, ciphertext);
        Authenticate(ref mac, associatedData, ciphertext, output.Slice(plaintext.Length, TagSize));
        return plaintext.Length + TagSize;
    }

    internal bool Open(uint nonce0, uint nonce1, uint nonce2, ReadOnlySpan<byte> associatedData,
        ReadOnlySpan<byte> ciphertext, Span<byte> output, out int written)
    {
        written = 0;
        if (ciphertext.Length < TagSize)
            return false;
        int length = ciphertext.Length - TagSize;
        if (output.Length < length)
            throw new ArgumentException("the output is shorter than the plaintext", nameof(output));
        CheckOverlap(ciphertext, output);
        Span<byte> head = stackalloc byte[HeadSize];
        var mac = Start(nonce0, nonce1, nonce2, length, head);
        Span<byte> tag = stackalloc byte[TagSize];
        Authenticate(ref mac, associatedData, ciphertext[..length], tag);
        if (!FixedTimeEquals(tag, ciphertext[length..]))
        {
            head.Clear();
            return false;
        }
        Crypt(head, nonce0, nonce1, nonce2, ciphertext[..length], output);
        written = length;
        return true;
    }

    /// <summary>Keystream blocks 0-3 of a message: block 0 gives the Poly1305 key, blocks 1-3 its first 192 bytes.
    /// Made together (one four-block pass where vectors allow, the cost of about one scalar block), where the key
    /// block and the message's first blocks were made apart: a chat record of ~500 bytes took six scalar blocks.</summary>
    private const int HeadSize = 4 * ChaCha20.BlockSize;

    /// <summary>The message's Poly1305, and in <paramref name="head"/> the keystream the first bytes of a message of
    /// <paramref name="length"/> bytes need (the blocks past it are not made).</summary>
    private Poly1305 Start(uint nonce0, uint nonce1, uint nonce2, int length, Span<byte> head)
    {
        int blocks = 1 + Math.Min(3, (length + ChaCha20.BlockSize - 1) / ChaCha20.BlockSize);
        ChaCha20.Keystream(_key, 0, nonce0, nonce1, nonce2, head[..(blocks * ChaCha20.BlockSize)]);
        var mac = new Poly1305(head[..Poly1305.KeySize]);
        head[..ChaCha20.BlockSize].Clear();
        return mac;
    }

    /// <summary>output = input XOR the message's keystream: its first 192 bytes from <paramref name="head"/> (wiped
    /// after), the rest from block 4 on.</summary>
    private void Crypt(Span<byte> head, uint nonce0, uint nonce1, uint nonce2, ReadOnlySpan<byte> input, Span<byte> output)
    {
        int first = Math.Min(input.Length, HeadSize - ChaCha20.BlockSize);
        ChaCha20.XorBytes(input[..first], head[ChaCha20.BlockSize..], output);
        head.Clear();
        if (input.Length > first)
            ChaCha20.Xor(_key, 4, nonce0, nonce1, nonce2, input[first..], output[first..]);
    }

    private Poly1305 OneTimeMac(uint nonce0, uint nonce1, uint nonce2)
    {
        Span<byte> block = stackalloc byte[ChaCha20.BlockSize];
        ChaCha20.Block(_key, 0, nonce0, nonce1, nonce2, block);
        var mac = new Poly1305(block[..Poly1305.KeySize]);
        block.Clear();
        return mac;
    }

    private static void Authenticate(ref Poly1305 mac, ReadOnlySpan<byte> associatedData, ReadOnlySpan<byte> ciphertext,
        Span<byte> tag)
    {
        Span<byte> lengths = stackalloc byte[16];
        BinaryPrimitives.WriteUInt64LittleEndian(lengths, (ulong)associatedData.Length);
        BinaryPrimitives.WriteUInt64LittleEndian(lengths[8..], (ulong)ciphertext.Length);
        mac.AppendZeroPadded(associatedData);
        mac.AppendZeroPadded(ciphertext);
        mac.AppendZeroPadded(lengths);
        mac.Finish(tag);
    }

    private static void CheckOverlap(ReadOnlySpan<byte> input, Span<byte> output)
    {
        if (input.Overlaps(output, out int offset) && offset != 0)
            throw new ArgumentException("input and output overlap at different offsets", nameof(output));
    }

    // Every byte is compared whatever the earlier ones were, so the time taken says nothing about where a forged tag
    // went wrong. (CryptographicOperations.FixedTimeEquals would do, but nothing from System.Security.Cryptography.)
    // The two tags are XORed as vectors and the two halves of the difference ORed: no branch on any byte. A byte loop
    // compiled without optimization (so no compiler could make it stop early) took ~1,100 instructions a comparison,
    // two for each line a reader gets (its record, its tag).
    private static bool FixedTimeEquals(ReadOnlySpan<byte> a, ReadOnlySpan<byte> b)
    {
        if (a.Length != TagSize || b.Length != TagSize)
            return false; // lengths are public
        Vector128<ulong> difference = (Vector128.Create(a) ^ Vector128.Create(b)).AsUInt64();
        return (difference.GetElement(0) | difference.GetElement(1)) == 0;
    }
}
