// One authenticated peer flooding as fast as the socket takes it: it finishes the encrypted handshake (SecurePeer) and
// then sends valid signed CHAT lines on a thread of its own, packed into full records (about 240 lines of ~270 bytes
// per 64 KiB record), with blocking sends, so the victim's reading is the only brake. A second thread reads and
// discards what the victim sends (PINGs, PEERS, the users' lines), so the victim never sees a peer that does not read.
//
// Own key: batches of 32 lines signed together (one Ed25519 signature per 32 lines, as a piped p2pchat sends them).
// Many keys: a pool of fresh identities said in turn, one line per signature (a batch of 1), so the victim meets more
// origins than its 4,096-sender table holds and must check one signature per line.
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using P2PChat.Net;
using P2PChat.Tests;

namespace P2PChat.Load;

internal sealed class FloodAttack(IPEndPoint victim, int keyCount) : IAttack
{
    private const string FlooderName = "flood";
    private readonly SelfName _name = new(FlooderName);
    private NodeKeys _linkKeys = null!;
    private NodeKeys[] _authors = [];
    private ulong[] _sequences = [];
    private long _lines;
    private long _bytes;
    private long _received;
    private double _seconds;
    private string _end = "flooder still linked at the end";
    private double _prepareSeconds;

    public string Name => keyCount <= 1 ? "flood, own key (batches of 32)" : $"flood, {keyCount:N0} fresh keys (1 line each per signature)";

    public Task PrepareAsync()
    {
        long started = Stopwatch.GetTimestamp();
        _linkKeys = NodeKeys.Generate(P2PChat.Net.Crypto.OsRandom.Instance);
        _authors = keyCount <= 1 ? [_linkKeys] : [.. Enumerable.Range(0, keyCount).Select(_ => NodeKeys.Generate(P2PChat.Net.Crypto.OsRandom.Instance))];
        _sequences = new ulong[_authors.Length];
        _prepareSeconds = Stopwatch.GetElapsedTime(started).TotalSeconds;
        return Task.CompletedTask;
    }

    public async Task RunAsync(CancellationToken stop)
    {
        Socket socket;
        SecurePeer session;
        try
        {
            using var deadline = CancellationTokenSource.CreateLinkedTokenSource(stop);
            deadline.CancelAfter(TimeSpan.FromSeconds(10));
            (socket, session) = await HostileClient.HandshakeAsync(victim, _linkKeys, FlooderName, slot: 0, deadline.Token);
        }
        catch (Exception e) when (e is IOException or SocketException or OperationCanceledException or InvalidOperationException)
        {
            _end = $"handshake failed: {e.Message}";
            return;
        }
        using (socket)
        {
            var reader = new Thread(() => Drain(socket)) { IsBackground = true, Name = "flood reader" };
            var sender = new Thread(() => Flood(socket, session, stop)) { IsBackground = true, Name = "flood sender" };
            reader.Start();
            sender.Start();
            await Task.Run(() => sender.Join(), CancellationToken.None);
            socket.Close(0);
            reader.Join(2000);
        }
    }

    private void Flood(Socket socket, SecurePeer session, CancellationToken stop)
    {
        var record = new byte[Protocol.MaxRecordPlaintext];
        var frame = new byte[Protocol.MaxFrameSize + 64];
        int used = 0;
        int batch = _authors.Length == 1 ? Protocol.MaxBatchLines : 1;
        int author = 0;
        var pad = new string('x', 24);
        long started = Stopwatch.GetTimestamp();
        try
        {
            while (!stop.IsCancellationRequested)
            {
                NodeKeys keys = _authors[author];
                var signer = new LineSigner(keys, _name);
                long now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
                for (int i = 0; i < batch; i++)
                {
                    ulong seq = ++_sequences[author];
                    signer.Add(new MessageId(keys.NodeId, seq), now, Encoding.ASCII.GetBytes($"f{author}.{seq} {pad}"));
                }
                signer.Sign();
                for (int i = 0; i < batch; i++)
                {
                    int size = signer.WriteFrame(i, frame, out _);
                    if (used + size > record.Length)
                    {
                        Send(socket, session.Seal(record.AsSpan(0, used)));
                        used = 0;
                    }
                    frame.AsSpan(0, size).CopyTo(record.AsSpan(used));
                    used += size;
                    _lines++;
                }
                author = (author + 1) % _authors.Length;
            }
        }
        catch (SocketException e)
        {
            _end = $"victim closed the flooder's link after {Stopwatch.GetElapsedTime(started).TotalSeconds:0.0} s ({e.SocketErrorCode})";
        }
        catch (ObjectDisposedException)
        {
        }
        _seconds = Stopwatch.GetElapsedTime(started).TotalSeconds;
    }

    private void Send(Socket socket, byte[] bytes)
    {
        int sent = 0;
        while (sent < bytes.Length)
            sent += socket.Send(bytes, sent, bytes.Length - sent, SocketFlags.None);
        _bytes += bytes.Length;
    }

    private void Drain(Socket socket)
    {
        var buffer = new byte[64 * 1024];
        try
        {
            int read;
            while ((read = socket.Receive(buffer)) > 0)
                Interlocked.Add(ref _received, read);
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException)
        {
        }
    }

    /// <summary>Lines the flooder sent (each to be shown by the victim, alice and bob if all goes well).</summary>
    public long Lines => _lines;

    public string Summary() =>
        $"sent {_lines:N0} lines ({_lines / Math.Max(_seconds, 0.001):N0}/s, {_bytes / 1048576.0 / Math.Max(_seconds, 0.001):0.0} MiB/s); " +
        $"read {Interlocked.Read(ref _received) / 1024.0:N0} KiB back; {_end}" +
        (_authors.Length > 1 ? $"; {_authors.Length:N0} keys made beforehand in {_prepareSeconds:0.0} s" : "");
}
