// Finds, loads or creates the identity file: the user's long-term Ed25519 seed, kept as two lines of text
// ("p2pchat identity v1", then the 32 seed bytes in base64) in a 0600 file in a 0700 directory, refused as ssh
// refuses a private key when anyone else may read or write it.
using System.Runtime.Versioning;
using System.Text;

namespace P2PChat.Net.Identity;

[UnsupportedOSPlatform("windows")] // Unix file modes: callers check OperatingSystem.IsWindows() or carry this too
internal static class IdentityStore
{
    public const int SeedSize = 32;
    public const string Header = "p2pchat identity v1";
    public const string FileName = "identity";
    public const string KnownPeersFileName = "known_peers";

    /// <summary>Largest file read: the two lines are 20 + 45 bytes; anything much larger is not an identity file.</summary>
    private const int MaxFileBytes = 1024;

    internal const UnixFileMode PrivateFile = UnixFileMode.UserRead | UnixFileMode.UserWrite;
    internal const UnixFileMode PrivateDirectory = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;

    /// <summary>Group and other permission bits: none may be set on a file holding a secret (ssh checks 077 too).</summary>
    private const UnixFileMode OthersMask = (UnixFileMode)0b000_111_111;

    /// <summary>$XDG_CONFIG_HOME/p2pchat/identity, else $HOME/.config/p2pchat/identity.</summary>
    /// <exception cref="IdentityException">Neither variable is set.</exception>
    public static string DefaultPath() => DefaultPath(Environment.GetEnvironmentVariable);

    /// <summary>DefaultPath with the environment passed in, so tests need not change the process's.</summary>
    public static string DefaultPath(Func<string, string?> environment)
    {
        // The XDG base directory spec says a relative XDG_CONFIG_HOME is invalid and is to be ignored.
        string? config = environment("XDG_CONFIG_HOME");
        if (!string.IsNullOrEmpty(config) && Path.IsPathRooted(config))
            return Path.Combine(config, "p2pchat", FileName);
        string? home = environment("HOME");
        if (!string.IsNullOrEmpty(home))
            return Path.Combine(home, ".config", "p2pchat", FileName);
        throw new IdentityException("cannot tell where to keep the identity: neither XDG_CONFIG_HOME nor HOME is set (give --identity FILE)");
    }

    /// <summary>The explicit --identity file if given, else DefaultPath().</summary>
    public static string ResolvePath(string? explicitPath) => string.IsNullOrEmpty(explicitPath) ? DefaultPath() : explicitPath;

    /// <summary>known_peers in the identity file's directory (the config directory, or beside an explicit --identity).</summary>
    public static string KnownPeersPath(string identityPath) =>
        Path.Combine(Path.GetDirectoryName(Path.GetFullPath(identityPath)) ?? "/", KnownPeersFileName);

    /// <summary>Loads the seed at <paramref name="path"/>, or, when there is no file, creates one holding
    /// <paramref name="newSeed"/>() (32 bytes from the caller's random source).</summary>
    /// <exception cref="IdentityException">The file is open to others, malformed, or cannot be read or written.</exception>
    public static LoadedIdentity LoadOrCreate(string path, Func<byte[]> newSeed)
    {
        if (TryLoad(path) is { } existing)
            return new LoadedIdentity(existing, path, Created: false);
        byte[] seed = newSeed();
        if (seed.Length != SeedSize)
            throw new ArgumentException($"a seed is {SeedSize} bytes, not {seed.Length}", nameof(newSeed));
        if (Create(path, seed))
            return new LoadedIdentity(seed, path, Created: true);
        // Another p2pchat created the file between our look and our rename: theirs stands.
        return new LoadedIdentity(TryLoad(path) ?? throw new IdentityException($"identity file {path} vanished while it was being created"), path, Created: false);
    }

