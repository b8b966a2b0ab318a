// Signed batches of lines (LineSigner, BatchTree, LineVerifier) as pure logic: every line of every batch size verifies
// on its own and in any order, any altered byte is refused, and a verifier that has seen the batch (its cache of tree
// nodes) accepts exactly what a fresh verifier accepts, so a relay never passes on a line its neighbour would refuse.
using System.Text;
using P2PChat.Net;
using P2PChat.Net.Crypto;

namespace P2PChat.Tests;

public class LineSealTests
{
    private static readonly NodeKeys Alice = NodeKeys.Generate(new SeededRandomSource(new Random(1)));
    private static readonly NodeKeys Mallory = NodeKeys.Generate(new SeededRandomSource(new Random(2)));

    private static List<byte[]> Batch(NodeKeys author, int count, ulong first = 1)
    {
        var signer = new LineSigner(author, new SelfName(Encoding.UTF8.GetBytes("alice")));
        for (int i = 0; i < count; i++)
            signer.Add(new MessageId(author.NodeId, first + (ulong)i), 1000 + i, Encoding.UTF8.GetBytes($"line {i} of {count}"));
        signer.Sign();
        var frames = new List<byte[]>();
        var buffer = new byte[Protocol.MaxFrameSize];
        for (int i = 0; i < count; i++)
            frames.Add(buffer[..signer.WriteFrame(i, buffer, out _)]);
        return frames;
    }

    private static bool Verify(LineVerifier verifier, byte[] frame)
    {
        if (FrameReader.TryParseChat(frame.AsSpan(Protocol.LengthPrefixSize), out ChatView chat) is not null)
            return false;
        return verifier.Verify(chat);
    }

    [Test]
    [Arguments(1)]
    [Arguments(2)]
    [Arguments(3)]
    [Arguments(7)]
    [Arguments(32)]
    [Arguments(33)]
    [Arguments(100)]
    [Arguments(128)]
    public async Task Every_line_of_a_batch_verifies_alone_and_in_any_order(int count)
    {
        List<byte[]> frames = Batch(Alice, count);
        foreach (byte[] frame in frames)
            await Assert.That(Verify(new LineVerifier(new SignatureMemo()), frame)).IsTrue();
        var warm = new LineVerifier(new SignatureMemo());
        foreach (byte[] frame in frames.OrderBy(_ => Random.Shared.Next()))
            await Assert.That(Verify(warm, frame)).IsTrue();
        await Assert.That(warm.SignaturesChecked).IsEqualTo(1);
    }

    [Test]
    [Arguments(1)]
    [Arguments(5)]
    [Arguments(128)]
    public async Task A_cached_verifier_refuses_exactly_what_a_fresh_one_refuses(int count)
    {
        var random = new Random(count);
        List<byte[]> frames = Batch(Alice, count);
        var warm = new LineVerifier(new SignatureMemo());
        await Assert.That(Verify(warm, frames[0])).IsTrue();
        for (int trial = 0; trial < 3000; trial++)
        {
            byte[] frame = (byte[])frames[random.Next(count)].Clone();
            int at = Protocol.LengthPrefixSize + 1 + random.Next(frame.Length - Protocol.LengthPrefixSize - 1);
            frame[at] ^= (byte)(1 << random.Next(8));
            bool fresh = Verify(new LineVerifier(new SignatureMemo()), frame);
            bool cached = Verify(warm, frame);
            await Assert.That(cached).IsEqualTo(fresh).Because($"trial {trial}: byte {at} of a {frame.Length}-byte frame flipped");
            await Assert.That(fresh).IsFalse().Because($"trial {trial}: byte {at} flipped should break the seal or the line");
        }
    }

    [Test]
    public async Task A_line_signed_by_another_key_for_someone_elses_origin_is_refused()
    {
        byte[] frame = Batch(Mallory, 1)[0];
        // Claim Alice's origin in the line (the key still is Mallory's).
        System.Buffers.Binary.BinaryPrimitives.WriteUInt64BigEndian(frame.AsSpan(Protocol.LengthPrefixSize + 1), Alice.NodeId);
        await Assert.That(Verify(new LineVerifier(new SignatureMemo()), frame)).IsFalse();
    }

