// Private messages (:msg): sealed to the recipient's key, relayed by others who cannot read them, shown once and only
// to the recipient, kept in the logs like any line, and refused for someone who is not online.
using P2PChat.Net;

namespace P2PChat.Tests;

[ParallelLimiter<IntegrationParallelLimit>]
public class PrivateMessageTests
{
    private static async Task<TestNetwork> LineOfThree()
    {
        TestNetwork network = TestNetwork.Start(3);
        try
        {
            await network.ConnectAll([(1, 0), (2, 1)]);
            // Private messages need the recipient's key from its presence announcement.
            await Eventually.WaitUntil(() => network.Nodes[0].Members().Any(m => m.Name == "n2"), TestNetwork.Deadline,
                "n0 to know n2 is online", network.Sinks[0].ToString);
        }
        catch
        {
            network.Dispose();
            throw;
        }
        return network;
    }

    [Test]
    public async Task A_private_message_reaches_only_its_recipient_once_through_a_relay_that_cannot_read_it()
    {
        using TestNetwork network = await LineOfThree();
        ulong n2 = network.Nodes[2].NodeId;

        network.Nodes[0].SayPrivate(n2, "the key is under the mat", TestNetwork.Now);
        network.Nodes[0].Say("a line for everyone", TestNetwork.Now);

        await Eventually.WaitUntil(() => network.Sinks[2].CountOf("n0: a line for everyone") == 1, TestNetwork.Deadline,
            "n2 to get the public line after the private one", network.Sinks[2].ToString);
        await Assert.That(network.Sinks[2].CountOf("n0 (private): the key is under the mat")).IsEqualTo(1);
        // The relay's display runs on a thread of its own: it may show the line a moment after n2 does.
        await Eventually.WaitUntil(() => network.Sinks[1].CountOf("n0: a line for everyone") == 1, TestNetwork.Deadline,
            "n1 to show the public line", network.Sinks[1].ToString);
        await Assert.That(network.Sinks[1].Messages).IsEquivalentTo(["n0: a line for everyone"]);
        // The relay logged and passed it on (it is an ordinary signed line to n1) without being able to open it.
        await Assert.That(network.Sinks[1].Messages.Any(m => m.Contains("mat"))).IsFalse();
    }

    [Test]
    public async Task A_newcomer_gets_private_lines_in_its_history_but_cannot_read_them()
    {
        using TestNetwork network = await LineOfThree();
        network.Nodes[0].SayPrivate(network.Nodes[2].NodeId, "just between us", TestNetwork.Now);
        network.Nodes[0].Say("hello all", TestNetwork.Now);
        await Eventually.WaitUntil(() => network.Sinks[2].MessageCount == 2, TestNetwork.Deadline, "n2 to get both", network.Sinks[2].ToString);

        int n3 = network.Add(TestNetwork.DefaultOptions("n3"));
        await network.Connect(n3, 1);
        await Eventually.WaitUntil(() => network.Sinks[n3].CountOf("n0: hello all") == 1, TestNetwork.Deadline,
            "the newcomer to get the history", network.Sinks[n3].ToString);
        await Assert.That(network.Sinks[n3].Messages.Any(m => m.Contains("between"))).IsFalse();
    }

    [Test]
    public async Task A_private_message_to_someone_not_online_is_refused()
    {
        using TestNetwork network = await LineOfThree();
        await Assert.That(() => network.Nodes[0].SayPrivate(0x1234, "anyone?", TestNetwork.Now)).Throws<ArgumentException>();
    }
}
