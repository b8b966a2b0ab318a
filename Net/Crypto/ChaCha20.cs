// The ChaCha20 stream cipher (RFC 8439 section 2.4), written here because BouncyCastle's needs parameter objects per
// message. One block per 128-bit vector row (diagonals by lane shuffles); two blocks at once where 256-bit vectors are
// accelerated. Little-endian targets only (x64, arm64), as the rest of the program.
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace P2PChat.Net.Crypto;

internal static class ChaCha20
{
    public const int KeySize = 32, BlockSize = 64;

    /// <summary>output = input XOR keystream(key, counter, nonce). The nonce is the last three state words (RFC 8439's
    /// 96-bit nonce read as three little-endian words). input and output may be the same memory but must not
    /// overlap otherwise.</summary>
    public static void Xor(ReadOnlySpan<uint> key, uint counter, uint nonce0, uint nonce1, uint nonce2,
        ReadOnlySpan<byte> input, Span<byte> output)
    {
        if (key.Length != 8)
            throw new ArgumentException("a ChaCha20 key is 8 words", nameof(key));
        if (output.Length < input.Length)
            throw new ArgumentException("the output is shorter than the input", nameof(output));

        var constants = Vector128.Create(0x61707865u, 0x3320646eu, 0x79622d32u, 0x6b206574u);
        var key0 = Vector128.Create(key[0], key[1], key[2], key[3]);
        var key1 = Vector128.Create(key[4], key[5], key[6], key[7]);
        var row3 = Vector128.Create(counter, nonce0, nonce1, nonce2);
        var one = Vector128.Create(1u, 0u, 0u, 0u);
        int offset = 0;

        if (Vector256.IsHardwareAccelerated)
        {
            var two = Vector256.Create(2u, 0u, 0u, 0u, 2u, 0u, 0u, 0u);
            var c = Vector256.Create(constants, constants);
            var k0 = Vector256.Create(key0, key0);
            var k1 = Vector256.Create(key1, key1);
            var r3 = Vector256.Create(row3, row3 + one);
            while (input.Length - offset >= 2 * BlockSize)
            {
                TwoBlocks(c, k0, k1, r3, out var a, out var b, out var cc, out var d);
                XorTwo(Vector256.Create(a.GetLower(), b.GetLower()), Vector256.Create(cc.GetLower(), d.GetLower()),
                    input.Slice(offset, BlockSize), output.Slice(offset, BlockSize));
                XorTwo(Vector256.Create(a.GetUpper(), b.GetUpper()), Vector256.Create(cc.GetUpper(), d.GetUpper()),
                    input.Slice(offset + BlockSize, BlockSize), output.Slice(offset + BlockSize, BlockSize));
                r3 += two;
                offset += 2 * BlockSize;
            }
            row3 = r3.GetLower();
        }

        while (input.Length - offset >= BlockSize)
        {
            OneBlock(constants, key0, key1, row3, out var a, out var b, out var c, out var d);
            XorRow(a, input.Slice(offset, 16), output.Slice(offset, 16));
            XorRow(b, input.Slice(offset + 16, 16), output.Slice(offset + 16, 16));
            XorRow(c, input.Slice(offset + 32, 16), output.Slice(offset + 32, 16));
            XorRow(d, input.Slice(offset + 48, 16), output.Slice(offset + 48, 16));
            row3 += one;
            offset += BlockSize;
        }

        if (offset < input.Length)
        {
            // The last, partial block: keystream to the stack, then byte by byte.
            OneBlock(constants, key0, key1, row3, out var a, out var b, out var c, out var d);
            Span<byte> stream = stackalloc byte[BlockSize];
            a.AsByte().CopyTo(stream);
            b.AsByte().CopyTo(stream[16..]);
            c.AsByte().CopyTo(stream[32..]);
            d.AsByte().CopyTo(stream[48..]);
            for (int i = offset; i < input.Length; i++)
                output[i] = (byte)(input[i] ^ stream[i - offset]);
            stream.Clear();
        }
    }

