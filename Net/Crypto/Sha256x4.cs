// Four independent one-block SHA-256 hashes at once, one per 32-bit lane of 128-bit vectors (the scalar rounds of
// Sha256Block on vectors). For the signer's Merkle tree, whose leaves and nodes are independent within a level: a
// node (0x01, two 16-byte hashes) and a short line's leaf fit in one block, and four lanes cost about what one and a
// half scalar compressions do, there being no SHA-NI or vector rotate in the baseline instruction set.
using System.Buffers.Binary;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace P2PChat.Net.Crypto;

internal static class Sha256x4
{
    public const int Lanes = 4;

    /// <summary>The longest message that fits in one block with its padding (a 0x80 byte and the 64-bit length).</summary>
    public const int MaxOneBlockMessage = Sha256Block.Size - 9;

    // The round constants K (FIPS 180-4 section 4.2.2).
    private static ReadOnlySpan<uint> K =>
    [
        0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
        0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
        0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
        0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
        0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
        0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
        0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
        0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
    ];

    /// <summary>Whether the vector form is worth it here (otherwise callers hash one at a time).</summary>
    public static bool IsAccelerated => Vector128.IsHardwareAccelerated;

    /// <summary>Writes message (given in up to three parts, at most MaxOneBlockMessage bytes in all) and its padding
    /// into the 64-byte block.</summary>
    public static void Pad(Span<byte> block64, ReadOnlySpan<byte> part1, ReadOnlySpan<byte> part2, ReadOnlySpan<byte> part3)
    {
        int length = part1.Length + part2.Length + part3.Length;
        if (length > MaxOneBlockMessage)
            throw new ArgumentException("the message does not fit in one block", nameof(part3));
        part1.CopyTo(block64);
        part2.CopyTo(block64[part1.Length..]);
        part3.CopyTo(block64[(part1.Length + part2.Length)..]);
        block64[length] = 0x80;
        block64[(length + 1)..(Sha256Block.Size - 8)].Clear();
        BinaryPrimitives.WriteUInt64BigEndian(block64[(Sha256Block.Size - 8)..], (ulong)length * 8);
    }

