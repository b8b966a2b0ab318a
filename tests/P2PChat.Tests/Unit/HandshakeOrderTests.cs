// Who says HELLO when. The joining side says it right after Noise message 3; the answering side only once the
// joiner's HELLO has verified, and PEERS is the first frame after it. A responder that said HELLO on message 3 and then
// left or died before reading the joiner's had the joiner count its join done with no address to go on (simulator
// seed 9200592: two newcomers apart from the network for ever). One NodeCore on simulated time (DialBench).
using P2PChat.Net;

namespace P2PChat.Tests;

public class HandshakeOrderTests
{
    [Test]
    public async Task A_node_answering_a_handshake_says_no_HELLO_to_a_joiner_that_has_not_said_its_own()
    {
        var bench = new DialBench();
        var stranger = bench.Join(identity: 3, "stranger", listenPort: 1003, sendsHello: false);

        await Assert.That(stranger.Peer.Established).IsTrue().Because("the Noise handshake itself finished");
        await Assert.That(stranger.Peer.Open).IsFalse()
            .Because("the joiner cannot count the link open before the node has seen who it is");
    }

    [Test]
    public async Task A_node_answering_a_handshake_follows_its_HELLO_with_PEERS_before_anything_else()
    {
        var bench = new DialBench();
        var known = bench.Join(identity: 3, "known", listenPort: 1003); // so that there is an address to hand on
        var opening = new List<byte[]>();
        var newcomer = bench.Join(identity: 4, "newcomer", listenPort: 1004, opening: opening);

        await Assert.That(known.Peer.Open).IsTrue();
        await Assert.That(newcomer.Peer.Open).IsTrue();
        await Assert.That(opening.Count).IsGreaterThan(0);
        await Assert.That(opening[0][Protocol.LengthPrefixSize]).IsEqualTo((byte)FrameType.Peers)
            .Because($"the frames after the HELLO were {string.Join(", ", opening.Select(f => (FrameType)f[Protocol.LengthPrefixSize]))}");
    }
}
