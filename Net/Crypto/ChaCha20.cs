// The ChaCha20 stream cipher (RFC 8439 section 2.4), written here because BouncyCastle's needs parameter objects per
// message. Four blocks at once, one per lane of sixteen 128-bit vectors (word i of four blocks in vector i), which
// needs no shuffles at all: the rounds are the scalar ones on vectors, and the keystream comes out by a 4x4 transpose
// of each row of words (SSE2 unpack, arm64 zip), XORed 16 bytes at a time (read out lane by lane and XORed word by
// word, it was a third of the cipher's time). Four blocks cost about what one scalar block does, so any run of two or
// more blocks, tails included, is made four at a time; sixteen scalar words serve a single block (measured faster
// than one block per vector row, whose lane shuffles the JIT did not compile well) and machines without vectors.
// 128-bit because native AOT compiles for a baseline instruction set (x86-64-v2 here: up to SSE4.2, no AVX; AdvSimd on
// arm64), where Vector256 is not accelerated.
using System.Buffers.Binary;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.Arm;
using System.Runtime.Intrinsics.X86;

namespace P2PChat.Net.Crypto;

internal static class ChaCha20
{
    public const int KeySize = 32, BlockSize = 64;

    private const uint Sigma0 = 0x61707865, Sigma1 = 0x3320646e, Sigma2 = 0x79622d32, Sigma3 = 0x6b206574;

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