    /// <summary>Hashes the four padded blocks in <paramref name="blocks"/> (4 x 64 bytes, as Pad writes them) and
    /// writes the first <paramref name="outputLength"/> bytes of each digest one after another into
    /// <paramref name="outputs"/>.</summary>
    public static void HashPadded(ReadOnlySpan<byte> blocks, Span<byte> outputs, int outputLength)
    {
        if (blocks.Length < Lanes * Sha256Block.Size || outputLength is < 1 or > 32 || outputs.Length < Lanes * outputLength)
            throw new ArgumentException("four blocks in, four digests out");
        Span<Vector128<uint>> w = stackalloc Vector128<uint>[64];
        for (int i = 0; i < 16; i++)
            w[i] = Vector128.Create(BinaryPrimitives.ReadUInt32BigEndian(blocks[(4 * i)..]),
                BinaryPrimitives.ReadUInt32BigEndian(blocks[(Sha256Block.Size + 4 * i)..]),
                BinaryPrimitives.ReadUInt32BigEndian(blocks[(2 * Sha256Block.Size + 4 * i)..]),
                BinaryPrimitives.ReadUInt32BigEndian(blocks[(3 * Sha256Block.Size + 4 * i)..]));
        for (int i = 16; i < 64; i++)
        {
            Vector128<uint> w2 = w[i - 2], w15 = w[i - 15];
            w[i] = (Rotate(w2, 17) ^ Rotate(w2, 19) ^ Vector128.ShiftRightLogical(w2, 10)) + w[i - 7]
                + (Rotate(w15, 7) ^ Rotate(w15, 18) ^ Vector128.ShiftRightLogical(w15, 3)) + w[i - 16];
        }

        // The initial hash value H(0) (FIPS 180-4 section 5.3.3) in every lane.
        Vector128<uint> a = Vector128.Create(0x6a09e667u), b = Vector128.Create(0xbb67ae85u);
        Vector128<uint> c = Vector128.Create(0x3c6ef372u), d = Vector128.Create(0xa54ff53au);
        Vector128<uint> e = Vector128.Create(0x510e527fu), f = Vector128.Create(0x9b05688cu);
        Vector128<uint> g = Vector128.Create(0x1f83d9abu), h = Vector128.Create(0x5be0cd19u), t;
        for (int round = 0; round < 64; round += 8)
        {
            ReadOnlySpan<uint> k = K.Slice(round, 8);
            ReadOnlySpan<Vector128<uint>> x = w.Slice(round, 8);
                t = h + Vector128.Create(k[0]) + x[0] + (g ^ (e & (f ^ g))) + (Rotate(e, 6) ^ Rotate(e, 11) ^ Rotate(e, 25));
                d += t;
                h = t + (Rotate(a, 2) ^ Rotate(a, 13) ^ Rotate(a, 22)) + ((a & b) | (c & (a | b)));
                t = g + Vector128.Create(k[1]) + x[1] + (f ^ (d & (e ^ f))) + (Rotate(d, 6) ^ Rotate(d, 11) ^ Rotate(d, 25));
                c += t;
                g = t + (Rotate(h, 2) ^ Rotate(h, 13) ^ Rotate(h, 22)) + ((h & a) | (b & (h | a)));
                t = f + Vector128.Create(k[2]) + x[2] + (e ^ (c & (d ^ e))) + (Rotate(c, 6) ^ Rotate(c, 11) ^ Rotate(c, 25));
                b += t;
                f = t + (Rotate(g, 2) ^ Rotate(g, 13) ^ Rotate(g, 22)) + ((g & h) | (a & (g | h)));
                t = e + Vector128.Create(k[3]) + x[3] + (d ^ (b & (c ^ d))) + (Rotate(b, 6) ^ Rotate(b, 11) ^ Rotate(b, 25));
                a += t;
                e = t + (Rotate(f, 2) ^ Rotate(f, 13) ^ Rotate(f, 22)) + ((f & g) | (h & (f | g)));
                t = d + Vector128.Create(k[4]) + x[4] + (c ^ (a & (b ^ c))) + (Rotate(a, 6) ^ Rotate(a, 11) ^ Rotate(a, 25));
                h += t;
                d = t + (Rotate(e, 2) ^ Rotate(e, 13) ^ Rotate(e, 22)) + ((e & f) | (g & (e | f)));
                t = c + Vector128.Create(k[5]) + x[5] + (b ^ (h & (a ^ b))) + (Rotate(h, 6) ^ Rotate(h, 11) ^ Rotate(h, 25));
                g += t;
                c = t + (Rotate(d, 2) ^ Rotate(d, 13) ^ Rotate(d, 22)) + ((d & e) | (f & (d | e)));
                t = b + Vector128.Create(k[6]) + x[6] + (a ^ (g & (h ^ a))) + (Rotate(g, 6) ^ Rotate(g, 11) ^ Rotate(g, 25));
                f += t;
                b = t + (Rotate(c, 2) ^ Rotate(c, 13) ^ Rotate(c, 22)) + ((c & d) | (e & (c | d)));
                t = a + Vector128.Create(k[7]) + x[7] + (h ^ (f & (g ^ h))) + (Rotate(f, 6) ^ Rotate(f, 11) ^ Rotate(f, 25));
                e += t;
                a = t + (Rotate(b, 2) ^ Rotate(b, 13) ^ Rotate(b, 22)) + ((b & c) | (d & (b | c)));
        }
        a += Vector128.Create(0x6a09e667u); b += Vector128.Create(0xbb67ae85u);
        c += Vector128.Create(0x3c6ef372u); d += Vector128.Create(0xa54ff53au);
        e += Vector128.Create(0x510e527fu); f += Vector128.Create(0x9b05688cu);
        g += Vector128.Create(0x1f83d9abu); h += Vector128.Create(0x5be0cd19u);
        w.Clear(); // the schedule is the messages, expanded

        Span<byte> digest = stackalloc byte[32];
        for (int lane = 0; lane < Lanes; lane++)
        {
            BinaryPrimitives.WriteUInt32BigEndian(digest, a.GetElement(lane));
            BinaryPrimitives.WriteUInt32BigEndian(digest[4..], b.GetElement(lane));
            BinaryPrimitives.WriteUInt32BigEndian(digest[8..], c.GetElement(lane));
            BinaryPrimitives.WriteUInt32BigEndian(digest[12..], d.GetElement(lane));
            BinaryPrimitives.WriteUInt32BigEndian(digest[16..], e.GetElement(lane));
            BinaryPrimitives.WriteUInt32BigEndian(digest[20..], f.GetElement(lane));
            BinaryPrimitives.WriteUInt32BigEndian(digest[24..], g.GetElement(lane));
            BinaryPrimitives.WriteUInt32BigEndian(digest[28..], h.GetElement(lane));
            digest[..outputLength].CopyTo(outputs[(lane * outputLength)..]);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector128<uint> Rotate(Vector128<uint> x, int bits) =>
        Vector128.ShiftRightLogical(x, bits) | Vector128.ShiftLeft(x, 32 - bits);
}
