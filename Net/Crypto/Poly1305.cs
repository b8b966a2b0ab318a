// The Poly1305 one-time authenticator (RFC 8439 section 2.5) in five 26-bit limbs with 64-bit products: a value type
// on the caller's stack, so a MAC allocates nothing. Written here for the same reason as ChaCha20. Not 44-bit limbs
// with 128-bit products: native AOT compiles for the baseline x64 (no BMI2), where Math.BigMul is a call to a software
// fallback of four multiplications, so nine of them cost more than these twenty-five single multiplications. Long
// inputs go two blocks at a time through SSE2 (TwoWayBlocks).
using System.Buffers.Binary;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace P2PChat.Net.Crypto;

internal struct Poly1305
{
    public const int KeySize = 32, TagSize = 16, BlockSize = 16;

    private const uint Mask26 = 0x3ffffff;

    // r (clamped) in 26-bit limbs, and 5*r1..5*r4 for the reduction modulo 2^130 - 5.
    private readonly uint _r0, _r1, _r2, _r3, _r4, _s1, _s2, _s3, _s4;
    // s, the second half of the key, added at the end.
    private readonly uint _pad0, _pad1, _pad2, _pad3;
    // The accumulator h, kept below about 2^130 between blocks.
    private uint _h0, _h1, _h2, _h3, _h4;

    public Poly1305(ReadOnlySpan<byte> key32)
    {
        if (key32.Length != KeySize)
            throw new ArgumentException("a Poly1305 key is 32 bytes", nameof(key32));
        // The masks take 26-bit limbs and clamp r (RFC 8439 section 2.5.1) at the same time.
        _r0 = BinaryPrimitives.ReadUInt32LittleEndian(key32) & 0x3ffffff;
        _r1 = (BinaryPrimitives.ReadUInt32LittleEndian(key32[3..]) >> 2) & 0x3ffff03;
        _r2 = (BinaryPrimitives.ReadUInt32LittleEndian(key32[6..]) >> 4) & 0x3ffc0ff;
        _r3 = (BinaryPrimitives.ReadUInt32LittleEndian(key32[9..]) >> 6) & 0x3f03fff;
        _r4 = (BinaryPrimitives.ReadUInt32LittleEndian(key32[12..]) >> 8) & 0x00fffff;
        _s1 = _r1 * 5;
        _s2 = _r2 * 5;
        _s3 = _r3 * 5;
        _s4 = _r4 * 5;
        _pad0 = BinaryPrimitives.ReadUInt32LittleEndian(key32[16..]);
        _pad1 = BinaryPrimitives.ReadUInt32LittleEndian(key32[20..]);
        _pad2 = BinaryPrimitives.ReadUInt32LittleEndian(key32[24..]);
        _pad3 = BinaryPrimitives.ReadUInt32LittleEndian(key32[28..]);
        _h0 = _h1 = _h2 = _h3 = _h4 = 0;
    }

    /// <summary>Every whole 16-byte block of <paramref name="data"/>; returns how many bytes that was.</summary>
    private int AppendFullBlocks(ReadOnlySpan<byte> data) => Blocks(data, 1u << 24);

    /// <summary>The AEAD's way (RFC 8439 section 2.8): data, then zeros up to a multiple of 16 bytes.</summary>
    public void AppendZeroPadded(ReadOnlySpan<byte> data)
    {
        int full = AppendFullBlocks(data);
        if (full < data.Length)
        {
            Span<byte> last = stackalloc byte[BlockSize];
            last.Clear();
            data[full..].CopyTo(last);
            Blocks(last, 1u << 24);
        }
    }

    /// <summary>Plain Poly1305's last piece of a message: a short final block gets a 1 byte after it instead of the
    /// 2^128 bit (RFC 8439 section 2.5.1).</summary>
    public void AppendLast(ReadOnlySpan<byte> data)
    {
        int full = AppendFullBlocks(data);
        if (full < data.Length)
        {
            Span<byte> last = stackalloc byte[BlockSize];
            last.Clear();
            data[full..].CopyTo(last);
            last[data.Length - full] = 1;
            Blocks(last, 0);
        }
    }

