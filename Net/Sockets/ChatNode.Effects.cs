// The core's outputs on real sockets: frames go into the connection's queue (sent when the input ends), connects
// run as tasks that report back as inputs, drains and aborts go to the connection, UI events to the EventPump. All
// of these run under the node's lock, inside a core input, and never call the core.
using System.Net;
using System.Net.Sockets;

namespace P2PChat.Net;

internal sealed partial class ChatNode : ICoreEffects
{
    // Under _lock, in the middle of an input: the core passed a line on and is about to check its signature.
    void ICoreEffects.Push()
    {
        for (int i = 0; i < _dirty.Count; i++)
            _dirty[i].Kick();
        _dirty.Clear();
    }

    bool ICoreEffects.Send(int link, ReadOnlySpan<byte> frame)
    {
        if (!_connections.TryGetValue(link, out PeerConnection? connection))
            return true; // its socket is gone; the core hears of it as a lost link
        if (!connection.Enqueue(frame))
            return false;
        if (!connection.Dirty)
        {
            connection.Dirty = true;
            _dirty.Add(connection);
        }
        return true;
    }

    // The socket is known at once (the core may give up on it, at its connect timeout, and Close disposes it); the
    // connect runs on the thread pool: one that completed at once would otherwise continue inside this input.
    void ICoreEffects.Connect(int link, IPEndPoint to)
    {
        var socket = new Socket(to.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        _connecting[link] = socket;
        _ = Task.Run(() => ConnectAsync(link, to, socket));
    }

    private async Task ConnectAsync(int link, IPEndPoint to, Socket socket)
    {
        LinkClose? failure = null;
        try
        {
            await socket.ConnectAsync(to).ConfigureAwait(false);
        }
        catch (SocketException e)
        {
            failure = e.SocketErrorCode switch
            {
                SocketError.ConnectionRefused => new LinkClose(CloseKind.Refused),
                SocketError.HostUnreachable or SocketError.NetworkUnreachable => new LinkClose(CloseKind.Unreachable),
                SocketError.TimedOut => new LinkClose(CloseKind.ConnectTimeout),
                // The listener died with our connection in its backlog: said as a reset, and a join tries again.
                SocketError.ConnectionReset => new LinkClose(CloseKind.Reset),
                var error => new LinkClose(CloseKind.ConnectFailed, error.ToString()),
            };
        }
        catch (ObjectDisposedException)
        {
            failure = new LinkClose(CloseKind.ShuttingDown);
        }
        Input(() =>
        {
            bool wanted = _connecting.Remove(link);
            if (failure is { } reason)
            {
                socket.Dispose();
                if (wanted)
                {
                    FailJoin(link, reason);
                    _core.Lost(link, reason, Now);
                }
                return;
            }
            if (!wanted || _stopping)
            {
                socket.Dispose();
                if (wanted)
                    FailJoin(link, new LinkClose(CloseKind.ShuttingDown));
                return;
            }
            Register(link, socket);
            _core.Connected(link, Now);
        });
    }

    // Guarded by _lock: sockets still connecting, by link id.
    private readonly Dictionary<int, Socket> _connecting = [];

    void ICoreEffects.Drain(int link)
    {
        if (_connections.TryGetValue(link, out PeerConnection? connection))
            connection.Drain();
    }

    void ICoreEffects.Close(int link, LinkClose reason)
    {
        FailJoin(link, reason);
        if (_connecting.Remove(link, out Socket? socket))
            socket.Dispose();
        if (_connections.TryGetValue(link, out PeerConnection? connection))
        {
            Unregister(link);
            connection.Abort();
        }
    }

    void ICoreEffects.Opened(int link, PeerInfo peer)
    {
        if (_joins.Remove(link, out TaskCompletionSource<PeerInfo>? join))
            join.TrySetResult(peer);
    }

    void IChatSink.OnMessage(in ChatView message) => _events.Message(message);

    void IChatSink.OnLinkOpened(PeerInfo peer) => _events.LinkOpened(peer);

    void IChatSink.OnLinkClosed(PeerInfo peer, LinkClose reason) => _events.LinkClosed(peer, reason);

    void IChatSink.OnMemberJoined(MemberInfo member, bool isNew) => _events.MemberJoined(member, isNew);

    void IChatSink.OnMemberLeft(MemberInfo member, Departure reason) => _events.MemberLeft(member, reason);

    void IChatSink.OnMemberRenamed(MemberInfo member, string before) => _events.MemberRenamed(member, before);

    void IChatSink.OnLinesLost(LostLines lost) => _events.LinesLost(lost);

    void IChatSink.OnNotice(string text) => _events.Notice(text);
}
