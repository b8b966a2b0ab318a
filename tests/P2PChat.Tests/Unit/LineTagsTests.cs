// Per-reader tags (LineTags) as pure logic, checked the way a node checks lines (LineVerifier): a tag checks for its
// reader only, over exactly the batch it was made for; the first line of a batch carries the tags and the batch's
// other lines are taken on them; the signature is still what history needs; and an author with more readers than it
// computes pair keys for in one tick tags them all from the next ticks on.
using System.Text;
using P2PChat.Net;
using P2PChat.Net.Crypto;

namespace P2PChat.Tests;

public class LineTagsTests
{
    private static NodeKeys Keys(int seed) => NodeKeys.Generate(new SeededRandomSource(new Random(seed)));

    /// <summary>A roster that has heard each of <paramref name="members"/> announce itself.</summary>
    private static Roster RosterOf(params NodeKeys[] members)
    {
        var roster = new Roster();
        foreach (NodeKeys member in members)
        {
            byte[] frame = SecurePeer.Announcement(member, $"m{member.NodeId % 1000}");
            FrameReader.TryParsePresence(frame.AsSpan(Protocol.LengthPrefixSize), out PresenceView view);
            roster.Apply(view, frame, 0, out _);
        }
        return roster;
    }

    /// <summary>Alice, who tags her lines for bob (his pair key computed), and bob, who knows her keys.</summary>
    private static (NodeKeys Alice, LineTags AliceTags, LineTags BobTags) AliceTagsForBob()
    {
        NodeKeys alice = Keys(1), bob = Keys(2);
        var aliceTags = new LineTags(alice, RosterOf(bob));
        aliceTags.Tick(0);
        return (alice, aliceTags, new LineTags(bob, RosterOf(alice)));
    }

    /// <summary>The frames of a batch of <paramref name="texts"/> from <paramref name="author"/>, from <paramref name="first"/> on.</summary>
    private static byte[][] TaggedBatch(NodeKeys author, LineTags tags, ulong first, params string[] texts)
    {
        var signer = new LineSigner(author, new SelfName("alice"u8.ToArray()));
        for (int i = 0; i < texts.Length; i++)
            signer.Add(new MessageId(author.NodeId, first + (ulong)i), 1000, Encoding.UTF8.GetBytes(texts[i]));
        signer.Sign();
        var buffer = new byte[Protocol.MaxFrameSize];
        return [.. Enumerable.Range(0, texts.Length).Select(i => buffer[..signer.WriteFrame(i, buffer, out _, tags)])];
    }

    private static byte[] TaggedLine(NodeKeys author, LineTags tags, ulong seq, string text) => TaggedBatch(author, tags, seq, text)[0];

    private static ChatView Parse(byte[] frame) =>
        FrameReader.TryParseChat(frame.AsSpan(Protocol.LengthPrefixSize), out ChatView chat) is { } error
            ? throw new InvalidOperationException(error)
            : chat;

    private static LineCheck Checks(LineTags reader, byte[] frame) => new LineVerifier(new SignatureMemo()).Check(Parse(frame), reader);

    [Test]
    public async Task A_member_who_comes_online_is_tagged_for_on_the_next_tick_and_the_author_asks_for_one()
    {
        NodeKeys alice = Keys(1), bob = Keys(2), carol = Keys(3);
        Roster roster = RosterOf(bob);
        var aliceTags = new LineTags(alice, roster);
        aliceTags.Tick(0);
        await Assert.That(aliceTags.Readers).IsEqualTo(1);
        await Assert.That(aliceTags.Busy).IsFalse(); // an idle node need not tick for its tags

        byte[] frame = SecurePeer.Announcement(carol, "carol");
        FrameReader.TryParsePresence(frame.AsSpan(Protocol.LengthPrefixSize), out PresenceView view);
        roster.Apply(view, frame, 100, out _);

        // Carol came online 100 ms after the last look: the next tick, well within ReadersEveryMs, tags for her too.
        await Assert.That(aliceTags.Busy).IsTrue();
        aliceTags.Tick(250);
        await Assert.That(aliceTags.Readers).IsEqualTo(2);
        await Assert.That(aliceTags.Busy).IsFalse();
        byte[] line = TaggedLine(alice, aliceTags, 1, "hello carol");
        await Assert.That(Checks(new LineTags(carol, RosterOf(alice)), line)).IsEqualTo(LineCheck.Tagged);
    }

    [Test]
    public async Task A_tag_checks_for_its_reader_over_exactly_its_line_and_for_nobody_else()
    {
        NodeKeys alice = Keys(1), bob = Keys(2), carol = Keys(3);
        var aliceTags = new LineTags(alice, RosterOf(bob));
        aliceTags.Tick(0);
        var bobTags = new LineTags(bob, RosterOf(alice));
        var carolTags = new LineTags(carol, RosterOf(alice));
        byte[] line = TaggedLine(alice, aliceTags, 7, "hello bob");

        await Assert.That(Checks(bobTags, line)).IsEqualTo(LineCheck.Tagged);
        await Assert.That(Checks(carolTags, line)).IsEqualTo(LineCheck.Signed); // no tag for carol: she checks the signature
        await Assert.That(carolTags.Refused).IsEqualTo(0);

        byte[] altered = (byte[])line.Clone();
        altered[^1] ^= 0x01; // the text: neither the tag nor the signature holds
        await Assert.That(Checks(bobTags, altered)).IsEqualTo(LineCheck.Forged);
        await Assert.That(bobTags.Refused).IsEqualTo(1);

        // The same text under another sequence number with the first line's tag moved onto it: the signature decides.
        byte[] other = TaggedLine(alice, aliceTags, 8, "hello bob");
        byte[] moved = (byte[])other.Clone();
        line.AsSpan(line.Length - "hello bob".Length - 16, 16).CopyTo(moved.AsSpan(moved.Length - "hello bob".Length - 16));
        await Assert.That(Checks(bobTags, moved)).IsEqualTo(LineCheck.Signed);
        await Assert.That(bobTags.Refused).IsEqualTo(2);
        await Assert.That(Checks(bobTags, other)).IsEqualTo(LineCheck.Tagged);
    }

