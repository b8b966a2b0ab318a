// A link's buffers grow for a burst and go back to their small size once it has passed (BurstBuffer). Kept at their
// burst size, a 64 KiB read buffer and a 16 KiB record outbox stayed with every link for its life: in a network of
// 1,000 members every link gets a burst when it opens (the roster), so that was most of what a node held.
using P2PChat.Net;

namespace P2PChat.Tests.Integration;

[ParallelLimiter<IntegrationParallelLimit>]
public class LinkBufferTests
{
    [Test]
    public async Task A_link_that_grew_its_buffers_for_long_lines_gives_the_room_back_after_a_run_of_short_ones()
    {
        using TestNetwork network = TestNetwork.Start(2);
        await network.ConnectAll([(1, 0)]);
        ChatNode sender = network.Nodes[0], receiver = network.Nodes[1];

        // Three lines of 8,000 bytes: each is a record larger than a new link's 4 KiB read buffer and outbox.
        for (int i = 0; i < 3; i++)
            sender.Say($"long {i} " + new string('x', 8000), TestNetwork.Now);
        await Eventually.WaitUntil(() => network.Sinks[1].MessageCount >= 3, TestNetwork.Deadline, "the long lines");
        long receiverGrown = receiver.LinkBufferBytes, senderGrown = sender.LinkBufferBytes;
        await Assert.That(receiverGrown).IsGreaterThanOrEqualTo(16 * 1024).Because("the receiver's read buffer grew for the long lines (fourfold)");
        await Assert.That(senderGrown).IsGreaterThan(8000).Because("the sender's outbox grew for the long lines");

        // Short lines one at a time, each its own read and its own record: a quiet run longer than BurstBuffer's.
        for (int i = 0; i < BurstBuffer.QuietUses + 16; i++)
        {
            string line = $"n0: short {i}";
            sender.Say($"short {i}", TestNetwork.Now);
            await Eventually.WaitUntil(() => network.Sinks[1].CountOf(line) == 1, TestNetwork.Deadline, $"short line {i}");
        }

        // One link end each: a 4 KiB read buffer and a 4 KiB outbox at most.
        await Eventually.WaitUntil(() => receiver.LinkBufferBytes <= 2 * 4096 && sender.LinkBufferBytes <= 2 * 4096, TestNetwork.Deadline,
            "both ends' buffers back to their small size", () => $"receiver {receiver.LinkBufferBytes} (grown {receiverGrown}), sender {sender.LinkBufferBytes} (grown {senderGrown})");

        // And they grow again for the next long line, which arrives whole.
        string last = "long again " + new string('y', 8000);
        sender.Say(last, TestNetwork.Now);
        await Eventually.WaitUntil(() => network.Sinks[1].CountOf("n0: " + last) == 1, TestNetwork.Deadline, "the next long line");
        await Assert.That(receiver.LinkBufferBytes).IsGreaterThanOrEqualTo(16 * 1024);
    }
}