        Span<byte> stream = stackalloc byte[Lanes * BlockSize];
        int offset = 0;
        if (Vector128.IsHardwareAccelerated && CanTranspose)
        {
            Span<uint> words = stackalloc uint[16 * Lanes];
            while (input.Length - offset >= Lanes * BlockSize)
            {
                FourBlocks(key, counter, nonce0, nonce1, nonce2, words);
                // Words 4r..4r+3 of the four blocks, transposed: row r of each block, XORed 16 bytes at a time.
                for (int row = 0; row < 4; row++)
                {
                    Transpose(words, row, out var block0, out var block1, out var block2, out var block3);
                    int at = offset + 16 * row;
                    XorInto(block0, input, output, at);
                    XorInto(block1, input, output, at + BlockSize);
                    XorInto(block2, input, output, at + 2 * BlockSize);
                    XorInto(block3, input, output, at + 3 * BlockSize);
                }
                counter += Lanes;
                offset += Lanes * BlockSize;
            }
            words.Clear();
        }
        // The tail (or all, without vectors): its keystream, then XOR. A tail of two to four blocks is one FourBlocks
        // (the cost of about one scalar block) rather than a scalar block each.
        while (offset < input.Length)
        {
            int take = Math.Min(input.Length - offset, stream.Length);
            int blocks = (take + BlockSize - 1) / BlockSize;
            Keystream(key, counter, nonce0, nonce1, nonce2, stream[..(blocks * BlockSize)]);
            XorBytes(input.Slice(offset, take), stream, output.Slice(offset, take));
            counter += (uint)blocks;
            offset += take;
        }
        stream.Clear();
    }

    /// <summary>The keystream of blocks counter, counter + 1, ... into <paramref name="output"/>: a whole number of
    /// blocks, at most four. Two or more are made four at once where vectors allow (the spare ones unused).</summary>
    public static void Keystream(ReadOnlySpan<uint> key, uint counter, uint nonce0, uint nonce1, uint nonce2, Span<byte> output)
    {
        if (output.Length % BlockSize != 0 || output.Length > Lanes * BlockSize)
            throw new ArgumentException("a whole number of blocks, at most four", nameof(output));
        int blocks = output.Length / BlockSize;
        if (blocks >= 2 && Vector128.IsHardwareAccelerated && CanTranspose)
        {
            Span<uint> words = stackalloc uint[16 * Lanes];
            FourBlocks(key, counter, nonce0, nonce1, nonce2, words);
            for (int row = 0; row < 4; row++)
            {
                Transpose(words, row, out var block0, out var block1, out var block2, out var block3);
                block0.AsByte().CopyTo(output[(16 * row)..]);
                block1.AsByte().CopyTo(output[(BlockSize + 16 * row)..]);
                if (blocks > 2)
                    block2.AsByte().CopyTo(output[(2 * BlockSize + 16 * row)..]);
                if (blocks > 3)
                    block3.AsByte().CopyTo(output[(3 * BlockSize + 16 * row)..]);
            }
            words.Clear();
            return;
        }
        for (int block = 0; block < blocks; block++)
            Block(key, counter + (uint)block, nonce0, nonce1, nonce2, output[(block * BlockSize)..]);
    }

    /// <summary>output = input XOR stream, over input's length (stream at least as long).</summary>
    public static void XorBytes(ReadOnlySpan<byte> input, ReadOnlySpan<byte> stream, Span<byte> output)
    {
        int i = 0;
        for (; i + 16 <= input.Length; i += 16)
            (Vector128.Create(input.Slice(i, 16)) ^ Vector128.Create(stream.Slice(i, 16))).CopyTo(output.Slice(i, 16));
        for (; i < input.Length; i++)
            output[i] = (byte)(input[i] ^ stream[i]);
    }

    /// <summary>The raw 64-byte keystream block (RFC 8439 section 2.3), e.g. for the Poly1305 one-time key.</summary>
    public static void Block(ReadOnlySpan<uint> key, uint counter, uint nonce0, uint nonce1, uint nonce2,
        Span<byte> output64)
    {
        if (key.Length != 8)
            throw new ArgumentException("a ChaCha20 key is 8 words", nameof(key));
        if (output64.Length < BlockSize)
            throw new ArgumentException("a block is 64 bytes", nameof(output64));
        uint k0 = key[0], k1 = key[1], k2 = key[2], k3 = key[3], k4 = key[4], k5 = key[5], k6 = key[6], k7 = key[7];
        uint x0 = Sigma0, x1 = Sigma1, x2 = Sigma2, x3 = Sigma3;
        uint x4 = k0, x5 = k1, x6 = k2, x7 = k3, x8 = k4, x9 = k5, x10 = k6, x11 = k7;
        uint x12 = counter, x13 = nonce0, x14 = nonce1, x15 = nonce2;
        for (int i = 0; i < 10; i++)
        {
            // A column round, then a diagonal round.
            Quarter(ref x0, ref x4, ref x8, ref x12);
            Quarter(ref x1, ref x5, ref x9, ref x13);
            Quarter(ref x2, ref x6, ref x10, ref x14);
            Quarter(ref x3, ref x7, ref x11, ref x15);
            Quarter(ref x0, ref x5, ref x10, ref x15);
            Quarter(ref x1, ref x6, ref x11, ref x12);
            Quarter(ref x2, ref x7, ref x8, ref x13);
            Quarter(ref x3, ref x4, ref x9, ref x14);
        }
        BinaryPrimitives.WriteUInt32LittleEndian(output64, x0 + Sigma0);
        BinaryPrimitives.WriteUInt32LittleEndian(output64[4..], x1 + Sigma1);
        BinaryPrimitives.WriteUInt32LittleEndian(output64[8..], x2 + Sigma2);
        BinaryPrimitives.WriteUInt32LittleEndian(output64[12..], x3 + Sigma3);
        BinaryPrimitives.WriteUInt32LittleEndian(output64[16..], x4 + k0);
        BinaryPrimitives.WriteUInt32LittleEndian(output64[20..], x5 + k1);
        BinaryPrimitives.WriteUInt32LittleEndian(output64[24..], x6 + k2);
        BinaryPrimitives.WriteUInt32LittleEndian(output64[28..], x7 + k3);
        BinaryPrimitives.WriteUInt32LittleEndian(output64[32..], x8 + k4);
        BinaryPrimitives.WriteUInt32LittleEndian(output64[36..], x9 + k5);
        BinaryPrimitives.WriteUInt32LittleEndian(output64[40..], x10 + k6);
        BinaryPrimitives.WriteUInt32LittleEndian(output64[44..], x11 + k7);
        BinaryPrimitives.WriteUInt32LittleEndian(output64[48..], x12 + counter);
        BinaryPrimitives.WriteUInt32LittleEndian(output64[52..], x13 + nonce0);
        BinaryPrimitives.WriteUInt32LittleEndian(output64[56..], x14 + nonce1);
        BinaryPrimitives.WriteUInt32LittleEndian(output64[60..], x15 + nonce2);
    }

    /// <summary>Whether Transpose has a two-instruction-per-step form here (SSE2 unpack on x64, zip on arm64), and the
    /// lanes are in memory order (little-endian), so a transposed row is the keystream bytes as they are.</summary>
    private static bool CanTranspose => BitConverter.IsLittleEndian && (Sse2.IsSupported || AdvSimd.Arm64.IsSupported);

    /// <summary>Row <paramref name="row"/> (words 4 row .. 4 row + 3) of each of FourBlocks' four blocks.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Transpose(ReadOnlySpan<uint> words, int row,
        out Vector128<uint> block0, out Vector128<uint> block1, out Vector128<uint> block2, out Vector128<uint> block3) =>
        Transpose(Vector128.Create(words.Slice(16 * row, 4)), Vector128.Create(words.Slice(16 * row + 4, 4)),
            Vector128.Create(words.Slice(16 * row + 8, 4)), Vector128.Create(words.Slice(16 * row + 12, 4)),
            out block0, out block1, out block2, out block3);

    /// <summary>The 4x4 transpose of rows a, b, c, d: r0 = (a0, b0, c0, d0), ... r3 = (a3, b3, c3, d3).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Transpose(Vector128<uint> a, Vector128<uint> b, Vector128<uint> c, Vector128<uint> d,
        out Vector128<uint> r0, out Vector128<uint> r1, out Vector128<uint> r2, out Vector128<uint> r3)
    {
        if (Sse2.IsSupported)
        {
            Vector128<ulong> ab01 = Sse2.UnpackLow(a, b).AsUInt64(), cd01 = Sse2.UnpackLow(c, d).AsUInt64();
            Vector128<ulong> ab23 = Sse2.UnpackHigh(a, b).AsUInt64(), cd23 = Sse2.UnpackHigh(c, d).AsUInt64();
            r0 = Sse2.UnpackLow(ab01, cd01).AsUInt32();
            r1 = Sse2.UnpackHigh(ab01, cd01).AsUInt32();
            r2 = Sse2.UnpackLow(ab23, cd23).AsUInt32();
            r3 = Sse2.UnpackHigh(ab23, cd23).AsUInt32();
        }
        else if (AdvSimd.Arm64.IsSupported)
        {
            Vector128<ulong> ab01 = AdvSimd.Arm64.ZipLow(a, b).AsUInt64(), cd01 = AdvSimd.Arm64.ZipLow(c, d).AsUInt64();
            Vector128<ulong> ab23 = AdvSimd.Arm64.ZipHigh(a, b).AsUInt64(), cd23 = AdvSimd.Arm64.ZipHigh(c, d).AsUInt64();
            r0 = AdvSimd.Arm64.ZipLow(ab01, cd01).AsUInt32();
            r1 = AdvSimd.Arm64.ZipHigh(ab01, cd01).AsUInt32();
            r2 = AdvSimd.Arm64.ZipLow(ab23, cd23).AsUInt32();
            r3 = AdvSimd.Arm64.ZipHigh(ab23, cd23).AsUInt32();
        }
        else
        {
            throw new PlatformNotSupportedException(); // CanTranspose is false here
        }
    }

    /// <summary>output[at..at+16] = input[at..at+16] XOR keystream.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void XorInto(Vector128<uint> keystream, ReadOnlySpan<byte> input, Span<byte> output, int at) =>
        (Vector128.Create(input.Slice(at, 16)) ^ keystream.AsByte()).CopyTo(output.Slice(at, 16));

    private const int Lanes = 4;

    /// <summary>The keystream of blocks counter .. counter + 3: word w of block b at words[w * 4 + b].</summary>
    private static void FourBlocks(ReadOnlySpan<uint> key, uint counter, uint nonce0, uint nonce1, uint nonce2, Span<uint> words)
    {
        Vector128<uint> c12 = Vector128.Create(counter) + Vector128.Create(0u, 1, 2, 3);
        Vector128<uint> x0 = Vector128.Create(Sigma0), x1 = Vector128.Create(Sigma1), x2 = Vector128.Create(Sigma2), x3 = Vector128.Create(Sigma3);
        Vector128<uint> x4 = Vector128.Create(key[0]), x5 = Vector128.Create(key[1]), x6 = Vector128.Create(key[2]), x7 = Vector128.Create(key[3]);
        Vector128<uint> x8 = Vector128.Create(key[4]), x9 = Vector128.Create(key[5]), x10 = Vector128.Create(key[6]), x11 = Vector128.Create(key[7]);
        Vector128<uint> x12 = c12, x13 = Vector128.Create(nonce0), x14 = Vector128.Create(nonce1), x15 = Vector128.Create(nonce2);
        for (int i = 0; i < 10; i++)
        {
            Quarter(ref x0, ref x4, ref x8, ref x12);
            Quarter(ref x1, ref x5, ref x9, ref x13);
            Quarter(ref x2, ref x6, ref x10, ref x14);
            Quarter(ref x3, ref x7, ref x11, ref x15);
            Quarter(ref x0, ref x5, ref x10, ref x15);
            Quarter(ref x1, ref x6, ref x11, ref x12);
            Quarter(ref x2, ref x7, ref x8, ref x13);
            Quarter(ref x3, ref x4, ref x9, ref x14);
        }
        (x0 + Vector128.Create(Sigma0)).CopyTo(words);
        (x1 + Vector128.Create(Sigma1)).CopyTo(words[4..]);
        (x2 + Vector128.Create(Sigma2)).CopyTo(words[8..]);
        (x3 + Vector128.Create(Sigma3)).CopyTo(words[12..]);
        (x4 + Vector128.Create(key[0])).CopyTo(words[16..]);
        (x5 + Vector128.Create(key[1])).CopyTo(words[20..]);
        (x6 + Vector128.Create(key[2])).CopyTo(words[24..]);
        (x7 + Vector128.Create(key[3])).CopyTo(words[28..]);
        (x8 + Vector128.Create(key[4])).CopyTo(words[32..]);
        (x9 + Vector128.Create(key[5])).CopyTo(words[36..]);
        (x10 + Vector128.Create(key[6])).CopyTo(words[40..]);
        (x11 + Vector128.Create(key[7])).CopyTo(words[44..]);
        (x12 + c12).CopyTo(words[48..]);
        (x13 + Vector128.Create(nonce0)).CopyTo(words[52..]);
        (x14 + Vector128.Create(nonce1)).CopyTo(words[56..]);
        (x15 + Vector128.Create(nonce2)).CopyTo(words[60..]);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Quarter(ref Vector128<uint> a, ref Vector128<uint> b, ref Vector128<uint> c, ref Vector128<uint> d)
    {
        a += b; d = Rotate(d ^ a, 16);
        c += d; b = Rotate(b ^ c, 12);
        a += b; d = Rotate(d ^ a, 8);
        c += d; b = Rotate(b ^ c, 7);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector128<uint> Rotate(Vector128<uint> value, int bits)
    {
        // By 16 and 8 (whole bytes): one byte shuffle (SSSE3, part of the x86-64-v2 baseline native AOT targets)
        // instead of two shifts and an OR; by 16 without SSSE3, two 16-bit shuffles.
        if (bits == 16 && Ssse3.IsSupported)
            return Ssse3.Shuffle(value.AsByte(), Vector128.Create((byte)2, 3, 0, 1, 6, 7, 4, 5, 10, 11, 8, 9, 14, 15, 12, 13)).AsUInt32();
        if (bits == 8 && Ssse3.IsSupported)
            return Ssse3.Shuffle(value.AsByte(), Vector128.Create((byte)3, 0, 1, 2, 7, 4, 5, 6, 11, 8, 9, 10, 15, 12, 13, 14)).AsUInt32();
        if (bits == 16 && Sse2.IsSupported)
            return Sse2.ShuffleHigh(Sse2.ShuffleLow(value.AsUInt16(), 0xb1), 0xb1).AsUInt32();
        return Vector128.ShiftLeft(value, bits) | Vector128.ShiftRightLogical(value, 32 - bits);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Quarter(ref uint a, ref uint b, ref uint c, ref uint d)
    {
        a += b; d = uint.RotateLeft(d ^ a, 16);
        c += d; b = uint.RotateLeft(b ^ c, 12);
        a += b; d = uint.RotateLeft(d ^ a, 8);
        c += d; b = uint.RotateLeft(b ^ c, 7);
    }
}