    /// <summary>The seed in an existing file, or null when there is no file.</summary>
    /// <exception cref="IdentityException">The file is open to others, malformed, or cannot be read.</exception>
    public static byte[]? TryLoad(string path)
    {
        try
        {
            var info = new FileInfo(path);
            if (!info.Exists)
                return Directory.Exists(path) ? throw new IdentityException($"identity file {path} is a directory") : null;
            CheckPrivate(path, "identity file", info.UnixFileMode);
            if (info.Length > MaxFileBytes)
                throw new IdentityException($"identity file {path} is {info.Length} bytes long: not a p2pchat identity file");
            return Parse(path, File.ReadAllText(path, Encoding.UTF8));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new IdentityException($"cannot read identity file {path}: {e.Message}", e);
        }
    }

    /// <summary>Refuses a file that the group or others may read, write or run, with the ssh-style advice.</summary>
    internal static void CheckPrivate(string path, string what, UnixFileMode mode)
    {
        if ((mode & OthersMask) == 0)
            return;
        const UnixFileMode readable = UnixFileMode.GroupRead | UnixFileMode.OtherRead;
        const UnixFileMode writable = UnixFileMode.GroupWrite | UnixFileMode.OtherWrite;
        string access = (mode & readable) != 0 ? "readable" : (mode & writable) != 0 ? "writable" : "accessible";
        throw new IdentityException($"{what} {path} is {access} by others (mode {Octal(mode)}); run chmod 600 {path}");
    }

    /// <summary>A mode as ls and chmod write it: 0644.</summary>
    internal static string Octal(UnixFileMode mode) => Convert.ToString((int)mode & 0xFFF, 8).PadLeft(4, '0');

    private static byte[] Parse(string path, string text)
    {
        string[] lines = text.Split('\n');
        int count = lines.Length;
        while (count > 0 && lines[count - 1].TrimEnd('\r').Length == 0)
            count--; // trailing newlines
        if (count == 0 || lines[0].TrimEnd('\r') != Header)
            throw new IdentityException($"identity file {path} is not a p2pchat identity file (its first line is not '{Header}')");
        if (count != 2)
            throw new IdentityException($"identity file {path} has {count} lines; a p2pchat identity file has 2 ('{Header}' and the seed in base64)");
        string encoded = lines[1].Trim();
        var seed = new byte[MaxFileBytes];
        if (!Convert.TryFromBase64String(encoded, seed, out int length))
            throw new IdentityException($"identity file {path}: the second line is not base64");
        if (length != SeedSize)
            throw new IdentityException($"identity file {path} holds a seed of {length} bytes; a seed is {SeedSize} bytes");
        return seed[..SeedSize];
    }

    /// <summary>Writes the file through a 0600 temporary file in the same directory, then links it into place without
    /// replacing anything. False when a file appeared there meanwhile.</summary>
    private static bool Create(string path, byte[] seed)
    {
        string full = Path.GetFullPath(path);
        string directory = Path.GetDirectoryName(full) ?? "/";
        string temporary = Path.Combine(directory, $".{Path.GetFileName(full)}.{Environment.ProcessId}.{Random.Shared.Next():x8}.tmp");
        try
        {
            Directory.CreateDirectory(directory, PrivateDirectory); // no-op when it exists; new parents get 0700 too
            // The mode is given at open(2), so the secret is never in a file others could open.
            using (var stream = new FileStream(temporary, new FileStreamOptions
            {
                Mode = FileMode.CreateNew,
                Access = FileAccess.Write,
                UnixCreateMode = PrivateFile,
            }))
            {
                stream.Write(Encoding.UTF8.GetBytes($"{Header}\n{Convert.ToBase64String(seed)}\n"));
                stream.Flush(flushToDisk: true);
            }
            try
            {
                // overwrite: false links the new name (link(2)) and fails if it exists: a rename that never replaces.
                File.Move(temporary, full, overwrite: false);
                return true;
            }
            catch (IOException) when (File.Exists(full))
            {
                return false;
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new IdentityException($"cannot create identity file {path}: {e.Message}", e);
        }
        finally
        {
            try
            {
                File.Delete(temporary); // no-op once moved
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // Left behind in a directory we could not write: the error above already says why.
            }
        }
    }
}
