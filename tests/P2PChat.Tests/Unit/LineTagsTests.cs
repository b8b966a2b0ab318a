// Per-reader tags (LineTags) as pure logic: a tag checks for its reader only, over exactly the line it was made for,
// and an author with more readers than it computes pair keys for in one tick tags them all from the next ticks on.
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

    private static byte[] TaggedLine(NodeKeys author, LineTags tags, ulong seq, string text)
    {
        var signer = new LineSigner(author, "alice"u8.ToArray());
        signer.Add(new MessageId(author.NodeId, seq), 1000, Encoding.UTF8.GetBytes(text));
        signer.Sign();
        var buffer = new byte[Protocol.MaxFrameSize];
        return buffer[..signer.WriteFrame(0, buffer, out _, tags)];
    }

    private static bool Checks(LineTags reader, byte[] frame)
    {
        if (FrameReader.TryParseChat(frame.AsSpan(Protocol.LengthPrefixSize), out ChatView chat) is { } error)
            throw new InvalidOperationException(error);
        return reader.Check(chat);
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

        await Assert.That(Checks(bobTags, line)).IsTrue();
        await Assert.That(Checks(carolTags, line)).IsFalse(); // no tag for carol: she checks the signature
        await Assert.That(carolTags.Refused).IsEqualTo(0);

        byte[] altered = (byte[])line.Clone();
        altered[^1] ^= 0x01; // the text
        await Assert.That(Checks(bobTags, altered)).IsFalse();
        await Assert.That(bobTags.Refused).IsEqualTo(1);

        // The same text under another sequence number (a replayed tag) does not check either.
        byte[] other = TaggedLine(alice, aliceTags, 8, "hello bob");
        byte[] moved = (byte[])other.Clone();
        line.AsSpan(line.Length - "hello bob".Length - 16, 16).CopyTo(moved.AsSpan(moved.Length - "hello bob".Length - 16));
        await Assert.That(Checks(bobTags, moved)).IsFalse();
        await Assert.That(Checks(bobTags, other)).IsTrue();
    }

    [Test]
    public async Task A_reader_whose_author_never_announced_itself_checks_the_signature_instead()
    {
        NodeKeys alice = Keys(1), bob = Keys(2);
        var aliceTags = new LineTags(alice, RosterOf(bob));
        aliceTags.Tick(0);
        var bobTags = new LineTags(bob, new Roster());

        await Assert.That(Checks(bobTags, TaggedLine(alice, aliceTags, 1, "who am I"))).IsFalse();
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
        int checks = members.Count(m => Checks(new LineTags(m, RosterOf(alice)), line));
        await Assert.That(checks).IsEqualTo(Protocol.MaxLineTags);
    }
}
