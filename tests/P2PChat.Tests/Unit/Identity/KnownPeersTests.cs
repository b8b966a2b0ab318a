// Trust on first use: a name's first key is remembered, the same key is known, another key is flagged once, across a
// reload from disk; look-alike names count as the same name; the file is private, tolerant and bounded.
using System.Runtime.Versioning;
using System.Text;
using P2PChat.Net.Identity;

namespace P2PChat.Tests.Identity;

[UnsupportedOSPlatform("windows")]
public class KnownPeersTests
{
    private static byte[] Key(byte fill) => [.. Enumerable.Repeat(fill, 32)];

    [Test]
    public async Task A_name_seen_for_the_first_time_is_new_then_known()
    {
        using var dir = new TempDirectory();
        var peers = new KnownPeers(dir["known_peers"]);

        await Assert.That(peers.Check("alice", Key(1)).Trust).IsEqualTo(Trust.New);
        await Assert.That(peers.Check("alice", Key(1)).Trust).IsEqualTo(Trust.Known);
    }

    [Test]
    public async Task A_name_with_another_key_is_flagged_once_with_the_previous_key()
    {
        using var dir = new TempDirectory();
        var peers = new KnownPeers(dir["known_peers"]);
        peers.Check("alice", Key(1));

        TrustCheck changed = peers.Check("alice", Key(2));

        await Assert.That(changed.Trust).IsEqualTo(Trust.Changed);
        await Assert.That(changed.PreviousKey).IsEquivalentTo(Key(1));
        await Assert.That(changed.PreviousName).IsEqualTo("alice");
        await Assert.That(peers.Check("alice", Key(2)).Trust).IsEqualTo(Trust.Known);
        await Assert.That(peers.Check("alice", Key(1)).Trust).IsEqualTo(Trust.Known);
    }

    [Test]
    public async Task Verdicts_survive_a_reload_from_disk()
    {
        using var dir = new TempDirectory();
        var first = new KnownPeers(dir["known_peers"]);
        first.Check("alice", Key(1));
        first.Check("bob smith", Key(3));

        var second = new KnownPeers(dir["known_peers"]);
        TrustCheck changed = second.Check("alice", Key(2));
        var third = new KnownPeers(dir["known_peers"]);

        await Assert.That(second.Count).IsEqualTo(3);
        await Assert.That(second.Check("bob smith", Key(3)).Trust).IsEqualTo(Trust.Known);
        await Assert.That(changed.Trust).IsEqualTo(Trust.Changed);
        await Assert.That(changed.PreviousKey).IsEquivalentTo(Key(1));
        await Assert.That(third.Check("alice", Key(1)).Trust).IsEqualTo(Trust.Known);
        await Assert.That(third.Check("alice", Key(2)).Trust).IsEqualTo(Trust.Known).Because("a changed key is flagged only the first time");
        await Assert.That(third.Check("carol", Key(4)).Trust).IsEqualTo(Trust.New);
    }

    [Test]
    [Arguments("\u0430lice")] // Cyrillic а
    [Arguments("ALICE")]
    [Arguments("a1ice")]
    [Arguments("ａｌｉｃｅ")] // fullwidth
    public async Task A_look_alike_of_a_known_name_with_a_new_key_is_a_changed_key(string lookAlike)
    {
        using var dir = new TempDirectory();
        new KnownPeers(dir["known_peers"]).Check("alice", Key(1));
        var peers = new KnownPeers(dir["known_peers"]);

        TrustCheck check = peers.Check(lookAlike, Key(9));

        await Assert.That(check.Trust).IsEqualTo(Trust.Changed);
        await Assert.That(check.PreviousName).IsEqualTo("alice");
        await Assert.That(check.PreviousKey).IsEquivalentTo(Key(1));
    }

    [Test]
    public async Task A_look_alike_with_the_known_key_is_known()
    {
        using var dir = new TempDirectory();
        var peers = new KnownPeers(dir["known_peers"]);
        peers.Check("alice", Key(1));

        await Assert.That(peers.Check("Alice", Key(1)).Trust).IsEqualTo(Trust.Known);
    }

