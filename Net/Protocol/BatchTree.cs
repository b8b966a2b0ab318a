// The Merkle tree over one signed batch of a sender's lines. A sender signs the root of the lines it says at once (up
// to MaxBatchLines), and every line carries the signature plus the sibling hashes from its leaf to the root, so each
// line can be checked on its own, wherever and in whatever order it arrives (relayed, held back, replayed from
// history), while the sender signs once per batch and a receiver verifies one signature per batch (LineVerifier).
// Leaves are H(0x00 || origin seq time nameLen name || text), inner nodes H(0x01 || left || right), H = SHA-256
// truncated to 128 bits. A level with an odd count promotes its last node unchanged, so the path length depends on
// the line's index and the batch size and is checked exactly.
using P2PChat.Net.Crypto;

namespace P2PChat.Net;

internal static class BatchTree
{
    public const int HashSize = Protocol.TreeHashSize;

    /// <summary>How many sibling hashes the path of line <paramref name="index"/> in a batch of <paramref name="count"/> has.</summary>
    public static int PathLength(int count, int index)
    {
        int length = 0;
        for (int width = count; width > 1; width = (width + 1) / 2, index /= 2)
            if ((index ^ 1) < width)
                length++;
        return length;
    }

    public static void Leaf(Sha256Hasher hasher, ReadOnlySpan<byte> head, ReadOnlySpan<byte> text, Span<byte> leaf)
    {
        if (1 + head.Length + text.Length <= Sha256x4.MaxOneBlockMessage)
        {
            OneBlock([0], head, text, leaf);
            return;
        }
        hasher.Append([0]);
        hasher.Append(head);
        hasher.Append(text);
        Finish(hasher, leaf);
    }

    public static void Node(ReadOnlySpan<byte> left, ReadOnlySpan<byte> right, Span<byte> node) =>
        OneBlock([1], left, right, node); // 33 bytes: always one block

    /// <summary>The truncated hash of a message of one block (a short line's leaf, every node): padded in place and
    /// compressed once, without the hasher's buffering, which was a sixth of the hashing a reader of a paste did.</summary>
    private static void OneBlock(ReadOnlySpan<byte> prefix, ReadOnlySpan<byte> first, ReadOnlySpan<byte> second,
        Span<byte> output)
    {
        Span<byte> block = stackalloc byte[Sha256Block.Size];
        Sha256x4.Pad(block, prefix, first, second);
        Span<uint> state = stackalloc uint[8];
        Sha256Block.Initialize(state);
        Sha256Block.Compress(state, block);
        for (int i = 0; i < HashSize / 4; i++)
            System.Buffers.Binary.BinaryPrimitives.WriteUInt32BigEndian(output[(4 * i)..], state[i]);
    }

    /// <summary>Walks <paramref name="path"/> up from <paramref name="leaf"/> (which is overwritten) to the root. False
    /// when the path does not have exactly the length the index and count call for.</summary>
    public static bool Root(Sha256Hasher hasher, Span<byte> leaf, int index, int count, ReadOnlySpan<byte> path)
    {
        Span<byte> sibling = stackalloc byte[HashSize];
        for (int width = count; width > 1; width = (width + 1) / 2, index /= 2)
        {
            if ((index ^ 1) >= width)
                continue; // the last node of an odd level goes up unchanged
            if (path.Length < HashSize)
                return false;
            path[..HashSize].CopyTo(sibling);
            path = path[HashSize..];
            if ((index & 1) == 0)
                Node(leaf, sibling, leaf);
            else
                Node(sibling, leaf, leaf);
        }
        return path.IsEmpty;
    }

    /// <summary>Builds every level above <paramref name="count"/> leaves stored at the start of
    /// <paramref name="levels"/> (which needs room for 2 * count hashes); the root is the last hash written.</summary>
    public static ReadOnlySpan<byte> Build(Sha256Hasher hasher, Span<byte> levels, int count)
    {
        Span<byte> blocks = stackalloc byte[Sha256x4.Lanes * Sha256Block.Size];
        int start = 0;
        int end = count;
        while (end - start > 1)
        {
            int next = end;
            int i = start;
            // Four whole pairs at a time through the four-lane hash: the nodes of a level do not depend on each other.
            for (; Sha256x4.IsAccelerated && i + 2 * Sha256x4.Lanes <= end; i += 2 * Sha256x4.Lanes, next += Sha256x4.Lanes)
            {
                for (int lane = 0; lane < Sha256x4.Lanes; lane++)
                {
                    int left = i + 2 * lane;
                    Sha256x4.Pad(blocks.Slice(lane * Sha256Block.Size, Sha256Block.Size), [1],
                        levels.Slice(left * HashSize, HashSize), levels.Slice((left + 1) * HashSize, HashSize));
                }
                Sha256x4.HashPadded(blocks, levels.Slice(next * HashSize, Sha256x4.Lanes * HashSize), HashSize);
            }
            for (; i < end; i += 2)
            {
                Span<byte> target = levels.Slice(next * HashSize, HashSize);
                if (i + 1 < end)
                    Node(levels.Slice(i * HashSize, HashSize), levels.Slice((i + 1) * HashSize, HashSize), target);
                else
                    levels.Slice(i * HashSize, HashSize).CopyTo(target);
                next++;
            }
            start = end;
            end = next;
        }
        return levels.Slice(start * HashSize, HashSize);
    }

    /// <summary>Writes the path of leaf <paramref name="index"/> from levels built by Build. Returns the bytes written.</summary>
    public static int WritePath(ReadOnlySpan<byte> levels, int count, int index, Span<byte> path)
    {
        int written = 0;
        int start = 0;
        for (int width = count; width > 1; start += width, width = (width + 1) / 2, index /= 2)
        {
            int sibling = index ^ 1;
            if (sibling >= width)
                continue;
            levels.Slice((start + sibling) * HashSize, HashSize).CopyTo(path[written..]);
            written += HashSize;
        }
        return written;
    }

    private static void Finish(Sha256Hasher hasher, Span<byte> output)
    {
        Span<byte> full = stackalloc byte[Sha256Hasher.Size];
        hasher.Finish(full);
        full[..HashSize].CopyTo(output);
    }
}