    public void Finish(Span<byte> tag16)
    {
        if (tag16.Length < TagSize)
            throw new ArgumentException("a tag is 16 bytes", nameof(tag16));
        uint h0 = _h0, h1 = _h1, h2 = _h2, h3 = _h3, h4 = _h4;

        // Carry all the way through, so each limb is below 2^26 and h is below 2^130 + a little.
        uint c = h1 >> 26; h1 &= Mask26;
        h2 += c; c = h2 >> 26; h2 &= Mask26;
        h3 += c; c = h3 >> 26; h3 &= Mask26;
        h4 += c; c = h4 >> 26; h4 &= Mask26;
        h0 += c * 5; c = h0 >> 26; h0 &= Mask26;
        h1 += c;

        // g = h + 5 - 2^130; if that did not go negative, h was at least p and g is the reduced value.
        uint g0 = h0 + 5; c = g0 >> 26; g0 &= Mask26;
        uint g1 = h1 + c; c = g1 >> 26; g1 &= Mask26;
        uint g2 = h2 + c; c = g2 >> 26; g2 &= Mask26;
        uint g3 = h3 + c; c = g3 >> 26; g3 &= Mask26;
        uint g4 = h4 + c - (1u << 26);
        uint useG = (g4 >> 31) - 1; // all ones when g4 did not borrow
        uint useH = ~useG;
        h0 = (h0 & useH) | (g0 & useG);
        h1 = (h1 & useH) | (g1 & useG);
        h2 = (h2 & useH) | (g2 & useG);
        h3 = (h3 & useH) | (g3 & useG);
        h4 = (h4 & useH) | (g4 & useG);

        // h mod 2^128 as four 32-bit words, plus s modulo 2^128.
        uint w0 = h0 | (h1 << 26);
        uint w1 = (h1 >> 6) | (h2 << 20);
        uint w2 = (h2 >> 12) | (h3 << 14);
        uint w3 = (h3 >> 18) | (h4 << 8);
        ulong f = (ulong)w0 + _pad0;
        BinaryPrimitives.WriteUInt32LittleEndian(tag16, (uint)f);
        f = (ulong)w1 + _pad1 + (f >> 32);
        BinaryPrimitives.WriteUInt32LittleEndian(tag16[4..], (uint)f);
        f = (ulong)w2 + _pad2 + (f >> 32);
        BinaryPrimitives.WriteUInt32LittleEndian(tag16[8..], (uint)f);
        f = (ulong)w3 + _pad3 + (f >> 32);
        BinaryPrimitives.WriteUInt32LittleEndian(tag16[12..], (uint)f);
        _h0 = _h1 = _h2 = _h3 = _h4 = 0;
    }

    /// <summary>Plain Poly1305 of a whole message, as in RFC 8439 section 2.5.2.</summary>
    public static void Mac(ReadOnlySpan<byte> key32, ReadOnlySpan<byte> message, Span<byte> tag16)
    {
        var mac = new Poly1305(key32);
        mac.AppendLast(message);
        mac.Finish(tag16);
    }

    /// <summary>Every whole 16-byte block of <paramref name="data"/>, each with <paramref name="highBit"/> (2^128 in
    /// the top limb, or 0 for a final block already padded); returns how many bytes that was.</summary>
    private int Blocks(ReadOnlySpan<byte> data, uint highBit) =>
        Sse2.IsSupported && data.Length >= TwoWayFrom ? TwoWayBlocks(data, highBit) : ScalarBlocks(data, highBit);

    /// <summary>Below this many bytes the scalar loop is as fast (r^2 and the lanes' setup cost a block or two).</summary>
    private const int TwoWayFrom = 8 * BlockSize;

