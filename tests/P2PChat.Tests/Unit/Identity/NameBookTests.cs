// Names are labels, keys are identities: how NameBook shows a name (alone, or with a fingerprint long enough to tell
// look-alikes apart), protects our own name, and warns once when a known name comes with a new key.
using System.Text;
using P2PChat.Net.Identity;

namespace P2PChat.Tests.Identity;

public class NameBookTests
{
    private static byte[] Key(byte first, byte second = 0, byte fill = 0)
    {
        var key = new byte[32];
        Array.Fill(key, fill);
        key[0] = first;
        key[1] = second;
        return key;
    }

    [Test]
    public async Task A_name_only_one_key_uses_is_shown_as_it_is()
    {
        var book = new NameBook("me", Key(1));
        await Assert.That(book.Label("alice", Key(2), out _)).IsEqualTo("alice");
        await Assert.That(book.Label(Encoding.UTF8.GetBytes("alice"), Key(2), out _)).IsNull();
    }

    [Test]
    public async Task Two_keys_with_look_alike_names_are_both_shown_with_fingerprints()
    {
        var book = new NameBook("me", Key(1));
        book.Label("alice", Key(0x3f, 0x2a), out _);
        string impostor = book.Label("аlice", Key(0x91, 0xc0), out _); // Cyrillic а
        string real = book.Label("alice", Key(0x3f, 0x2a), out _);

        await Assert.That(real).IsEqualTo("alice#3f2a");
        await Assert.That(impostor).IsEqualTo("аlice#91c0");
    }

    [Test]
    public async Task Nobody_else_can_pass_for_us()
    {
        var book = new NameBook("bob", Key(1));
        await Assert.That(book.Label("BOB", Key(0xee, 0x01), out _)).IsEqualTo("BOB#ee01");
    }

    [Test]
    public async Task A_key_ground_to_share_the_first_digits_gets_a_longer_fingerprint()
    {
        var book = new NameBook("me", Key(1));
        byte[] real = Key(0x3f, 0x2a, fill: 0x11);
        byte[] ground = Key(0x3f, 0x2a, fill: 0x11);
        ground[5] = 0x99; // the first 10 hex digits agree
        book.Label("alice", real, out _);
        book.Label("alice", ground, out _);

        await Assert.That(book.Label("alice", real, out _)).IsEqualTo("alice#3f2a1111111");
        await Assert.That(book.Label("alice", ground, out _)).IsEqualTo("alice#3f2a1111119");
    }

    [Test]
    public async Task Whois_lists_every_key_behind_a_name_in_full()
    {
        var book = new NameBook("me", Key(1));
        book.Label("alice", Key(0x3f, 0x2a), out _);
        book.Label("alice", Key(0x91, 0xc0), out _);

        IReadOnlyList<string> lines = book.Whois("Alice");

        await Assert.That(lines.Count).IsEqualTo(2);
        await Assert.That(lines[0]).StartsWith("alice#3f2a: 3f2a 0000");
        await Assert.That(book.Whois("nobody")[0]).Contains("nobody called nobody");
    }

    [Test]
    public async Task A_known_name_with_a_new_key_is_flagged_once()
    {
        string dir = Path.Combine(Path.GetTempPath(), $"p2pchat-names-{Guid.NewGuid():N}");
        try
        {
            var first = new NameBook("me", Key(1), new KnownPeers(Path.Combine(dir, "known_peers")));
            first.Label("alice", Key(0x3f, 0x2a), out string? none);
            await Assert.That(none).IsNull();

            // Another run: alice comes back with another key.
            var second = new NameBook("me", Key(1), new KnownPeers(Path.Combine(dir, "known_peers")));
            second.Label("alice", Key(0x91, 0xc0), out string? warning);
            second.Label("alice", Key(0x91, 0xc0), out string? again);

            await Assert.That(warning).IsNotNull();
            await Assert.That(warning!).Contains("#3f2a");
            await Assert.That(again).IsNull();
        }
        finally
        {
            if (Directory.Exists(dir))
                Directory.Delete(dir, recursive: true);
        }
    }
}
