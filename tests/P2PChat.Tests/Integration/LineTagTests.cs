// Per-reader tags (LineTags): a line said alone carries a Poly1305 tag for each reader, under a key only its author and
// that reader share, so a reader with a valid tag shows it without an Ed25519 check, and passes it on unchecked. A
// missing or altered tag sends the reader to the signature, as before tags. Mallory, with keys of her own, joins the
// middle of a line n0 - n1 - n2 to play an author who tags her lines, honestly or not.
using System.Text;
using P2PChat.Net;
using P2PChat.Net.Crypto;

namespace P2PChat.Tests;

[ParallelLimiter<IntegrationParallelLimit>]
public class LineTagTests
{
    private const int Relay = 1;

    private static async Task<(TestNetwork Network, NodeKeys RelayKeys)> LineOfThree()
    {
        TestNetwork network = new();
        NodeKeys relayKeys = NodeKeys.Generate(OsRandom.Instance);
        try
        {
            network.Add(TestNetwork.DefaultOptions("n0"));
            network.Add(TestNetwork.DefaultOptions("n1"), relayKeys);
            network.Add(TestNetwork.DefaultOptions("n2"));
            await network.ConnectAll([(1, 0), (2, 1)]);
            return (network, relayKeys);
        }
        catch
        {
            network.Dispose();
            throw;
        }
    }

    /// <summary>The line of three, and mallory (keys of her own) linked to the relay, announced to everyone.</summary>
    private static async Task<(TestNetwork Network, NodeKeys RelayKeys, NodeKeys Mallory, RawPeer Peer)> LineOfThreeWithMallory()
    {
        (TestNetwork network, NodeKeys relayKeys) = await LineOfThree();
        NodeKeys mallory = NodeKeys.Generate(OsRandom.Instance);
        RawPeer? peer = null;
        try
        {
            peer = await RawPeer.ConnectAsync(network.Nodes[Relay].ListenEndPoint);
            await peer.HandshakeAsync("mallory", mallory);
            await peer.SendFramesAsync(SecurePeer.Announcement(mallory, "mallory"));
            foreach (int node in new[] { Relay, 2 })
                await Eventually.WaitUntil(() => network.Sinks[node].Presence.Contains("+mallory"), TestNetwork.Deadline,
                    $"n{node} to know mallory's keys from her announcement", network.Sinks[node].ToString);
            return (network, relayKeys, mallory, peer);
        }
        catch
        {
            peer?.Dispose();
            network.Dispose();
            throw;
        }
    }

    /// <summary>Mallory's line <paramref name="seq"/>, tagged for n1 only (her roster knows n1 alone), with its
    /// signature or its tag spoilt on request.</summary>
    private static byte[] MalloryLine(NodeKeys mallory, NodeKeys reader, ulong seq, string text, bool spoilSignature = false,
        bool spoilTag = false)
    {
        var roster = new Roster();
        byte[] announcement = SecurePeer.Announcement(reader, "n1");
        FrameReader.TryParsePresence(announcement.AsSpan(Protocol.LengthPrefixSize), out PresenceView view);
        roster.Apply(view, announcement, TestNetwork.Now, out _);
        var tags = new LineTags(mallory, roster);
        tags.Tick(TestNetwork.Now);

        byte[] name = "mallory"u8.ToArray();
        var signer = new LineSigner(mallory, new SelfName(name));
        signer.Add(new MessageId(mallory.NodeId, seq), TestNetwork.Now, Encoding.UTF8.GetBytes(text));
        signer.Sign();
        var frame = new byte[Protocol.MaxFrameSize];
        int size = signer.WriteFrame(0, frame, out _, tags);
        frame = frame[..size];
        int seal = Protocol.LengthPrefixSize + Protocol.ChatHeaderSize + name.Length;
        int tagsAt = seal + Protocol.SealFixedSize; // a batch of one has no path
        if (frame[tagsAt] != 1)
            throw new InvalidOperationException($"expected one tag, found {frame[tagsAt]}");
        if (spoilSignature)
            frame[seal + Protocol.KeySize + 8 + 8 + 1] ^= 0x01;
        if (spoilTag)
            frame[tagsAt + 1 + Protocol.LineTagSize - 1] ^= 0x01;
        return frame;
    }

    [Test]
    public async Task A_line_said_alone_is_shown_on_its_tags_and_no_reader_checks_its_signature()
    {
        (TestNetwork network, NodeKeys _) = await LineOfThree();
        using TestNetwork __ = network;
        await Eventually.WaitUntil(() => network.Nodes[0].TaggedLines.Readers == 2, TimeSpan.FromSeconds(5),
            "n0 to tag its lines for n1 and n2", network.Sinks[0].ToString);
        long relayChecks = network.Nodes[Relay].TaggedLines.SignatureChecks;
        long farChecks = network.Nodes[2].TaggedLines.SignatureChecks;

        network.Nodes[0].Say("tagged", TestNetwork.Now);
        // The relay passes a tagged line on before it shows it, so n2 may show it first.
        foreach (int node in new[] { 2, Relay })
            await Eventually.WaitUntil(() => network.Sinks[node].CountOf("n0: tagged") == 1, TestNetwork.Deadline,
                $"n{node} to show the line", network.Sinks[node].ToString);
        await Eventually.WaitUntilStable(() => network.Sinks[2].MessageCount, TimeSpan.FromMilliseconds(100),
            TestNetwork.Deadline, "n2's messages");

        await Assert.That(network.Sinks[2].CountOf("n0: tagged")).IsEqualTo(1);
        foreach (int node in new[] { Relay, 2 })
        {
            var tagged = network.Nodes[node].TaggedLines;
            await Assert.That(tagged.Accepted).IsEqualTo(1).Because($"n{node}");
            await Assert.That(tagged.Refused).IsEqualTo(0).Because($"n{node}");
        }
        await Assert.That(network.Nodes[Relay].TaggedLines.SignatureChecks).IsEqualTo(relayChecks);
        await Assert.That(network.Nodes[2].TaggedLines.SignatureChecks).IsEqualTo(farChecks);
    }

