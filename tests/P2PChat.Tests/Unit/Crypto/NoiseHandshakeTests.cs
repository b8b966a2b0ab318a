// Noise_XXpsk3_25519_ChaChaPoly_SHA256: the cacophony test vector byte for byte (handshake and transport), a handshake
// between two instances, a wrong psk, tampering with any bit of any handshake message, and turn and length rules.
using P2PChat.Net.Crypto;

namespace P2PChat.Tests.Crypto;

public class NoiseHandshakeTests
{
    // From the cacophony vectors (tests/vectors/cacophony.txt in github.com/mcginty/snow), the entry
    // "Noise_XXpsk3_25519_ChaChaPoly_SHA256": prologue "John Galt", psk "This is my Austrian perspective!".
    private static readonly byte[] Prologue = Hex.Bytes("4a6f686e2047616c74");
    private static readonly byte[] VectorPsk = Hex.Bytes("54686973206973206d7920417573747269616e20706572737065637469766521");
    private static readonly byte[] InitiatorStatic = Hex.Bytes("e61ef9919cde45dd5f82166404bd08e38bceb5dfdfded0a34c8df7ed542214d1");
    private static readonly byte[] InitiatorEphemeral = Hex.Bytes("893e28b9dc6ca8d611ab664754b8ceb7bac5117349a4439a6b0569da977c464a");
    private static readonly byte[] ResponderStatic = Hex.Bytes("4a3acbfdb163dec651dfa3194dece676d437029c62a408b4c5ea9114246e4893");
    private static readonly byte[] ResponderEphemeral = Hex.Bytes("bbdb4cdbd309f1a1f2e1456967fe288cadd6f712d65dc7b7793d5e63da6b375b");
    // The vector's "handshake_hash" (26222c18...) is not checked: it is not the final h of the spec (nor h before the
    // last MixHash), here or in the file's Noise_NN_25519_ChaChaPoly_SHA256 entry, while every message matches; snow's
    // own vector test does not read that field either. The messages themselves use h as associated data, so they
    // check h up to the last payload.

    // (payload, ciphertext); messages alternate initiator, responder, initiator, ... from the first.
    private static readonly (string Payload, string Ciphertext)[] VectorMessages =
    [
        ("4c756477696720766f6e204d69736573",
            "ca35def5ae56cec33dc2036731ab14896bc4c75dbb07a61f879f8e3afa4c7944c9f5ff0e8079630cb7e270c20bbf480821b77a384a645c71a2fd9b3db1c16a5f"),
        ("4d757272617920526f746862617264",
            "95ebc60d2b1fa672c1f46a8aa265ef51bfe38e7ccb39ec5be34069f144808843b123def17f71e6ae8e57e0e1dec5949c5f7415c6f33517398747d821a06dc23ad430aa1fd7381d46195c378a819fd574425462cbb2d4ca339e738a0b7001dc91423fbf55a99af0c6f1df21012ceb2f"),
        ("462e20412e20486179656b",
            "52187316111b118d4c060364f7b975dc0809b2590779aff2d63113c564f11744493384db7bf32d5ae6686df6ab06d508d2e07caaf1d6afc010b978735fc78900e71ae1d314130d042e729a"),
        ("4361726c204d656e676572", "eaedc672d4c21e0e2955758756fb98f194c4e90d5deb5b6cf30b27"),
        ("4a65616e2d426170746973746520536179", "522d543c5fe799d09a3d9da7ff54d0dc03c8af1dc7751d2ff708339d2290943e98"),
        ("457567656e2042f6686d20766f6e2042617765726b", "7d4e2c3873eef6a213b04e72f9df60a91666072d3544c5d96c34a09e2329b5030bee796741"),
    ];

