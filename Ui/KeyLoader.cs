// Who the user is and which room they are in, read once at start: the identity seed from the identity file (made on
// first run; Net/Identity/IdentityStore) and the room secret from a file (--room-file) or the environment
// (P2PCHAT_ROOM_SECRET) or a prompt on the terminal (--room-prompt), never from the command line, where `ps` would show it to everyone on the machine.
using System.Runtime.Versioning;
using System.Text;
using P2PChat.Net;
using P2PChat.Net.Crypto;
using P2PChat.Net.Identity;

namespace P2PChat.Ui;

[UnsupportedOSPlatform("windows")]
internal static class KeyLoader
{
    public const string RoomSecretVariable = "P2PCHAT_ROOM_SECRET";

    /// <summary>Largest room secret read from a file: a passphrase or a key, not a document.</summary>
    public const int MaxSecretBytes = 1024;

    /// <summary>The keys for <paramref name="options"/>, or the one-line reason they cannot be had.</summary>
    public static string? TryLoad(LaunchOptions options, Func<string, string?> environment, out NodeKeys keys, out KnownPeers? known, out string? created)
    {
        keys = null!;
        known = null;
        created = null;
        byte[] seed;
        try
        {
            string path = options.IdentityFile ?? IdentityStore.DefaultPath(environment);
            known = new KnownPeers(IdentityStore.KnownPeersPath(path));
            LoadedIdentity identity = IdentityStore.LoadOrCreate(path, () =>
            {
                var fresh = new byte[IdentityStore.SeedSize];
                OsRandom.Instance.Fill(fresh);
                return fresh;
            });
            seed = identity.Seed;
            if (identity.Created)
                created = identity.Path;
        }
        catch (IdentityException e)
        {
            return e.Message;
        }
        byte[] secret;
        if (options.RoomFile is { } roomFile)
        {
            try
            {
                var info = new FileInfo(roomFile);
                if (!info.Exists)
                    return $"room secret file '{roomFile}' does not exist";
                if (info.Length > MaxSecretBytes)
                    return $"room secret file '{roomFile}' is larger than {MaxSecretBytes} bytes";
                // A trailing newline (echo secret > file) is not part of the secret.
                secret = Encoding.UTF8.GetBytes(File.ReadAllText(roomFile).TrimEnd('\r', '\n'));
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                return $"cannot read room secret file '{roomFile}': {e.Message}";
            }
            if (secret.Length == 0)
                return $"room secret file '{roomFile}' is empty";
        }
        else if (options.RoomPrompt)
        {
            string? typed = SecretPrompt.Ask("room secret: ", out string? noTerminal);
            if (typed is null)
                return noTerminal;
            if (typed.Length == 0)
                return "no room secret was typed";
            secret = Encoding.UTF8.GetBytes(typed);
        }
        else
        {
            secret = Encoding.UTF8.GetBytes(environment(RoomSecretVariable) ?? "");
        }
        keys = new NodeKeys(new IdentityKey(seed), OsRandom.Instance, secret);
        return null;
    }
}
