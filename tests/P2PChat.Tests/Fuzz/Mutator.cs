// Byte-level mutations of valid input, chosen by a seeded Random: bit flips, byte sets, truncation, extension,
// insertion, deletion, a lying length prefix, splices of another buffer. Each returns a new array.
using System.Buffers.Binary;

namespace P2PChat.Tests.Fuzz;

internal static class Mutator
{
    private static readonly byte[] Interesting = [0, 1, 2, 0x7f, 0x80, 0xff, 0xfe, 32, 33, 255, 0xc0, 0xe2];

    /// <summary>1..<paramref name="max"/> random mutations of <paramref name="input"/>.</summary>
    public static byte[] Mutate(Random r, byte[] input, int max = 4, byte[]? other = null)
    {
        byte[] data = input;
        int count = 1 + r.Next(max);
        for (int i = 0; i < count; i++)
            data = MutateOnce(r, data, other);
        return data;
    }

    public static byte[] MutateOnce(Random r, byte[] data, byte[]? other = null)
    {
        switch (r.Next(other is null ? 9 : 10))
        {
            case 0 when data.Length > 0: // flip a bit
            {
                byte[] copy = [.. data];
                copy[r.Next(copy.Length)] ^= (byte)(1 << r.Next(8));
                return copy;
            }
            case 1 when data.Length > 0: // an interesting byte value
            {
                byte[] copy = [.. data];
                copy[r.Next(copy.Length)] = Interesting[r.Next(Interesting.Length)];
                return copy;
            }
            case 2: // truncate
                return data[..r.Next(data.Length + 1)];
            case 3: // extend with random bytes
            {
                var tail = new byte[1 + r.Next(r.Next(4) == 0 ? 300 : 16)];
                r.NextBytes(tail);
                return [.. data, .. tail];
            }
            case 4: // insert a byte
            {
                int at = r.Next(data.Length + 1);
                return [.. data.AsSpan(0, at), (byte)r.Next(256), .. data.AsSpan(at)];
            }
            case 5 when data.Length > 0: // delete a run
            {
                int at = r.Next(data.Length);
                int length = 1 + r.Next(Math.Min(8, data.Length - at));
                return [.. data.AsSpan(0, at), .. data.AsSpan(at + length)];
            }
            case 6 when data.Length >= 4: // a u32 length prefix that lies
            {
                byte[] copy = [.. data];
                BinaryPrimitives.WriteUInt32BigEndian(copy, LyingLength(r, data.Length - 4));
                return copy;
            }
            case 7 when data.Length >= 2: // a u8 or u16 count somewhere that lies
            {
                byte[] copy = [.. data];
                int at = r.Next(copy.Length - 1);
                if (r.Next(2) == 0)
                    copy[at] = (byte)(copy[at] + r.Next(-2, 3));
                else
                    BinaryPrimitives.WriteUInt16BigEndian(copy.AsSpan(at), (ushort)LyingLength(r, copy.Length));
                return copy;
            }
            case 8 when data.Length > 1: // duplicate a slice in place
            {
                int at = r.Next(data.Length);
                int length = 1 + r.Next(Math.Min(32, data.Length - at));
                return [.. data.AsSpan(0, at + length), .. data.AsSpan(at, length), .. data.AsSpan(at + length)];
            }
            case 9: // splice: our head, the other's tail
            {
                int cut = r.Next(data.Length + 1);
                int from = r.Next(other!.Length + 1);
                return [.. data.AsSpan(0, cut), .. other.AsSpan(from)];
            }
            default:
                return [.. data, (byte)r.Next(256)];
        }
    }

    /// <summary>A length near the true one, or at a boundary.</summary>
    public static uint LyingLength(Random r, int truth) => r.Next(8) switch
    {
        0 => 0,
        1 => (uint)Math.Max(0, truth - 1),
        2 => (uint)truth + 1,
        3 => 16 * 1024,
        4 => 16 * 1024 + 1,
        5 => 0xFFFF,
        6 => uint.MaxValue,
        _ => (uint)r.Next(0, 70_000),
    };

    /// <summary>Cuts <paramref name="data"/> into pieces at random byte boundaries (single bytes sometimes).</summary>
    public static List<int> Splits(Random r, int length)
    {
        var cuts = new List<int>();
        int at = 0;
        int mode = r.Next(4);
        while (at < length)
        {
            int piece = mode switch
            {
                0 => length - at,          // whole
                1 => 1 + r.Next(3),        // dribble
                2 => 1 + r.Next(64),
                _ => 1 + r.Next(Math.Max(1, length)),
            };
            piece = Math.Min(piece, length - at);
            cuts.Add(piece);
            at += piece;
        }
        return cuts;
    }
}
