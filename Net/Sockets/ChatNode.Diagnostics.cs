// A one-line picture of the node's flow state (links, their queues and holds, lines held for order), for the message
// of a test that failed waiting for lines: a stall shows which hold or queue it is stuck in.
using System.Text;

namespace P2PChat.Net;

internal sealed partial class ChatNode
{
    internal string FlowState()
    {
        long now = Now;
        var text = new StringBuilder();
        lock (_lock)
        {
            DeliveryOrder order = _core.Flooding.Order;
            text.Append($"{Options.Name}: holds congestion {CongestionHolds} budget {BudgetHolds} order {OrderHolds}, ")
                .Append($"order held {order.HeldCount} awaitingHistory {order.AwaitingHistory} late {order.Late} gapsSkipped {order.GapsSkipped}, ")
                .Append($"lost {_core.Flooding.Gaps.Total}, dups {_core.Flooding.Duplicates}, stoppedEarly {_core.StoppedEarly} stoppedAhead {_core.StoppedAhead}, own stalls {_core.StalledMs} ms; links:");
            foreach (CoreLink link in _core.Links.Open)
            {
                _connections.TryGetValue(link.Id, out PeerConnection? c);
                text.Append($" [#{link.Id} {link.Peer?.Name} {link.State} lastRecv -{now - link.LastReceived} ms");
                if (c is not null)
                    text.Append($" backlog {c.BacklogBytes} queued {c.QueuedBytes} stalled {c.StalledFor(now)} readableAt +{c.ReadableAt - now} ")
                        .Append($"heldForOrder {c.HeldForOrder} unread {c.HasUnreadBytes} closed {c.IsClosed}");
                text.Append(']');
            }
        }
        lock (_holdLock)
        {
            text.Append("; held:");
            foreach ((PeerConnection connection, long since) in _held)
                text.Append($" #{connection.Id} for {now - since} ms");
            text.Append($"; hold timer due +{(_holdTimerDue == long.MaxValue ? -1 : _holdTimerDue - now)}");
        }
        return text.ToString();
    }
}
