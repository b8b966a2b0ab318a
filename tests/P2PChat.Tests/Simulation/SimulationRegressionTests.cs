// Seeds on which the simulator found a bug in the core, kept so the fix stays fixed. Each names the invariant it
// broke when it was found; docs of the diagnosis are in the commit that added it.
using P2PChat.Tests.Simulation;

namespace P2PChat.Tests;

// Alone, like the campaign: a seed is seconds of CPU-bound work on the thread pool, which loopback tests beside it
// need for their timers.
[NotInParallel]
public class SimulationRegressionTests
{
    [Test]
    // delivery: an origin first heard through a REPLAY starts just below it (DuplicateFilter.Admit), so its earlier
    // lines, which other peers do log and replay, are counted as seen and never shown.
    [Arguments(431)]
    [Arguments(600)]
    [Arguments(739)]
    [Arguments(1000237)]
    // newcomer history: the horizon covers lines the history source does not have yet (Contiguous includes its own
    // horizon); they arrive later as forwarded REPLAYs and are shown at once as history, after live lines.
    [Arguments(18)]
    [Arguments(1000092)]
    // one network: a newcomer's first peer was killed 22 ms after the link opened, before it sent PEERS; the newcomer
    // knew no other address and stayed alone for ever. PEERS now follows HELLO on every new connection.
    [Arguments(2000921)]
    // delivery: a neighbour's stale PEERS entry (a killed peer's id at the address where a new peer now listens) kept
    // turning the address back into the dead node's; every tick the node connected there again, retired the duplicate,
    // and never made the links that would have brought it the lines said across a healed partition.
    [Arguments(2002157)]
    // delivery: a node cut off by a partition got a sender's second line (replayed by a newcomer that never had the
    // first) and gave the first up after 5 s; the first came 3 s later, when the partition healed, and was not shown.
    // A gap's wait now restarts whenever a link opens or closes, and does not run while no link is open.
    [Arguments(3003917)]
    // delivery: the same, with links open: the missing lines sat on a SIGSTOPped peer across a partition for longer
    // than the 5 s wait. A gap now waits 20 s from the last change of links.
    [Arguments(7006710)]
    // delivery: after a split healed, a node's three links went to its own side and to a newcomer whose horizon was past
    // the missing lines; the repair asked only them, and gave up. A repair that brings nothing now links to the sender
    // itself, whose log has its own lines, before it gives up.
    [Arguments(8017084)]
    // roster: a node cut off by a partition missed a member's rename (a newer announcement) and then its death; after
    // the heal the others held it gone on a suspicion of the newer counter, which the node dropped as not its counter,
    // and nobody handed it over for an older one: the dead member stayed listed. A suspicion of a counter at or above
    // ours now counts, and a copy of any announcement of a member gone on a suspicion is answered with it.
    [Arguments(5000323)]
    // delivery: with new links pruned from the start (Flooding.PruneKnown), a member's first line reached one node only
    // by the path it kept, which failed; its neighbours' HAVEs named the line, but claims were taken only for senders
    // the node had a line of. They are now taken for any member online in the roster.
    [Arguments(215)]
    // horizon: a newcomer's first link died before the roster came; 5.5 s after the seed, the next peer's roster copy of
    // a member (made before the lines the first peer had) was taken as the member's word and lowered an honest horizon.
    // The first announcement taken after 5 s now only arms the judgement; the next one judges.
    [Arguments(9200865)]
    // one network: a newcomer's first peer said HELLO on reading Noise message 3, then left (:quit) before reading the
    // newcomer's HELLO, closing the half-open link without PEERS; the newcomer counted the link open and its join done,
    // knew no other address, and it and a later newcomer that joined through it stayed apart for ever. The answering
    // side now says HELLO only once the joiner's has verified, in the record that carries PEERS.
    [Arguments(9200592)]
    // roster: a newcomer took its roster from a node that held a member's suspecter gone, so it never heard of the
    // suspecter; after a split healed, the suspecter's suspicion of a member that had died behind the split reached it
    // before the suspecter's announcement, was dropped as from a node id nobody knows, and was never handed over again:
    // the dead member stayed listed for its 97 s lease. Such a suspicion now waits for its suspecter's announcement.
    [Arguments(9201635)]
    public async Task Seed_found_a_core_bug_and_now_keeps_every_invariant(int seed)
    {
        string? failure = null;
        try
        {
            SimScenario.Run(seed);
        }
        catch (SimFailure e)
        {
            failure = e.Report;
            SimulationCampaignTests.WriteTrace(seed);
        }
        await Assert.That(failure).IsNull();
    }
}
