// The frame codec on a typical CHAT frame (a 5-byte name, 40 bytes of text): reading frames out of a receive buffer
// that holds many glued together and parsing each, as the receive loop does; and encoding one, as Say does.
using System.Text;
using BenchmarkDotNet.Attributes;
using P2PChat.Net;

namespace P2PChat.Micro;

[MemoryDiagnoser]
public class CodecBenchmarks
{
    /// <summary>Frames per invocation; each is one operation (one message).</summary>
    private const int Frames = 256;

    private static readonly byte[] Name = Encoding.UTF8.GetBytes("alice");
    private static readonly byte[] Text = Encoding.UTF8.GetBytes("see you at the station at five, platform 3");

    private byte[] _received = [];
    private readonly byte[] _scratch = new byte[Protocol.MaxFrameSize];
    private ulong _seq;

    [GlobalSetup]
    public void Setup()
    {
        int size = FrameWriter.ChatSize(Name, Text, 0);
        _received = new byte[size * Frames];
        for (int i = 0; i < Frames; i++)
            FrameWriter.WriteChat(_received.AsSpan(i * size), new MessageId(0x1234_5678_9abc_def0, (ulong)i + 1), 1_700_000_000_000, Name, Text,
                Seal((ulong)i + 1), []);
    }

    [Benchmark(OperationsPerInvoke = Frames)]
    public ulong ReadFrame_and_ParseChat()
    {
        ulong sum = 0;
        ReadOnlySpan<byte> data = _received;
        while (FrameReader.TryReadFrame(data, out ReadOnlySpan<byte> body, out int consumed) == FrameStatus.Complete)
        {
            if (FrameReader.TryParseChat(body, out ChatView chat) is not null)
                throw new InvalidOperationException("the benchmark's frame does not parse");
            sum += chat.Id.Seq + (ulong)chat.Text.Length;
            data = data[consumed..];
        }
        return sum;
    }

    [Benchmark(OperationsPerInvoke = Frames)]
    public int WriteChat()
    {
        int total = 0;
        for (int i = 0; i < Frames; i++)
        {
            ++_seq;
            total += FrameWriter.WriteChat(_scratch, new MessageId(0x1234_5678_9abc_def0, _seq), 1_700_000_000_000, Name, Text, Seal(_seq), []);
        }
        return total;
    }

    /// <summary>A seal of the right shape for a batch of one (parsing checks shapes; signatures are LineVerifier's).</summary>
    private static byte[] Seal(ulong seq)
    {
        var seal = new byte[FrameWriter.SealHeaderSize];
        FrameWriter.WriteSealHeader(seal, new byte[Protocol.KeySize], 1, seq, 1, new byte[Protocol.SignatureSize]);
        return seal;
    }
}