    [Test]
    public async Task The_cacophony_XXpsk3_vector_is_reproduced_byte_for_byte()
    {
        var initiator = new NoiseHandshake(true, Prologue, VectorPsk, InitiatorStatic, InitiatorEphemeral);
        var responder = new NoiseHandshake(false, Prologue, VectorPsk, ResponderStatic, ResponderEphemeral);
        var message = new byte[NoiseHandshake.MaxMessage];
        var payload = new byte[NoiseHandshake.MaxMessage];
        var wrong = new List<string>();

        for (int i = 0; i < 3; i++)
        {
            var (writer, reader) = i % 2 == 0 ? (initiator, responder) : (responder, initiator);
            int length = writer.WriteMessage(Hex.Bytes(VectorMessages[i].Payload), message);
            if (Hex.Of(message.AsSpan(0, length)) != VectorMessages[i].Ciphertext)
                wrong.Add($"message {i + 1} is {Hex.Of(message.AsSpan(0, length))}");
            if (!reader.ReadMessage(message.AsSpan(0, length), payload, out int payloadLength)
                || Hex.Of(payload.AsSpan(0, payloadLength)) != VectorMessages[i].Payload)
                wrong.Add($"message {i + 1} did not read back");
        }

        await Assert.That(wrong).IsEmpty();
        await Assert.That(Hex.Of(initiator.HandshakeHash)).IsEqualTo(Hex.Of(responder.HandshakeHash));

        var initiatorLink = initiator.Split();
        var responderLink = responder.Split();
        for (int i = 3; i < VectorMessages.Length; i++)
        {
            var (writer, reader) = i % 2 == 0 ? (initiatorLink, responderLink) : (responderLink, initiatorLink);
            int length = writer.Seal(Hex.Bytes(VectorMessages[i].Payload), message);
            if (Hex.Of(message.AsSpan(0, length)) != VectorMessages[i].Ciphertext)
                wrong.Add($"transport message {i + 1} is {Hex.Of(message.AsSpan(0, length))}");
            if (!reader.Open(message.AsSpan(0, length), payload, out int payloadLength)
                || Hex.Of(payload.AsSpan(0, payloadLength)) != VectorMessages[i].Payload)
                wrong.Add($"transport message {i + 1} did not open");
        }

        await Assert.That(wrong).IsEmpty();
    }

    private sealed class Pair
    {
        public readonly byte[] InitiatorStatic = new byte[32], ResponderStatic = new byte[32];
        public readonly NoiseHandshake Initiator, Responder;
        public readonly List<byte[]> Messages = [];

        public Pair(int seed, byte[]? responderPsk = null)
        {
            var random = new SeededRandomSource(new Random(seed));
            var psk = new byte[32];
            random.Fill(psk);
            X25519Keys.GeneratePrivate(random, InitiatorStatic);
            X25519Keys.GeneratePrivate(random, ResponderStatic);
            Initiator = new NoiseHandshake(true, "p2pchat test"u8, psk, InitiatorStatic, random);
            Responder = new NoiseHandshake(false, "p2pchat test"u8, responderPsk ?? psk, ResponderStatic, random);
        }

        /// <summary>Runs the handshake, letting <paramref name="tamper"/> change each message in flight; returns
        /// the number of messages that were read successfully.</summary>
        public int Run(Action<int, byte[]>? tamper = null)
        {
            var buffer = new byte[NoiseHandshake.MaxMessage];
            var payload = new byte[NoiseHandshake.MaxMessage];
            for (int i = 0; i < 3; i++)
            {
                var (writer, reader) = i % 2 == 0 ? (Initiator, Responder) : (Responder, Initiator);
                int length = writer.WriteMessage("hello"u8, buffer);
                var message = buffer.AsSpan(0, length).ToArray();
                tamper?.Invoke(i, message);
                Messages.Add(message);
                if (!reader.ReadMessage(message, payload, out int payloadLength)
                    || !payload.AsSpan(0, payloadLength).SequenceEqual("hello"u8))
                    return i;
            }
            return 3;
        }
    }

    private static byte[] PublicOf(byte[] privateKey)
    {
        var publicKey = new byte[32];
        X25519Keys.PublicFromPrivate(privateKey, publicKey);
        return publicKey;
    }