    /// <summary>The scalar loop: r and h stay in locals for the whole loop rather than going through the struct's
    /// fields block by block.</summary>
    private int ScalarBlocks(ReadOnlySpan<byte> data, uint highBit)
    {
        ulong r0 = _r0, r1 = _r1, r2 = _r2, r3 = _r3, r4 = _r4, s1 = _s1, s2 = _s2, s3 = _s3, s4 = _s4;
        uint h0 = _h0, h1 = _h1, h2 = _h2, h3 = _h3, h4 = _h4;
        int offset = 0;
        while (data.Length - offset >= BlockSize)
        {
            // h += block (with the 2^128 bit for full blocks), then h *= r modulo 2^130 - 5.
            ReadOnlySpan<byte> block = data.Slice(offset, BlockSize);
            ulong a0 = h0 + (BinaryPrimitives.ReadUInt32LittleEndian(block) & Mask26);
            ulong a1 = h1 + ((BinaryPrimitives.ReadUInt32LittleEndian(block[3..]) >> 2) & Mask26);
            ulong a2 = h2 + ((BinaryPrimitives.ReadUInt32LittleEndian(block[6..]) >> 4) & Mask26);
            ulong a3 = h3 + ((BinaryPrimitives.ReadUInt32LittleEndian(block[9..]) >> 6) & Mask26);
            ulong a4 = h4 + ((BinaryPrimitives.ReadUInt32LittleEndian(block[12..]) >> 8) | highBit);

            ulong d0 = a0 * r0 + a1 * s4 + a2 * s3 + a3 * s2 + a4 * s1;
            ulong d1 = a0 * r1 + a1 * r0 + a2 * s4 + a3 * s3 + a4 * s2;
            ulong d2 = a0 * r2 + a1 * r1 + a2 * r0 + a3 * s4 + a4 * s3;
            ulong d3 = a0 * r3 + a1 * r2 + a2 * r1 + a3 * r0 + a4 * s4;
            ulong d4 = a0 * r4 + a1 * r3 + a2 * r2 + a3 * r1 + a4 * r0;

            d1 += d0 >> 26;
            d2 += d1 >> 26;
            d3 += d2 >> 26;
            d4 += d3 >> 26;
            ulong t0 = (d0 & Mask26) + (d4 >> 26) * 5;
            h0 = (uint)t0 & Mask26;
            h1 = (uint)(d1 & Mask26) + (uint)(t0 >> 26);
            h2 = (uint)(d2 & Mask26);
            h3 = (uint)(d3 & Mask26);
            h4 = (uint)(d4 & Mask26);
            offset += BlockSize;
        }
        _h0 = h0;
        _h1 = h1;
        _h2 = h2;
        _h3 = h3;
        _h4 = h4;
        return offset;
    }

