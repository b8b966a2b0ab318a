// The pump between a node and its output (EventPump) when the output is not read: what waits is bounded across
// inputs, not per input, and what was dropped is said once the output moves again.
using System.Net;
using P2PChat.Net;

namespace P2PChat.Tests;

public class EventPumpTests
{
    /// <summary>A sink whose first call blocks until released, as a pipe nobody reads blocks its writer.</summary>
    private sealed class StuckSink : IChatSink
    {
        private readonly ManualResetEventSlim _released = new(false);
        private int _calls;

        public readonly List<string> Notices = [];
        private int _events, _messages;

        /// <summary>Joins, leaves and links delivered, and messages (counted on the pump thread, read on the test's).</summary>
        public int Events => Volatile.Read(ref _events);

        public int Messages => Volatile.Read(ref _messages);

        public int NoticeCount
        {
            get
            {
                lock (Notices)
                    return Notices.Count;
            }
        }

        public bool Stuck => Volatile.Read(ref _calls) > 0 && !_released.IsSet;

        public void Release() => _released.Set();

        private void Called()
        {
            Interlocked.Increment(ref _calls);
            _released.Wait();
        }

        public void OnMessage(in ChatView message)
        {
            Called();
            Interlocked.Increment(ref _messages);
        }

        public void OnLinkOpened(PeerInfo peer)
        {
            Called();
            Interlocked.Increment(ref _events);
        }

        public void OnLinkClosed(PeerInfo peer, LinkClose reason) => Called();

        public void OnMemberJoined(MemberInfo member, bool isNew)
        {
            Called();
            Interlocked.Increment(ref _events);
        }

        public void OnMemberLeft(MemberInfo member, Departure reason)
        {
            Called();
            Interlocked.Increment(ref _events);
        }

        public void OnMemberRenamed(MemberInfo member, string before) => Called();

        public void OnLinesLost(LostLines lost) => Called();

        public void OnNotice(string text)
        {
            lock (Notices)
                Notices.Add(text);
        }
    }

    [Test]
    public async Task Joins_and_leaves_wait_only_up_to_the_cap_across_many_inputs_and_the_rest_are_counted_and_told()
    {
        const int cap = 100;
        var sink = new StuckSink();
        using var pump = new EventPump(sink, maxEvents: cap);
        var peer = new PeerInfo(7, "p", new IPEndPoint(IPAddress.Loopback, 40007), 40007, Outbound: true);
        var member = new MemberInfo(9, "m");

        pump.LinkOpened(peer);
        pump.Publish();
        await Eventually.WaitUntil(() => sink.Stuck, TimeSpan.FromSeconds(10), "the sink to be called and stuck");

        // A member that announces itself and says bye in turn: two events an input, ten thousand inputs.
        for (int i = 0; i < 10_000; i++)
        {
            pump.MemberJoined(member, isNew: false);
            pump.MemberLeft(member, Departure.Said);
            pump.Publish();
        }
        await Assert.That(pump.Waiting).IsLessThanOrEqualTo(cap);

        sink.Release();
        await Eventually.WaitUntil(() => pump.DroppedOthers > 0 && pump.Waiting == 0 && sink.NoticeCount > 0, TimeSpan.FromSeconds(10),
            "the pump to deliver what waited and count the rest", () => $"waiting {pump.Waiting}, dropped {pump.DroppedOthers}");
        await Assert.That(sink.Events).IsEqualTo(1 + cap);
        await Assert.That(pump.DroppedOthers).IsEqualTo(20_000 - cap);
        string[] notices;
        lock (sink.Notices)
            notices = [.. sink.Notices];
        await Assert.That(notices.Single()).Contains($"{20_000 - cap} events (joins, leaves, links) were not shown");
    }

    [Test]
    public async Task Messages_past_the_event_cap_are_dropped_and_counted_like_messages_past_the_byte_cap()
    {
        const int cap = 50;
        var sink = new StuckSink();
        using var pump = new EventPump(sink, maxEvents: cap);
        Say(pump);
        pump.Publish();
        await Eventually.WaitUntil(() => sink.Stuck, TimeSpan.FromSeconds(10), "the sink to be called and stuck");
        for (int i = 0; i < 1_000; i++)
        {
            Say(pump);
            pump.Publish();
        }
        await Assert.That(pump.Waiting).IsLessThanOrEqualTo(cap);

        sink.Release();
        await Eventually.WaitUntil(() => pump.Dropped > 0 && pump.Waiting == 0, TimeSpan.FromSeconds(10),
            "the pump to deliver what waited and count the rest", () => $"waiting {pump.Waiting}, dropped {pump.Dropped}");
        await Assert.That(sink.Messages).IsEqualTo(1 + cap);
        await Assert.That(pump.Dropped).IsEqualTo(1_000 - cap);
    }

    private static void Say(EventPump pump) => pump.Message(new ChatView(new MessageId(1, 1), 0, "n"u8, "hi"u8));
}