    [Test]
    public async Task Two_peers_complete_the_handshake_and_know_each_other()
    {
        var pair = new Pair(1);

        int read = pair.Run();

        await Assert.That(read).IsEqualTo(3);
        await Assert.That(pair.Initiator.IsComplete && pair.Responder.IsComplete).IsTrue();
        await Assert.That(Hex.Of(pair.Initiator.RemoteStatic)).IsEqualTo(Hex.Of(PublicOf(pair.ResponderStatic)));
        await Assert.That(Hex.Of(pair.Responder.RemoteStatic)).IsEqualTo(Hex.Of(PublicOf(pair.InitiatorStatic)));
        await Assert.That(Hex.Of(pair.Initiator.HandshakeHash)).IsEqualTo(Hex.Of(pair.Responder.HandshakeHash));
        await Assert.That(pair.Messages.Select(m => m.Length)).IsEquivalentTo(new[] { 32 + 5 + 16, 32 + 48 + 5 + 16, 48 + 5 + 16 });
    }

    [Test]
    public async Task A_wrong_psk_fails_the_responders_read_of_message_3()
    {
        var pair = new Pair(2, responderPsk: new byte[32]);

        int read = pair.Run();

        await Assert.That(read).IsEqualTo(2);
        await Assert.That(pair.Responder.IsComplete).IsFalse();
        await Assert.That(pair.Responder.IsMyTurn).IsFalse();
    }

    [Test]
    [Arguments(0)]
    [Arguments(1)]
    [Arguments(2)]
    public async Task A_flipped_bit_anywhere_in_a_handshake_message_fails_its_read(int messageIndex)
    {
        var reference = new Pair(3);
        reference.Run();
        int length = reference.Messages[messageIndex].Length;
        var survived = new List<int>();

        for (int bit = 0; bit < length * 8; bit++)
        {
            var pair = new Pair(3);
            int read = pair.Run((i, message) =>
            {
                if (i == messageIndex)
                    message[bit / 8] ^= (byte)(1 << (bit % 8));
            });
            if (read != messageIndex)
                survived.Add(bit);
        }

        await Assert.That(length).IsGreaterThan(0);
        await Assert.That(survived).IsEmpty();
    }

    [Test]
    public async Task Truncated_extended_and_oversized_messages_fail()
    {
        var buffer = new byte[NoiseHandshake.MaxMessage + 1];
        var payload = new byte[NoiseHandshake.MaxMessage + 1];
        var outcomes = new List<bool>();
        foreach (int delta in new[] { -1, -20, 1 })
        {
            var pair = new Pair(4);
            int length = pair.Initiator.WriteMessage("hi"u8, buffer);
            outcomes.Add(pair.Responder.ReadMessage(buffer.AsSpan(0, length + delta), payload, out _));
            outcomes.Add(pair.Responder.ReadMessage(buffer.AsSpan(0, length), payload, out _)); // dead after a failure
        }
        var empty = new Pair(5);
        outcomes.Add(empty.Responder.ReadMessage(default, payload, out _));
        var huge = new Pair(6);
        outcomes.Add(huge.Responder.ReadMessage(buffer, payload, out _));
        var small = new Pair(7);
        int smallLength = small.Initiator.WriteMessage(new byte[100], buffer);
        outcomes.Add(small.Responder.ReadMessage(buffer.AsSpan(0, smallLength), new byte[99], out _));

        await Assert.That(outcomes).DoesNotContain(true);
    }

    [Test]
    public async Task Writing_out_of_turn_or_splitting_early_throws()
    {
        var pair = new Pair(8);
        var buffer = new byte[1000];

        await Assert.That(() => pair.Responder.WriteMessage(default, buffer)).Throws<InvalidOperationException>();
        await Assert.That(() => pair.Initiator.Split()).Throws<InvalidOperationException>();
        pair.Initiator.WriteMessage(default, buffer);
        await Assert.That(() => pair.Initiator.WriteMessage(default, buffer)).Throws<InvalidOperationException>();
        await Assert.That(pair.Initiator.RemoteStatic.Length).IsEqualTo(0);
    }

    [Test]
    public async Task A_message_longer_than_Noise_allows_is_not_written()
    {
        var pair = new Pair(9);

        await Assert.That(() => pair.Initiator.WriteMessage(new byte[NoiseHandshake.MaxMessage - 47], new byte[70000]))
            .Throws<ArgumentException>();
        await Assert.That(pair.Initiator.WriteMessage(new byte[NoiseHandshake.MaxMessage - 48], new byte[70000]))
            .IsEqualTo(NoiseHandshake.MaxMessage);
    }
}
