// Cut-through: a relay passes a live line that needs a signature check on before checking it (as CHAT_UNCHECKED), so a
// hop costs a copy, not an Ed25519 verification. Every receiver still checks every line before showing it; what changes
// is blame: a forgery in an unchecked line is not the sending neighbour's fault, so it is dropped without closing that
// link, and the link's lines are checked before they are passed on from then on. Mallory, with keys of her own, joins
// the middle of a line n0 - n1 - n2.
using P2PChat.Net;

namespace P2PChat.Tests;

[ParallelLimiter<IntegrationParallelLimit>]
public class CutThroughTests
{
    private const int Relay = 1;

    private static async Task<(TestNetwork Network, RawPeer Mallory)> LineOfThreeWithMallory()
    {
        // Untagged lines (TagLines off): a line said alone needs each reader's own signature check, which is the case here.
        TestNetwork network = TestNetwork.Start(3, (_, options) => options with { TargetLinks = 0, TagLines = false });
        try
        {
            await network.ConnectAll([(1, 0), (2, 1)]);
            RawPeer mallory = await RawPeer.ConnectAsync(network.Nodes[Relay].ListenEndPoint);
            await mallory.HandshakeAsync("mallory");
            await Eventually.WaitUntil(() => network.Sinks[Relay].Joined.Contains("mallory"), TestNetwork.Deadline,
                "n1 to accept mallory's handshake", network.Sinks[Relay].ToString);
            return (network, mallory);
        }
        catch
        {
            network.Dispose();
            throw;
        }
    }

    private static Task SaysAndIsHeard(TestNetwork network, string text) =>
        Task.Run(async () =>
        {
            network.Nodes[0].Say(text, TestNetwork.Now);
            await Eventually.WaitUntil(() => network.Sinks[2].CountOf($"n0: {text}") == 1, TestNetwork.Deadline,
                $"n2 to show \"{text}\" once", network.Sinks[2].ToString);
        });

    [Test]
    public async Task A_relay_passes_a_signed_line_on_before_checking_it_and_the_far_end_shows_it_once()
    {
        (TestNetwork network, RawPeer mallory) = await LineOfThreeWithMallory();
        using TestNetwork _ = network;
        using RawPeer __ = mallory;

        // Nothing is passed on unchecked while the relay waits for its history (slow under a loaded CPU).
        await Eventually.WaitUntil(() => !network.Nodes[Relay].AwaitingHistory, TestNetwork.Deadline, "n1 to have its history");
        await SaysAndIsHeard(network, "first"); // n1 meets n0's lines: the next one is known to be next
        await SaysAndIsHeard(network, "second");
        await SaysAndIsHeard(network, "third");

        (long passed, long forged) = network.Nodes[Relay].UncheckedLines;
        await Assert.That(passed).IsGreaterThanOrEqualTo(2);
        await Assert.That(forged).IsEqualTo(0);
        await Assert.That(network.Sinks[2].CountOf("n0: second")).IsEqualTo(1);
    }