    [Test]
    public async Task A_spoilt_tag_sends_its_reader_to_the_signature_and_the_line_is_still_shown_once()
    {
        (TestNetwork network, NodeKeys relayKeys, NodeKeys mallory, RawPeer peer) = await LineOfThreeWithMallory();
        using TestNetwork _ = network;
        using RawPeer __ = peer;
        long checks = network.Nodes[Relay].TaggedLines.SignatureChecks;

        await peer.SendFramesAsync(MalloryLine(mallory, relayKeys, 1, "my tag was bent", spoilTag: true));

        foreach (int node in new[] { Relay, 2 })
            await Eventually.WaitUntil(() => network.Sinks[node].CountOf("mallory: my tag was bent") == 1, TestNetwork.Deadline,
                $"n{node} to show the line on its signature", network.Sinks[node].ToString);
        var relay = network.Nodes[Relay].TaggedLines;
        await Assert.That(relay.Refused).IsEqualTo(1);
        await Assert.That(relay.Accepted).IsEqualTo(0);
        await Assert.That(relay.SignatureChecks).IsEqualTo(checks + 1);
        await Assert.That(network.Sinks[Relay].Left).IsEmpty();
    }

    [Test]
    public async Task An_author_whose_tag_holds_but_whose_signature_does_not_reaches_only_its_tagged_reader_and_is_never_replayed()
    {
        (TestNetwork network, NodeKeys relayKeys, NodeKeys mallory, RawPeer peer) = await LineOfThreeWithMallory();
        using TestNetwork _ = network;
        using RawPeer __ = peer;

        // n1 has a valid tag and shows it: only mallory could have made that tag, so she did say it. n1 passes it on
        // unchecked; n2 has no tag, checks the signature, and drops the line without blaming n1, which is honest.
        await peer.SendFramesAsync(MalloryLine(mallory, relayKeys, 1, "two faces", spoilSignature: true));
        await Eventually.WaitUntil(() => network.Sinks[Relay].CountOf("mallory: two faces") == 1, TestNetwork.Deadline,
            "n1 to show the line on its tag", network.Sinks[Relay].ToString);
        await Eventually.WaitUntil(() => network.Nodes[2].UncheckedLines.Forged == 1, TestNetwork.Deadline,
            "n2 to drop the line whose signature fails", network.Sinks[2].ToString);
        await Assert.That(network.Sinks[2].CountOf("mallory: two faces")).IsEqualTo(0);
        await Assert.That(await network.EveryoneSaysOneMessage("after two faces")).IsEmpty();
        await Assert.That(network.Sinks[2].Left).IsEmpty();

        // A newcomer that takes its history from n1 gets n0's line but not mallory's: n1 checks the signature of a line
        // it took on its tag before it replays it.
        int newcomer = network.Add(TestNetwork.DefaultOptions("n3"));
        await network.Connect(newcomer, Relay);
        await Eventually.WaitUntil(() => network.Sinks[newcomer].CountOf("n0: after two faces from n0") == 1, TimeSpan.FromSeconds(5),
            "n3 to get n0's line as history", network.Sinks[newcomer].ToString);
        await Assert.That(network.Sinks[newcomer].Messages.Any(m => m.Contains("two faces") && m.StartsWith("mallory"))).IsFalse();
        await Assert.That(network.Nodes[Relay].TaggedLines.ForgedSignatures).IsEqualTo(1);
    }

    [Test]
    public async Task A_typed_line_signed_with_a_nonce_made_ahead_of_time_verifies_at_a_reader_that_checks_its_signature()
    {
        using TestNetwork network = TestNetwork.Start(2, (_, options) => options with { TagLines = false });
        await network.Connect(1, 0);
        long checks = network.Nodes[1].TaggedLines.SignatureChecks;

        // The first line said alone is signed as RFC 8032 signs; then nonces are made (on a thread that runs when a
        // CPU idles, so under load this can take a while) and the next lines are signed with them.
        foreach (string text in new[] { "first", "second", "third" })
        {
            network.Nodes[0].Say(text, TestNetwork.Now);
            await Eventually.WaitUntil(() => network.Sinks[1].CountOf($"n0: {text}") == 1, TestNetwork.Deadline,
                $"n1 to show \"{text}\"", network.Sinks[1].ToString);
            if (text == "first")
                await Eventually.WaitUntil(() => network.Nodes[0].PresignedLines.Ready >= 2, TimeSpan.FromSeconds(20),
                    "n0 to make two nonces ahead of time");
        }

        await Assert.That(network.Nodes[0].PresignedLines.Signed).IsEqualTo(2);
        await Assert.That(network.Nodes[1].TaggedLines.SignatureChecks).IsEqualTo(checks + 3);
        await Assert.That(network.Nodes[1].UncheckedLines.Forged).IsEqualTo(0);
        await Assert.That(network.Sinks[1].Left).IsEmpty();
    }
}
