// The words both front ends use for network events (EventText): what a user reads, and a hostile name made harmless.
using System.Net;
using P2PChat.Net;
using P2PChat.Ui;

namespace P2PChat.Tests.Ui;

public class EventTextTests
{
    [Test]
    public async Task Joins_leaves_and_links_read_the_same_in_every_front_end()
    {
        await Assert.That(EventText.MemberJoined("bob", isNew: true)).IsEqualTo("bob joined");
        await Assert.That(EventText.MemberJoined("bob#3f2a", isNew: false)).IsEqualTo("bob#3f2a is online");
        await Assert.That(EventText.MemberLeft("bob", Departure.Said)).IsEqualTo("bob left (quit)");
        await Assert.That(EventText.MemberLeft("bob", new Departure(false, 3500))).IsEqualTo("bob left (not heard from for 3.5 s)");
        await Assert.That(EventText.LinkOpened("bob", new IPEndPoint(IPAddress.Loopback, 4000))).IsEqualTo("linked to bob (127.0.0.1:4000)");
        await Assert.That(EventText.LinkClosed("bob", new LinkClose(CloseKind.PeerLeft))).IsEqualTo("link to bob closed (the other side closed it)")
            .Because("a peer that quit, crashed or dropped a duplicate link all close it alike; \"left\" read as a quit after a kill -9");
    }

    [Test]
    public async Task A_name_with_control_characters_is_shown_with_them_made_visible()
    {
        await Assert.That(EventText.MemberJoined("eve\x1b[2J", isNew: true)).IsEqualTo("eve^[[2J joined");
    }
}
