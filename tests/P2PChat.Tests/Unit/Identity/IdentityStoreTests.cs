// The identity file: where it lives, created 0600 in a 0700 directory in the two-line v1 format, loaded back to the
// same seed, and refused (with one clear line) when others may read it or it is not an identity file.
using System.Runtime.Versioning;
using System.Text;
using P2PChat.Net.Identity;

namespace P2PChat.Tests.Identity;

[UnsupportedOSPlatform("windows")]
public class IdentityStoreTests
{
    private static byte[] Seed(byte first = 1) => [.. Enumerable.Range(first, 32).Select(i => (byte)i)];

    private static string Write(TempDirectory dir, string content, UnixFileMode mode = UnixFileMode.UserRead | UnixFileMode.UserWrite)
    {
        string path = dir["identity"];
        File.WriteAllText(path, content);
        File.SetUnixFileMode(path, mode);
        return path;
    }

    [Test]
    public async Task Creating_an_identity_makes_a_0700_directory_and_a_0600_file_in_the_v1_format()
    {
        using var dir = new TempDirectory();
        string path = Path.Combine(dir.Path, "config", "p2pchat", "identity");

        LoadedIdentity identity = IdentityStore.LoadOrCreate(path, () => Seed());

        await Assert.That(identity.Created).IsTrue();
        await Assert.That(identity.Seed).IsEquivalentTo(Seed());
        await Assert.That(File.GetUnixFileMode(path)).IsEqualTo(UnixFileMode.UserRead | UnixFileMode.UserWrite);
        await Assert.That(File.GetUnixFileMode(Path.GetDirectoryName(path)!))
            .IsEqualTo(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        await Assert.That(File.ReadAllText(path)).IsEqualTo($"p2pchat identity v1\n{Convert.ToBase64String(Seed())}\n");
        await Assert.That(Directory.GetFiles(Path.GetDirectoryName(path)!).Length).IsEqualTo(1).Because("no temporary file is left behind");
    }

    [Test]
    public async Task A_created_identity_loads_again_to_the_same_seed_without_asking_for_a_new_one()
    {
        using var dir = new TempDirectory();
        string path = dir["identity"];
        IdentityStore.LoadOrCreate(path, () => Seed(7));

        LoadedIdentity again = IdentityStore.LoadOrCreate(path, () => throw new InvalidOperationException("asked for a new seed"));

        await Assert.That(again.Created).IsFalse();
        await Assert.That(again.Seed).IsEquivalentTo(Seed(7));
    }

    [Test]
    public async Task A_file_readable_by_others_is_refused_with_the_chmod_advice()
    {
        using var dir = new TempDirectory();
        string path = Write(dir, $"p2pchat identity v1\n{Convert.ToBase64String(Seed())}\n",
            UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead);

        var error = await Assert.That(() => IdentityStore.LoadOrCreate(path, () => Seed())).Throws<IdentityException>();

        await Assert.That(error!.Message).IsEqualTo($"identity file {path} is readable by others (mode 0644); run chmod 600 {path}");
    }

    [Test]
    public async Task A_file_writable_by_the_group_is_refused()
    {
        using var dir = new TempDirectory();
        string path = Write(dir, $"p2pchat identity v1\n{Convert.ToBase64String(Seed())}\n",
            UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupWrite);

        var error = await Assert.That(() => IdentityStore.TryLoad(path)).Throws<IdentityException>();

        await Assert.That(error!.Message).IsEqualTo($"identity file {path} is writable by others (mode 0620); run chmod 600 {path}");
    }

    [Test]
    [Arguments("", "is not a p2pchat identity file")]
    [Arguments("ssh-ed25519 AAAA\n", "is not a p2pchat identity file")]
    [Arguments("p2pchat identity v1\n", "has 1 lines")]
    [Arguments("p2pchat identity v1\nAQIDBAUGBwgJCgsMDQ4PEBESExQVFhcYGRobHB0eHw==\n", "holds a seed of 31 bytes")]
    [Arguments("p2pchat identity v1\nnot base64 at all!\n", "is not base64")]
    [Arguments("p2pchat identity v1\nAQIDBAUGBwgJCgsMDQ4PEBESExQVFhcYGRobHB0eHyAhIiM=\n", "holds a seed of 35 bytes")]
    [Arguments("p2pchat identity v1\nAQIDBAUGBwgJCgsMDQ4PEBESExQVFhcYGRobHB0eHyA=\nextra\n", "has 3 lines")]
    public async Task A_file_that_is_not_an_identity_file_is_refused_and_left_alone(string content, string reason)
    {
        using var dir = new TempDirectory();
        string path = Write(dir, content);

        var error = await Assert.That(() => IdentityStore.LoadOrCreate(path, () => Seed())).Throws<IdentityException>();

        await Assert.That(error!.Message).Contains(path).And.Contains(reason);
        await Assert.That(error.Message).DoesNotContain("\n");
        await Assert.That(File.ReadAllText(path)).IsEqualTo(content);
    }

    [Test]
    public async Task A_seed_written_with_crlf_line_ends_still_loads()
    {
        using var dir = new TempDirectory();
        string path = Write(dir, $"p2pchat identity v1\r\n{Convert.ToBase64String(Seed(3))}\r\n");

        await Assert.That(IdentityStore.TryLoad(path)).IsEquivalentTo(Seed(3));
    }

    [Test]
    public async Task A_large_file_is_refused_without_being_read()
    {
        using var dir = new TempDirectory();
        string path = Write(dir, "p2pchat identity v1\n" + new string('A', 100_000));

        var error = await Assert.That(() => IdentityStore.TryLoad(path)).Throws<IdentityException>();

        await Assert.That(error!.Message).Contains("100020 bytes long");
    }

    [Test]
    public async Task A_missing_file_loads_as_nothing()
    {
        using var dir = new TempDirectory();

        await Assert.That(IdentityStore.TryLoad(dir["identity"])).IsNull();
    }

    [Test]
    public async Task A_seed_of_the_wrong_size_from_the_caller_is_refused_and_nothing_is_written()
    {
        using var dir = new TempDirectory();

        await Assert.That(() => IdentityStore.LoadOrCreate(dir["identity"], () => new byte[16])).Throws<ArgumentException>();
        await Assert.That(File.Exists(dir["identity"])).IsFalse();
    }

    [Test]
    [Arguments("/xdg", "/home/ann", "/xdg/p2pchat/identity")]
    [Arguments(null, "/home/ann", "/home/ann/.config/p2pchat/identity")]
    [Arguments("", "/home/ann", "/home/ann/.config/p2pchat/identity")]
    [Arguments("relative/dir", "/home/ann", "/home/ann/.config/p2pchat/identity")] // the XDG spec says to ignore it
    [Arguments("/xdg", null, "/xdg/p2pchat/identity")]
    public async Task The_default_path_follows_XDG_CONFIG_HOME_then_HOME(string? xdg, string? home, string expected)
    {
        string path = IdentityStore.DefaultPath(name => name switch { "XDG_CONFIG_HOME" => xdg, "HOME" => home, _ => null });

        await Assert.That(path).IsEqualTo(expected);
    }

    [Test]
    public async Task Without_XDG_CONFIG_HOME_or_HOME_the_default_path_is_a_one_line_error()
    {
        var error = await Assert.That(() => IdentityStore.DefaultPath(_ => null)).Throws<IdentityException>();

        await Assert.That(error!.Message).IsEqualTo("cannot tell where to keep the identity: neither XDG_CONFIG_HOME nor HOME is set (give --identity FILE)");
    }

    [Test]
    [Arguments("/home/ann/.config/p2pchat/identity", "/home/ann/.config/p2pchat/known_peers")]
    [Arguments("/keys/work-id", "/keys/known_peers")]
    public async Task Known_peers_lives_beside_the_identity_file(string identity, string expected)
    {
        await Assert.That(IdentityStore.KnownPeersPath(identity)).IsEqualTo(expected);
    }

    [Test]
    public async Task An_explicit_identity_file_wins_over_the_default()
    {
        await Assert.That(IdentityStore.ResolvePath("/keys/work-id")).IsEqualTo("/keys/work-id");
    }

    [Test]
    public async Task The_file_format_is_readable_text()
    {
        using var dir = new TempDirectory();
        IdentityStore.LoadOrCreate(dir["identity"], () => Seed());

        string[] lines = Encoding.UTF8.GetString(File.ReadAllBytes(dir["identity"])).Split('\n');

        await Assert.That(lines[0]).IsEqualTo("p2pchat identity v1");
        await Assert.That(lines[1].Length).IsEqualTo(44);
    }
}