    /// <summary>The same result two blocks at a time, one per 64-bit lane of SSE2 vectors (pmuludq multiplies the low
    /// 32 bits of each lane, so 25 instructions give the 50 limb products of two blocks). Horner's rule split in two:
    /// for blocks m1..m2k, h' = (h + m1) r^2k + m2 r^(2k-1) + ... + m2k r, so lane A takes h and the odd blocks and
    /// lane B the even ones, each multiplied by r^2 per pair, except the last pair: A by r^2, B by r. Then h = A + B.
    /// An odd first block goes through the scalar loop first.</summary>
    private int TwoWayBlocks(ReadOnlySpan<byte> data, uint highBit)
    {
        int offset = (data.Length / BlockSize & 1) == 0 ? 0 : ScalarBlocks(data[..BlockSize], highBit);
        int pairs = (data.Length - offset) / (2 * BlockSize);

        // r^2 modulo p in 26-bit limbs, by the scalar formula with a = r.
        ulong r0 = _r0, r1 = _r1, r2 = _r2, r3 = _r3, r4 = _r4;
        ulong d0 = r0 * r0 + r1 * _s4 + r2 * _s3 + r3 * _s2 + r4 * _s1;
        ulong d1 = r0 * r1 + r1 * r0 + r2 * _s4 + r3 * _s3 + r4 * _s2;
        ulong d2 = r0 * r2 + r1 * r1 + r2 * r0 + r3 * _s4 + r4 * _s3;
        ulong d3 = r0 * r3 + r1 * r2 + r2 * r1 + r3 * r0 + r4 * _s4;
        ulong d4 = r0 * r4 + r1 * r3 + r2 * r2 + r3 * r1 + r4 * r0;
        d1 += d0 >> 26;
        d2 += d1 >> 26;
        d3 += d2 >> 26;
        d4 += d3 >> 26;
        ulong t = (d0 & Mask26) + (d4 >> 26) * 5;
        ulong q0 = t & Mask26, q1 = (d1 & Mask26) + (t >> 26), q2 = d2 & Mask26, q3 = d3 & Mask26, q4 = d4 & Mask26;

        // Multipliers per lane (values below 2^29 in the low half of each 64-bit lane): r^2 in both for all pairs but
        // the last, then r^2 in lane A and r in lane B.
        Vector128<ulong> m0 = Vector128.Create(q0), m1 = Vector128.Create(q1), m2 = Vector128.Create(q2);
        Vector128<ulong> m3 = Vector128.Create(q3), m4 = Vector128.Create(q4);
        Vector128<ulong> h0 = Vector128.Create(_h0, 0UL), h1 = Vector128.Create(_h1, 0UL), h2 = Vector128.Create(_h2, 0UL);
        Vector128<ulong> h3 = Vector128.Create(_h3, 0UL), h4 = Vector128.Create(_h4, 0UL);
        Vector128<ulong> mask = Vector128.Create((ulong)Mask26);
        for (int pair = 0; pair < pairs; pair++)
        {
            if (pair == pairs - 1)
            {
                m0 = Vector128.Create(q0, r0);
                m1 = Vector128.Create(q1, r1);
                m2 = Vector128.Create(q2, r2);
                m3 = Vector128.Create(q3, r3);
                m4 = Vector128.Create(q4, r4);
            }
            Vector128<ulong> s1 = Times5(m1), s2 = Times5(m2), s3 = Times5(m3), s4 = Times5(m4);

            ReadOnlySpan<byte> a = data.Slice(offset, BlockSize), b = data.Slice(offset + BlockSize, BlockSize);
            h0 += Limbs(a, b, 0, 0, Mask26);
            h1 += Limbs(a, b, 3, 2, Mask26);
            h2 += Limbs(a, b, 6, 4, Mask26);
            h3 += Limbs(a, b, 9, 6, Mask26);
            h4 += Limbs(a, b, 12, 8, uint.MaxValue) | Vector128.Create((ulong)highBit);

            // Limbs below 2^28 times multipliers below 2^29: five products sum to below 2^60.
            Vector128<ulong> e0 = Mul(h0, m0) + Mul(h1, s4) + Mul(h2, s3) + Mul(h3, s2) + Mul(h4, s1);
            Vector128<ulong> e1 = Mul(h0, m1) + Mul(h1, m0) + Mul(h2, s4) + Mul(h3, s3) + Mul(h4, s2);
            Vector128<ulong> e2 = Mul(h0, m2) + Mul(h1, m1) + Mul(h2, m0) + Mul(h3, s4) + Mul(h4, s3);
            Vector128<ulong> e3 = Mul(h0, m3) + Mul(h1, m2) + Mul(h2, m1) + Mul(h3, m0) + Mul(h4, s4);
            Vector128<ulong> e4 = Mul(h0, m4) + Mul(h1, m3) + Mul(h2, m2) + Mul(h3, m1) + Mul(h4, m0);

            e1 += Vector128.ShiftRightLogical(e0, 26);
            e2 += Vector128.ShiftRightLogical(e1, 26);
            e3 += Vector128.ShiftRightLogical(e2, 26);
            e4 += Vector128.ShiftRightLogical(e3, 26);
            Vector128<ulong> t0 = (e0 & mask) + Times5(Vector128.ShiftRightLogical(e4, 26));
            h0 = t0 & mask;
            h1 = (e1 & mask) + Vector128.ShiftRightLogical(t0, 26);
            h2 = e2 & mask;
            h3 = e3 & mask;
            h4 = e4 & mask;
            offset += 2 * BlockSize;
        }

        // h = A + B, carried back to the scalar loop's limb sizes.
        ulong g0 = h0.GetElement(0) + h0.GetElement(1), g1 = h1.GetElement(0) + h1.GetElement(1);
        ulong g2 = h2.GetElement(0) + h2.GetElement(1), g3 = h3.GetElement(0) + h3.GetElement(1);
        ulong g4 = h4.GetElement(0) + h4.GetElement(1);
        g1 += g0 >> 26; g0 &= Mask26;
        g2 += g1 >> 26; g1 &= Mask26;
        g3 += g2 >> 26; g2 &= Mask26;
        g4 += g3 >> 26; g3 &= Mask26;
        g0 += (g4 >> 26) * 5; g4 &= Mask26;
        g1 += g0 >> 26; g0 &= Mask26;
        _h0 = (uint)g0;
        _h1 = (uint)g1;
        _h2 = (uint)g2;
        _h3 = (uint)g3;
        _h4 = (uint)g4;
        return offset;
    }

    /// <summary>One 26-bit limb of blocks a and b (bytes at..at+3, shifted and masked), one per lane.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector128<ulong> Limbs(ReadOnlySpan<byte> a, ReadOnlySpan<byte> b, int at, int shift, uint mask) =>
        Vector128.Create((ulong)((BinaryPrimitives.ReadUInt32LittleEndian(a[at..]) >> shift) & mask),
            (ulong)((BinaryPrimitives.ReadUInt32LittleEndian(b[at..]) >> shift) & mask));

    /// <summary>Low 32 bits of each lane times low 32 bits of each lane, 64-bit products (pmuludq).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector128<ulong> Mul(Vector128<ulong> a, Vector128<ulong> b) => Sse2.Multiply(a.AsUInt32(), b.AsUInt32());

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector128<ulong> Times5(Vector128<ulong> x) => Vector128.ShiftLeft(x, 2) + x;
}