    [Test]
    public async Task The_file_is_0600_in_a_new_0700_directory_with_one_name_and_hex_key_a_line()
    {
        using var dir = new TempDirectory();
        string path = Path.Combine(dir.Path, "p2pchat", "known_peers");
        var peers = new KnownPeers(path);
        peers.Check("alice", Key(0x3f));
        peers.Check("bob smith", Key(0xa0));
        peers.Check("alice", Key(0x3f));

        await Assert.That(File.GetUnixFileMode(path)).IsEqualTo(UnixFileMode.UserRead | UnixFileMode.UserWrite);
        await Assert.That(File.GetUnixFileMode(Path.GetDirectoryName(path)!))
            .IsEqualTo(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        await Assert.That(File.ReadAllText(path))
            .IsEqualTo($"alice {string.Concat(Enumerable.Repeat("3f", 32))}\nbob smith {string.Concat(Enumerable.Repeat("a0", 32))}\n");
    }

    [Test]
    public async Task Corrupt_lines_are_skipped_and_the_rest_is_used()
    {
        using var dir = new TempDirectory();
        string path = dir["known_peers"];
        string hex = string.Concat(Enumerable.Repeat("01", 32));
        File.WriteAllText(path, string.Join('\n',
            "garbage",
            "alice " + hex[..63],                       // a digit short
            "alice " + hex[..62] + "zz",                // not hex
            " " + hex,                                  // no name
            "al\u202Eice " + hex,                       // not a valid name
            "alice  " + hex,                            // name ends with a space
            "bob " + hex,
            "alice " + string.Concat(Enumerable.Repeat("02", 32))[..40])); // a torn last line
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);

        var peers = new KnownPeers(path);

        await Assert.That(peers.Count).IsEqualTo(1);
        await Assert.That(peers.SkippedLines).IsEqualTo(7);
        await Assert.That(peers.Check("bob", Key(1)).Trust).IsEqualTo(Trust.Known);
        await Assert.That(peers.Check("alice", Key(1)).Trust).IsEqualTo(Trust.New);
    }

    [Test]
    public async Task Read_only_mode_answers_but_never_writes()
    {
        using var dir = new TempDirectory();
        string path = Path.Combine(dir.Path, "sub", "known_peers");
        var peers = new KnownPeers(path, readOnly: true);

        await Assert.That(peers.Check("alice", Key(1)).Trust).IsEqualTo(Trust.New);
        await Assert.That(peers.Check("alice", Key(1)).Trust).IsEqualTo(Trust.Known);
        await Assert.That(peers.Check("alice", Key(2)).Trust).IsEqualTo(Trust.Changed);
        await Assert.That(Directory.Exists(Path.GetDirectoryName(path))).IsFalse();
    }

    [Test]
    public async Task A_known_peers_file_writable_by_others_is_refused()
    {
        using var dir = new TempDirectory();
        string path = dir["known_peers"];
        File.WriteAllText(path, "");
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead | UnixFileMode.OtherWrite);

        var error = await Assert.That(() => new KnownPeers(path)).Throws<IdentityException>();

        await Assert.That(error!.Message).IsEqualTo($"known peers file {path} is writable by others (mode 0646); run chmod 600 {path}");
    }

    [Test]
    public async Task A_full_file_is_no_longer_written_but_answers_still_come_from_memory()
    {
        using var dir = new TempDirectory();
        string path = dir["known_peers"];
        var lines = new StringBuilder();
        for (int i = 0; i < KnownPeers.MaxEntries; i++)
            lines.Append("user").Append(i).Append(' ').Append(Convert.ToHexStringLower(BitConverter.GetBytes(i))).Append('0', 56).Append('\n');
        File.WriteAllText(path, lines.ToString());
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        long size = new FileInfo(path).Length;

        var peers = new KnownPeers(path);

        await Assert.That(peers.Count).IsEqualTo(KnownPeers.MaxEntries);
        await Assert.That(peers.NotWriting).IsNotNull();
        await Assert.That(peers.Check("newcomer", Key(5)).Trust).IsEqualTo(Trust.New);
        await Assert.That(peers.Check("newcomer", Key(5)).Trust).IsEqualTo(Trust.Known);
        await Assert.That(peers.Check("newcomer", Key(6)).Trust).IsEqualTo(Trust.Changed);
        await Assert.That(new FileInfo(path).Length).IsEqualTo(size);
    }

    [Test]
    public async Task A_name_that_could_forge_a_line_is_refused()
    {
        using var dir = new TempDirectory();
        var peers = new KnownPeers(dir["known_peers"]);

        await Assert.That(() => peers.Check("alice\nmallory", Key(1))).Throws<ArgumentException>();
        await Assert.That(File.Exists(dir["known_peers"])).IsFalse();
    }
}
