// A NodeCore driven the way the socket driver drives it (Net/Sockets/PeerConnection.Receive.cs): bytes appended to a
// per-link receive buffer, handed to Receive, the unconsumed tail kept for the next read; every input followed by
// the checks of the case. Owns the core, its FuzzEffects and the links' receive tails.
using System.Buffers.Binary;
using System.Net;
using P2PChat.Net;

namespace P2PChat.Tests.Fuzz;

internal sealed class CoreUnderFuzz
{
    private readonly Dictionary<int, (byte[] Buffer, int Length)> _tails = [];
    private readonly Action<CoreUnderFuzz> _check;

    public CoreUnderFuzz(NodeOptions options, NodeKeys keys, Random r, Action<CoreUnderFuzz> check)
    {
        Options = options;
        Effects = new FuzzEffects(options.MaxQueueBytes);
        Core = new NodeCore(options, keys, new Random(r.Next()), Effects);
        Core.Start(4000);
        _check = check;
    }

    public NodeOptions Options { get; }
    public FuzzEffects Effects { get; }
    public NodeCore Core { get; }
    public long Now { get; set; } = 1_000_000;

    /// <summary>Inputs handed to the core so far.</summary>
    public int Inputs { get; private set; }

    /// <summary>Runs one input and the checks after it.</summary>
    public void Input(Action<NodeCore> input)
    {
        Effects.BeginInput();
        input(Core);
        Inputs++;
        PropertyViolation.Unless(Effects.Misuse is null, () => Effects.Misuse!);
        _check(this);
    }

    /// <summary>An inbound connection, registered and connected.</summary>
    public int Accept(int port)
    {
        int id = -1;
        Input(core =>
        {
            id = core.Accept(new IPEndPoint(IPAddress.Loopback, port), Now);
            if (id >= 0)
                core.Connected(id, Now);
        });
        PropertyViolation.Unless(id >= 0, "the core refused a connection with room to spare");
        return id;
    }

    public int Tail(int link) => _tails.TryGetValue(link, out var tail) ? tail.Length : 0;

    /// <summary>Bytes arrive on <paramref name="link"/> in pieces cut at <paramref name="cuts"/>, one Receive each.</summary>
    public void Deliver(int link, ReadOnlySpan<byte> bytes, List<int> cuts)
    {
        int at = 0;
        foreach (int cut in cuts)
        {
            Arrive(link, bytes.Slice(at, cut));
            at += cut;
        }
    }

    public void Arrive(int link, ReadOnlySpan<byte> piece)
    {
        (byte[] buffer, int length) = _tails.GetValueOrDefault(link, ([], 0));
        if (buffer.Length < length + piece.Length)
            Array.Resize(ref buffer, Math.Max(length + piece.Length, buffer.Length * 2));
        piece.CopyTo(buffer.AsSpan(length));
        length += piece.Length;
        // As the driver: what the core left, it gets again at once while it is a whole record (a core stops in a read
        // when the link goes over budget, and must take at least one record each time).
        do
        {
            int consumed = -1;
            byte[] data = buffer;
            int available = length;
            Input(core => consumed = core.Receive(link, data.AsSpan(0, available), Now));
            PropertyViolation.Unless(consumed >= 0 && consumed <= length, $"Receive consumed {consumed} of {length} bytes");
            buffer.AsSpan(consumed, length - consumed).CopyTo(buffer);
            length -= consumed;
            if (consumed == 0)
                break;
        }
        while (length >= Protocol.RecordHeaderSize && length >= Protocol.RecordHeaderSize + BinaryPrimitives.ReadUInt16BigEndian(buffer));
        _tails[link] = (buffer, length);
        bool established = Core.Links.Find(link) is { Channel.IsEstablished: true };
        int bound = Protocol.RecordHeaderSize + (established ? Protocol.MaxRecord : NodeCore.MaxHandshakeRecord);
        PropertyViolation.Unless(length < bound || Core.ReadableAt(link, Now) > Now,
            $"{length} bytes left unread on link #{link} (a record is at most {bound}), and the core says it is readable");
    }
}