    /// <summary>The raw 64-byte keystream block (RFC 8439 section 2.3), e.g. for the Poly1305 one-time key.</summary>
    public static void Block(ReadOnlySpan<uint> key, uint counter, uint nonce0, uint nonce1, uint nonce2,
        Span<byte> output64)
    {
        if (output64.Length < BlockSize)
            throw new ArgumentException("a block is 64 bytes", nameof(output64));
        output64[..BlockSize].Clear();
        Xor(key, counter, nonce0, nonce1, nonce2, output64[..BlockSize], output64);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void XorRow(Vector128<uint> stream, ReadOnlySpan<byte> input, Span<byte> output) =>
        (stream.AsByte() ^ Vector128.Create(input)).CopyTo(output);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void XorTwo(Vector256<uint> low, Vector256<uint> high, ReadOnlySpan<byte> input64, Span<byte> output64)
    {
        (low.AsByte() ^ Vector256.Create(input64[..32])).CopyTo(output64);
        (high.AsByte() ^ Vector256.Create(input64[32..])).CopyTo(output64[32..]);
    }

    private static void OneBlock(Vector128<uint> r0, Vector128<uint> r1, Vector128<uint> r2, Vector128<uint> r3,
        out Vector128<uint> a, out Vector128<uint> b, out Vector128<uint> c, out Vector128<uint> d)
    {
        a = r0;
        b = r1;
        c = r2;
        d = r3;
        for (int i = 0; i < 10; i++)
        {
            // Column round: each lane is one column's quarter round.
            a += b; d ^= a; d = Rotate16(d);
            c += d; b ^= c; b = Rotate(b, 12);
            a += b; d ^= a; d = Rotate8(d);
            c += d; b ^= c; b = Rotate(b, 7);
            // Diagonal round: rotate rows 1-3 so that the diagonals line up as columns, then back.
            b = Vector128.Shuffle(b, Vector128.Create(1u, 2u, 3u, 0u));
            c = Vector128.Shuffle(c, Vector128.Create(2u, 3u, 0u, 1u));
            d = Vector128.Shuffle(d, Vector128.Create(3u, 0u, 1u, 2u));
            a += b; d ^= a; d = Rotate16(d);
            c += d; b ^= c; b = Rotate(b, 12);
            a += b; d ^= a; d = Rotate8(d);
            c += d; b ^= c; b = Rotate(b, 7);
            b = Vector128.Shuffle(b, Vector128.Create(3u, 0u, 1u, 2u));
            c = Vector128.Shuffle(c, Vector128.Create(2u, 3u, 0u, 1u));
            d = Vector128.Shuffle(d, Vector128.Create(1u, 2u, 3u, 0u));
        }
        a += r0;
        b += r1;
        c += r2;
        d += r3;
    }

    private static void TwoBlocks(Vector256<uint> r0, Vector256<uint> r1, Vector256<uint> r2, Vector256<uint> r3,
        out Vector256<uint> a, out Vector256<uint> b, out Vector256<uint> c, out Vector256<uint> d)
    {
        a = r0;
        b = r1;
        c = r2;
        d = r3;
        for (int i = 0; i < 10; i++)
        {
            a += b; d ^= a; d = Rotate(d, 16);
            c += d; b ^= c; b = Rotate(b, 12);
            a += b; d ^= a; d = Rotate(d, 8);
            c += d; b ^= c; b = Rotate(b, 7);
            b = Vector256.Shuffle(b, Vector256.Create(1u, 2u, 3u, 0u, 5u, 6u, 7u, 4u));
            c = Vector256.Shuffle(c, Vector256.Create(2u, 3u, 0u, 1u, 6u, 7u, 4u, 5u));
            d = Vector256.Shuffle(d, Vector256.Create(3u, 0u, 1u, 2u, 7u, 4u, 5u, 6u));
            a += b; d ^= a; d = Rotate(d, 16);
            c += d; b ^= c; b = Rotate(b, 12);
            a += b; d ^= a; d = Rotate(d, 8);
            c += d; b ^= c; b = Rotate(b, 7);
            b = Vector256.Shuffle(b, Vector256.Create(3u, 0u, 1u, 2u, 7u, 4u, 5u, 6u));
            c = Vector256.Shuffle(c, Vector256.Create(2u, 3u, 0u, 1u, 6u, 7u, 4u, 5u));
            d = Vector256.Shuffle(d, Vector256.Create(1u, 2u, 3u, 0u, 5u, 6u, 7u, 4u));
        }
        a += r0;
        b += r1;
        c += r2;
        d += r3;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector128<uint> Rotate(Vector128<uint> v, int bits) =>
        Vector128.ShiftLeft(v, bits) | Vector128.ShiftRightLogical(v, 32 - bits);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<uint> Rotate(Vector256<uint> v, int bits) =>
        Vector256.ShiftLeft(v, bits) | Vector256.ShiftRightLogical(v, 32 - bits);

    // Rotations by whole bytes are byte shuffles (one pshufb / tbl instead of two shifts and an or).
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector128<uint> Rotate16(Vector128<uint> v) => Vector128.Shuffle(v.AsByte(),
        Vector128.Create((byte)2, 3, 0, 1, 6, 7, 4, 5, 10, 11, 8, 9, 14, 15, 12, 13)).AsUInt32();

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector128<uint> Rotate8(Vector128<uint> v) => Vector128.Shuffle(v.AsByte(),
        Vector128.Create((byte)3, 0, 1, 2, 7, 4, 5, 6, 11, 8, 9, 10, 15, 12, 13, 14)).AsUInt32();
}