    [Test]
    public async Task Lines_of_two_batches_verify_side_by_side()
    {
        List<byte[]> first = Batch(Alice, 10, first: 1);
        List<byte[]> second = Batch(Alice, 20, first: 11);
        var verifier = new LineVerifier(new SignatureMemo());
        foreach (byte[] frame in first.Zip(second).SelectMany(p => new[] { p.First, p.Second }))
            await Assert.That(Verify(verifier, frame)).IsTrue();
        await Assert.That(verifier.SignaturesChecked).IsEqualTo(2);
    }

    [Test]
    [Arguments(32)]
    [Arguments(100)]
    public async Task Each_line_after_the_first_of_a_batch_costs_its_leaf_and_about_one_node_hash(int count)
    {
        List<byte[]> frames = Batch(Alice, count);
        var verifier = new LineVerifier(new SignatureMemo());

        foreach (byte[] frame in frames)
            await Assert.That(Verify(verifier, frame)).IsTrue();

        // A line whose sibling leaf came before it meets that leaf (no node hash); the other half climb one level to
        // the parent the previous pair learned. Without learning what a line meets, line i cost about log2(i) nodes.
        long afterFirst = verifier.Hashes - (1 + BatchTree.PathLength(count, 0));
        await Assert.That(afterFirst).IsLessThanOrEqualTo(2L * (count - 1));
        await Assert.That(verifier.SignaturesChecked).IsEqualTo(1);
    }

    [Test]
    [Arguments(7)]
    [Arguments(32)]
    public async Task A_verifier_that_learned_a_whole_batch_refuses_exactly_what_a_fresh_one_refuses(int count)
    {
        var random = new Random(100 + count);
        List<byte[]> frames = Batch(Alice, count);
        var warm = new LineVerifier(new SignatureMemo());
        foreach (byte[] frame in frames.OrderBy(_ => random.Next()))
            await Assert.That(Verify(warm, frame)).IsTrue();
        for (int trial = 0; trial < 3000; trial++)
        {
            byte[] frame = (byte[])frames[random.Next(count)].Clone();
            int at = Protocol.LengthPrefixSize + 1 + random.Next(frame.Length - Protocol.LengthPrefixSize - 1);
            frame[at] ^= (byte)(1 << random.Next(8));
            bool fresh = Verify(new LineVerifier(new SignatureMemo()), frame);
            bool cached = Verify(warm, frame);
            await Assert.That(cached).IsEqualTo(fresh).Because($"trial {trial}: byte {at} of a {frame.Length}-byte frame flipped");
            await Assert.That(fresh).IsFalse().Because($"trial {trial}: byte {at} flipped should break the seal or the line");
        }
        foreach (byte[] frame in frames)
            await Assert.That(Verify(warm, frame)).IsTrue();
    }

    [Test]
    [Arguments(5)]
    [Arguments(37)]
    [Arguments(128)]
    public async Task A_batch_of_short_and_long_lines_mixed_verifies_line_by_line(int count)
    {
        // The signer hashes four short lines' leaves at once and longer ones alone; the verifier one at a time.
        var random = new Random(count);
        var signer = new LineSigner(Alice, new SelfName(Encoding.UTF8.GetBytes("alice")));
        for (int i = 0; i < count; i++)
            signer.Add(new MessageId(Alice.NodeId, 1 + (ulong)i), 1000 + i, Encoding.UTF8.GetBytes(new string('x', random.Next(4) == 0 ? 20 + random.Next(200) : 1 + random.Next(28))));
        signer.Sign();
        var buffer = new byte[Protocol.MaxFrameSize];

        for (int i = 0; i < count; i++)
        {
            byte[] frame = buffer[..signer.WriteFrame(i, buffer, out _)];
            await Assert.That(Verify(new LineVerifier(new SignatureMemo()), frame)).IsTrue().Because($"line {i}, frame {frame.Length} bytes");
        }
    }
}