    [Test]
    public async Task A_reader_whose_author_never_announced_itself_checks_the_signature_instead()
    {
        NodeKeys alice = Keys(1), bob = Keys(2);
        var aliceTags = new LineTags(alice, RosterOf(bob));
        aliceTags.Tick(0);
        var bobTags = new LineTags(bob, new Roster());

        await Assert.That(Checks(bobTags, TaggedLine(alice, aliceTags, 1, "who am I"))).IsEqualTo(LineCheck.Signed);
        await Assert.That(bobTags.Refused).IsEqualTo(0);
    }

    [Test]
    public async Task Readers_past_the_pair_keys_of_one_tick_are_tagged_from_the_next_ticks_up_to_sixteen()
    {
        NodeKeys alice = Keys(1);
        NodeKeys[] members = [.. Enumerable.Range(100, 20).Select(Keys)];
        var tags = new LineTags(alice, RosterOf(members));

        tags.Tick(0);
        await Assert.That(tags.Readers).IsEqualTo(LineTags.PairsPerTick);
        tags.Tick(250);
        await Assert.That(tags.Readers).IsEqualTo(Protocol.MaxLineTags);
        tags.Tick(500);
        tags.Tick(5000);
        await Assert.That(tags.PairKeys).IsEqualTo(Protocol.MaxLineTags).Because("keys only for the readers it tags");

        byte[] line = TaggedLine(alice, tags, 1, "to all");
        int checks = members.Count(m => Checks(new LineTags(m, RosterOf(alice)), line) == LineCheck.Tagged);
        await Assert.That(checks).IsEqualTo(Protocol.MaxLineTags);
    }

    [Test]
    public async Task The_first_line_of_a_batch_carries_the_tags_and_its_other_lines_are_taken_on_them_without_a_signature_check()
    {
        (NodeKeys alice, LineTags aliceTags, LineTags bobTags) = AliceTagsForBob();
        byte[][] batch = TaggedBatch(alice, aliceTags, 1, "one", "two", "three", "four", "five");
        await Assert.That(batch.Skip(1).All(frame => Parse(frame).Tags.IsEmpty)).IsTrue();
        await Assert.That(Parse(batch[0]).Tags.Length).IsEqualTo(Protocol.LineTagSize);

        var verifier = new LineVerifier(new SignatureMemo());
        LineCheck[] checks = [.. batch.Select(frame => verifier.Check(Parse(frame), bobTags))];

        await Assert.That(checks.All(c => c == LineCheck.Tagged)).IsTrue();
        await Assert.That(verifier.SignaturesChecked).IsEqualTo(0);
        await Assert.That(bobTags.Accepted).IsEqualTo(1);

        // History (or a replay) needs the signature: checked once over the known root, then the batch counts as signed.
        await Assert.That(verifier.Check(Parse(batch[2]), null)).IsEqualTo(LineCheck.Signed);
        await Assert.That(verifier.Check(Parse(batch[3]), bobTags)).IsEqualTo(LineCheck.Signed);
        await Assert.That(verifier.SignaturesChecked).IsEqualTo(1);
    }

    [Test]
    public async Task A_later_line_that_comes_before_the_tagged_first_one_is_checked_on_the_signature()
    {
        (NodeKeys alice, LineTags aliceTags, LineTags bobTags) = AliceTagsForBob();
        byte[][] batch = TaggedBatch(alice, aliceTags, 1, "one", "two", "three");
        var verifier = new LineVerifier(new SignatureMemo());

        await Assert.That(verifier.Check(Parse(batch[2]), bobTags)).IsEqualTo(LineCheck.Signed);
        await Assert.That(verifier.Check(Parse(batch[0]), bobTags)).IsEqualTo(LineCheck.Signed);
        await Assert.That(verifier.SignaturesChecked).IsEqualTo(1);
        await Assert.That(bobTags.Accepted).IsEqualTo(0);
    }

    [Test]
    public async Task An_author_that_tags_one_batch_and_signs_another_under_the_same_sequence_numbers_cannot_make_the_signed_one_look_forged()
    {
        (NodeKeys alice, LineTags aliceTags, LineTags bobTags) = AliceTagsForBob();
        byte[][] tagged = TaggedBatch(alice, aliceTags, 1, "to bob", "only");
        byte[][] signed = TaggedBatch(alice, aliceTags, 1, "to all", "of you");
        // The tagged batch carries the signed one's seal (signature included), so its lines match the signed batch's
        // cached header: its tag holds, its signature does not.
        ChatView signedFirst = Parse(signed[0]);
        foreach (byte[] frame in tagged)
        {
            ChatView chat = Parse(frame);
            int sealAt = Protocol.LengthPrefixSize + Protocol.ChatHeaderSize + chat.Name.Length;
            signedFirst.Seal.Header.CopyTo(frame.AsSpan(sealAt));
        }
        var verifier = new LineVerifier(new SignatureMemo());

        await Assert.That(verifier.Check(Parse(tagged[0]), bobTags)).IsEqualTo(LineCheck.Tagged);
        await Assert.That(verifier.Check(Parse(signed[1]), bobTags)).IsEqualTo(LineCheck.Signed);
        await Assert.That(verifier.Check(Parse(tagged[1]), null)).IsEqualTo(LineCheck.Forged);
        await Assert.That(verifier.Rechecked).IsGreaterThanOrEqualTo(1);
    }
}