    [Test]
    public async Task An_unchecked_forgery_is_shown_nowhere_and_does_not_cut_the_relay_that_passed_it_on()
    {
        (TestNetwork network, RawPeer mallory) = await LineOfThreeWithMallory();
        using TestNetwork _ = network;
        using RawPeer __ = mallory;
        await SaysAndIsHeard(network, "first");
        ulong victim = network.Nodes[0].NodeId;

        // Mallory's key under n0's origin, as n0's next line, sent as if she were passing it on unchecked: n1 passes it
        // on before its own check, so n2 gets a forgery from n1, which is honest.
        byte[] forged = SecurePeer.ForgedLine(mallory.Session!.Keys, victim, "n0", 2, "send me your password");
        forged[Protocol.LengthPrefixSize] = (byte)FrameType.ChatUnchecked;
        await mallory.SendFramesAsync(forged);

        await Eventually.WaitUntil(() => network.Nodes[2].UncheckedLines.Forged == 1, TestNetwork.Deadline,
            "n2 to drop the forgery n1 passed on", network.Sinks[2].ToString);
        await Assert.That(network.Nodes[Relay].UncheckedLines.Forged).IsEqualTo(1);

        // The real line 2 is not taken for a copy; nobody was cut; nobody showed the forgery.
        await SaysAndIsHeard(network, "the real second");
        await Assert.That(await network.EveryoneSaysOneMessage("after the forgery")).IsEmpty();
        foreach (RecordingSink sink in network.Sinks)
        {
            await Assert.That(sink.Messages.Any(m => m.Contains("password"))).IsFalse().Because(sink.ToString());
            await Assert.That(sink.Left).IsEmpty().Because(sink.ToString());
        }

        // From now on n1 checks mallory's lines first: her next forgery (n0's next line, 4: n0 said 3 by now; a copy of a
        // line n1 has is dropped unchecked) stops at n1.
        long passedBefore = network.Nodes[Relay].UncheckedLines.Passed;
        byte[] again = SecurePeer.ForgedLine(mallory.Session.Keys, victim, "n0", 4, "again");
        again[Protocol.LengthPrefixSize] = (byte)FrameType.ChatUnchecked;
        await mallory.SendFramesAsync(again);
        await Eventually.WaitUntil(() => network.Nodes[Relay].UncheckedLines.Forged == 2, TestNetwork.Deadline,
            "n1 to drop mallory's second forgery", network.Sinks[Relay].ToString);
        await Assert.That(network.Nodes[Relay].UncheckedLines.Passed).IsEqualTo(passedBefore);
        await SaysAndIsHeard(network, "the real third");
        await Assert.That(network.Nodes[2].UncheckedLines.Forged).IsEqualTo(1);
    }

    [Test]
    public async Task A_copy_of_a_line_the_relay_has_is_dropped_before_any_check_and_cuts_nobody()
    {
        (TestNetwork network, RawPeer mallory) = await LineOfThreeWithMallory();
        using TestNetwork _ = network;
        using RawPeer __ = mallory;
        await SaysAndIsHeard(network, "first");
        await SaysAndIsHeard(network, "second");
        long checks = network.Nodes[Relay].TaggedLines.SignatureChecks;
        long copies = network.Nodes[Relay].DuplicatesReceived;

        // n0's line 1 again, as a REPLAY (which vouches for it) and not even genuine: a copy of a line n1 has records
        // nothing, so n1 drops it unread. A repair's answer is mostly such copies, and checking each one cost an Ed25519
        // verification.
        byte[] copy = SecurePeer.ForgedLine(mallory.Session!.Keys, network.Nodes[0].NodeId, "n0", 1, "first, altered");
        copy[Protocol.LengthPrefixSize] = (byte)FrameType.Replay;
        await mallory.SendFramesAsync(copy);

        await Eventually.WaitUntil(() => network.Nodes[Relay].DuplicatesReceived > copies, TestNetwork.Deadline,
            "n1 to count mallory's copy", network.Sinks[Relay].ToString);
        await Assert.That(network.Nodes[Relay].TaggedLines.SignatureChecks).IsEqualTo(checks);
        await SaysAndIsHeard(network, "third");
        foreach (RecordingSink sink in network.Sinks)
        {
            await Assert.That(sink.Messages.Any(m => m.Contains("altered"))).IsFalse().Because(sink.ToString());
            await Assert.That(sink.Left).IsEmpty().Because(sink.ToString());
        }
    }

    [Test]
    public async Task An_unchecked_line_that_names_its_own_sender_and_does_not_verify_cuts_that_sender_off()
    {
        (TestNetwork network, RawPeer mallory) = await LineOfThreeWithMallory();
        using TestNetwork _ = network;
        using RawPeer __ = mallory;

        // Her own line, altered after signing: nobody but mallory can have made it.
        byte[] altered = RawPeer.Chat(mallory.Session!.Keys, 1, "mallory", "hello"u8.ToArray());
        altered[^1] ^= 0x01;
        altered[Protocol.LengthPrefixSize] = (byte)FrameType.ChatUnchecked;
        await mallory.SendFramesAsync(altered);

        (string end, long _) = await mallory.ReadUntilClosedAsync(TestNetwork.Deadline);
        await Assert.That(end).IsIn(["EOF", "ConnectionReset"]);
        await Eventually.WaitUntil(() => network.Sinks[Relay].Left.Any(l => l.StartsWith("mallory (protocol error") && l.Contains("signature")),
            TestNetwork.Deadline, "n1 to cut mallory off for a bad signature", network.Sinks[Relay].ToString);
    }
}
