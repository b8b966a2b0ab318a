// The link after the handshake: records open in order once each; replayed, reordered, truncated or modified records
// fail without moving the expected nonce; nonce exhaustion; and no allocation per record.
using P2PChat.Net.Crypto;

namespace P2PChat.Tests.Crypto;

public class NoiseTransportTests
{
    private static (NoiseTransport Initiator, NoiseTransport Responder) Link(int seed)
    {
        var random = new SeededRandomSource(new Random(seed));
        var psk = new byte[32];
        var initiatorStatic = new byte[32];
        var responderStatic = new byte[32];
        random.Fill(psk);
        X25519Keys.GeneratePrivate(random, initiatorStatic);
        X25519Keys.GeneratePrivate(random, responderStatic);
        var initiator = new NoiseHandshake(true, default, psk, initiatorStatic, random);
        var responder = new NoiseHandshake(false, default, psk, responderStatic, random);
        var buffer = new byte[NoiseHandshake.MaxMessage];
        var payload = new byte[NoiseHandshake.MaxMessage];
        int n = initiator.WriteMessage(default, buffer);
        responder.ReadMessage(buffer.AsSpan(0, n), payload, out _);
        n = responder.WriteMessage(default, buffer);
        initiator.ReadMessage(buffer.AsSpan(0, n), payload, out _);
        n = initiator.WriteMessage(default, buffer);
        responder.ReadMessage(buffer.AsSpan(0, n), payload, out _);
        return (initiator.Split(), responder.Split());
    }

    private static byte[] Seal(NoiseTransport link, string text)
    {
        var output = new byte[text.Length + NoiseTransport.TagSize];
        link.Seal(System.Text.Encoding.UTF8.GetBytes(text), output);
        return output;
    }

    private static string? Open(NoiseTransport link, byte[] record)
    {
        var plaintext = new byte[NoiseTransport.MaxPlaintext];
        return link.Open(record, plaintext, out int written)
            ? System.Text.Encoding.UTF8.GetString(plaintext, 0, written)
            : null;
    }

    [Test]
    public async Task Records_flow_both_ways_in_order()
    {
        var (a, b) = Link(1);

        await Assert.That(Open(b, Seal(a, "one"))).IsEqualTo("one");
        await Assert.That(Open(b, Seal(a, "two"))).IsEqualTo("two");
        await Assert.That(Open(a, Seal(b, "back"))).IsEqualTo("back");
        await Assert.That(Open(b, Seal(a, ""))).IsEqualTo("");
    }

    [Test]
    public async Task A_replayed_record_fails()
    {
        var (a, b) = Link(2);
        var first = Seal(a, "first");

        await Assert.That(Open(b, first)).IsEqualTo("first");
        await Assert.That(Open(b, first)).IsNull();
        await Assert.That(Open(b, Seal(a, "second"))).IsEqualTo("second");
    }

    [Test]
    public async Task Reordered_records_fail_and_the_expected_one_still_opens()
    {
        var (a, b) = Link(3);
        var first = Seal(a, "first");
        var second = Seal(a, "second");

        await Assert.That(Open(b, second)).IsNull();
        await Assert.That(Open(b, first)).IsEqualTo("first");
        await Assert.That(Open(b, second)).IsEqualTo("second");
    }

    [Test]
    public async Task Truncated_or_modified_records_fail()
    {
        var (a, b) = Link(4);
        var record = Seal(a, "a line of chat");
        var failures = new List<string>();

        for (int cut = 0; cut < record.Length; cut++)
            if (Open(b, record[..cut]) is not null)
                failures.Add($"truncated to {cut}");
        for (int bit = 0; bit < record.Length * 8; bit++)
        {
            var modified = (byte[])record.Clone();
            modified[bit / 8] ^= (byte)(1 << (bit % 8));
            if (Open(b, modified) is not null)
                failures.Add($"bit {bit}");
        }
        if (Open(b, [.. record, 0]) is not null)
            failures.Add("extended");

        await Assert.That(failures).IsEmpty();
        await Assert.That(Open(b, record)).IsEqualTo("a line of chat");
    }

    [Test]
    public async Task A_record_to_the_wrong_direction_fails()
    {
        var (a, b) = Link(5);

        await Assert.That(Open(a, Seal(a, "to myself"))).IsNull();
        await Assert.That(Open(b, Seal(b, "to myself"))).IsNull();
    }

    [Test]
    public async Task Sealing_stops_when_the_nonces_run_out()
    {
        var send = new CipherState();
        send.InitializeKey(new byte[32]);
        send.SetNonce(ulong.MaxValue - 1);
        var link = new NoiseTransport(send, new CipherState());
        var output = new byte[100];

        int last = link.Seal("x"u8, output);

        await Assert.That(last).IsEqualTo(17);
        await Assert.That(() => link.Seal("y"u8, output)).Throws<InvalidOperationException>();
    }

    [Test]
    public async Task Too_long_plaintext_is_refused()
    {
        var (a, _) = Link(6);

        await Assert.That(() => a.Seal(new byte[NoiseTransport.MaxPlaintext + 1], new byte[70000]))
            .Throws<ArgumentException>();
        await Assert.That(a.Seal(new byte[NoiseTransport.MaxPlaintext], new byte[70000]))
            .IsEqualTo(NoiseHandshake.MaxMessage);
    }

    [Test]
    public async Task Seal_and_open_allocate_nothing_in_steady_state()
    {
        var (a, b) = Link(7);
        var plaintext = new byte[100];
        var record = new byte[plaintext.Length + NoiseTransport.TagSize];
        var opened = new byte[plaintext.Length];
        bool allOpened = true;

        long allocated = Allocations.InSteadyState(() =>
        {
            for (int i = 0; i < 1000; i++)
            {
                a.Seal(plaintext, record);
                allOpened &= b.Open(record, opened, out _);
            }
        });

        await Assert.That(allOpened).IsTrue();
        await Assert.That(allocated).IsEqualTo(0);
    }
}
