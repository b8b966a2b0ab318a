// :nick across the network (ChatNode.Rename): everyone is told "old is now new" from the renamed member's own signed
// announcement, its later lines carry the new name, peers that link to it afterwards are greeted with the new name,
// and two renames in a row end with the last name everywhere, paced announcements or not.
using P2PChat.Net;

namespace P2PChat.Tests.Integration;

[ParallelLimiter<IntegrationParallelLimit>]
public class RenameTests
{
    private static readonly TimeSpan Presence = TimeSpan.FromSeconds(5);

    private static string Names(ChatNode node) => string.Join(",", node.Members().Select(m => m.Name));

    [Test]
    public async Task A_renamed_member_is_announced_under_its_new_name_at_the_far_end_and_its_lines_carry_it()
    {
        using TestNetwork network = TestNetwork.Start(3);
        await network.ConnectAll([(1, 0), (2, 1)]);
        await Eventually.WaitUntil(() => Names(network.Nodes[0]) == "n1,n2", Presence, "n0 to know n2", () => Names(network.Nodes[0]));
        network.Nodes[2].Say("before", TestNetwork.Now);

        await Assert.That(network.Nodes[2].Rename("nova")).IsNull();
        await Assert.That(network.Nodes[2].Name).IsEqualTo("nova");
        network.Nodes[2].Say("after", TestNetwork.Now);

        await Eventually.WaitUntil(() => network.Sinks[0].Presence.Contains("n2>nova"), Presence, "n0 to be told n2 is now nova", network.ToString);
        await Assert.That(Names(network.Nodes[0])).IsEqualTo("n1,nova");
        await Eventually.WaitUntil(() => network.Sinks[0].Messages.Contains("nova: after"), Presence, "nova's line at n0", network.ToString);
        await Assert.That(network.Sinks[0].Messages).Contains("n2: before").Because("a line keeps the name it was signed with");
        // n1 hears of it on its own event thread, maybe after n0 does: wait for it, then count.
        await Eventually.WaitUntil(() => network.Sinks[1].Presence.Contains("n2>nova"), Presence, "n1 to be told n2 is now nova", network.ToString);
        await Assert.That(network.Sinks[1].Presence.Count(p => p == "n2>nova")).IsEqualTo(1).Because(network.Sinks[1].ToString());
    }

    [Test]
    public async Task A_peer_linking_after_a_rename_is_greeted_with_the_new_name()
    {
        using TestNetwork network = TestNetwork.Start(3);
        await network.ConnectAll([(1, 0)]);
        await Assert.That(network.Nodes[0].Rename("zero")).IsNull();

        await network.Connect(2, 0);

        await Eventually.WaitUntil(() => network.Nodes[2].DirectPeers().Any(p => p.Name == "zero"), Presence, "n2's link to be greeted as zero",
            () => string.Join(",", network.Nodes[2].DirectPeers().Select(p => p.Name)));
        await Eventually.WaitUntil(() => Names(network.Nodes[2]) == "n1,zero", Presence, "n2 to know zero by its new name", () => Names(network.Nodes[2]));
    }

    [Test]
    public async Task Renames_in_quick_succession_end_with_the_last_name_everywhere()
    {
        using TestNetwork network = TestNetwork.Start(3);
        await network.ConnectAll([(1, 0), (2, 1)]);
        await Eventually.WaitUntil(() => Names(network.Nodes[2]) == "n0,n1", Presence, "n2 to know n0", () => Names(network.Nodes[2]));

        foreach (string name in new[] { "a1", "a2", "a3", "final" })
            await Assert.That(network.Nodes[0].Rename(name)).IsNull();

        await Eventually.WaitUntil(() => Names(network.Nodes[2]) == "final,n1" && Names(network.Nodes[1]) == "final,n2", Presence,
            "everyone to know n0 as final", network.ToString);
    }

    [Test]
    [Arguments("")]
    [Arguments("a\u001b[2Jb")]
    [Arguments("a name that is far longer than thirty-two bytes")]
    public async Task An_invalid_name_is_refused_with_a_reason_and_changes_nothing(string name)
    {
        using TestNetwork network = TestNetwork.Start(1);
        await Assert.That(network.Nodes[0].Rename(name)).IsNotNull().And.IsNotEmpty();
        await Assert.That(network.Nodes[0].Name).IsEqualTo("n0");
    }
}
