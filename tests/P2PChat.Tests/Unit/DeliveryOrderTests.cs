// Holding lines for order (DeliveryOrder) when the room for held lines runs out: the sender holding the most gives up
// its gap, so a sender (or a peer playing one) that keeps a thousand lines waiting behind gaps cannot make another
// sender's line, out of order for a moment, be given up and reported lost.
using P2PChat.Net;
using P2PChat.Net.Crypto;

namespace P2PChat.Tests;

public class DeliveryOrderTests
{
    private sealed class Setup
    {
        public readonly DuplicateFilter Filter = new();
        public readonly DeliveryOrder Order;
        public readonly List<MessageId> Shown = [];
        public long Now = 1000;

        public Setup()
        {
            Order = new DeliveryOrder(Filter, new GapReports(new RecordingSink("t")));
            Order.HistoryDone(Now, Show);
            Order.PathsChanged(Now, openLinks: 1);
        }

        public void Show(DeliveryOrder.Held held) => Shown.Add(held.Id);

        /// <summary>A line arrives live: shown at once, held, or late, as the node would judge it.</summary>
        public void Arrive(NodeKeys author, ulong seq)
        {
            var id = new MessageId(author.NodeId, seq);
            if (Filter.Admit(id, Now) != Admission.New)
                return;
            DuplicateFilter.OriginState state = Filter.LastAdmitted!;
            switch (Order.Judge(state, seq))
            {
                case DeliveryOrder.Verdict.ShowNow:
                    state.Shown = seq;
                    Shown.Add(id);
                    Order.Release(Now, Show);
                    break;
                case DeliveryOrder.Verdict.Hold:
                    Order.Hold(state, id, SecurePeer.Line(author, "x", seq, "x", Now), fromLink: 1, Now, Show);
                    break;
            }
        }
    }

    private static NodeKeys Keys(int seed) => NodeKeys.Generate(new SeededRandomSource(new Random(seed)));

    [Test]
    public async Task A_sender_keeping_the_room_full_of_held_lines_gives_up_its_own_gaps_and_not_another_sender_s()
    {
        var setup = new Setup();
        NodeKeys honest = Keys(1), crowder = Keys(2);
        setup.Arrive(honest, 1);
        setup.Arrive(honest, 3); // 2 is on its way by a slower path: 3 waits for it
        for (ulong seq = 2; seq <= 2 * (DeliveryOrder.MaxHeld + 200); seq += 2)
        {
            setup.Arrive(crowder, seq); // every other line missing: each waits
            setup.Now++;
        }
        DuplicateFilter.OriginState honestState = setup.Filter.Find(honest.NodeId)!;
        await Assert.That(setup.Order.HeldCount).IsLessThanOrEqualTo(DeliveryOrder.MaxHeld);
        await Assert.That(honestState.Held).IsEqualTo(1).Because("the honest sender's line 3 still waits for its line 2");
        await Assert.That(honestState.Shown).IsEqualTo(1UL);

        setup.Arrive(honest, 2);
        await Assert.That(setup.Shown.Where(id => id.Origin == honest.NodeId).Select(id => id.Seq)).IsEquivalentTo([1UL, 2UL, 3UL]);
    }
}
