// Trust on first use: remembers which public keys each name came with, in known_peers (lines `name key-hex`), and says
// whether a (name, key) pair is new, known, or a name seen before with another key. Names are compared by skeleton,
// so a look-alike name with a new key is a changed key. Owns the file: loads it once, then appends one line per pair.
using System.Runtime.Versioning;
using System.Text;

namespace P2PChat.Net.Identity;

[UnsupportedOSPlatform("windows")] // Unix file modes, as IdentityStore
internal sealed class KnownPeers
{
    /// <summary>Most pairs kept in the file. Past it, new pairs are still remembered in memory for this run (up to as
    /// many again, then not at all), but no longer written: a flood of made-up names cannot grow the file without bound.</summary>
    public const int MaxEntries = 10_000;

    private const int MaxMemoryEntries = 2 * MaxEntries;

    /// <summary>Most keys remembered under one name: someone making up keys for a name (a flood of look-alikes) is
    /// flagged all the same, but cannot fill the file.</summary>
    public const int MaxKeysPerName = 8;
    private const int KeySize = Fingerprint.PublicKeySize;
    private const int HexLength = 2 * KeySize;

    /// <summary>Skeleton → the pairs seen under it, oldest first. Holds at most MaxMemoryEntries pairs in all.</summary>
    private readonly Dictionary<string, List<(string Name, byte[] Key)>> _bySkeleton = new(StringComparer.Ordinal);
    private readonly Lock _lock = new();
    private readonly string _path;
    private readonly bool _readOnly;
    private int _inFile;

    public int Count { get; private set; }

    /// <summary>Lines of the file that were not `name key-hex` and were skipped.</summary>
    public int SkippedLines { get; }

    /// <summary>Why the file is no longer written to (it is full, or a write failed), or null while it is.</summary>
    public string? NotWriting { get; private set; }

    /// <summary>Loads <paramref name="path"/> if it exists. With <paramref name="readOnly"/>, never creates or writes
    /// anything: answers come from the file as loaded and from memory.</summary>
    /// <exception cref="IdentityException">The file may be written by others, or cannot be read.</exception>
    public KnownPeers(string path, bool readOnly = false)
    {
        _path = path;
        _readOnly = readOnly;
        try
        {
            var info = new FileInfo(path);
            if (!info.Exists)
                return;
            // Anyone who can write the file can plant their key under a friend's name.
            if ((info.UnixFileMode & (UnixFileMode.GroupWrite | UnixFileMode.OtherWrite)) != 0)
                throw new IdentityException($"known peers file {path} is writable by others (mode {IdentityStore.Octal(info.UnixFileMode)}); run chmod 600 {path}");
            using var reader = new StreamReader(path, Encoding.UTF8);
            while (reader.ReadLine() is { } line)
            {
                if (!TryParse(line, out string name, out byte[] key))
                {
                    SkippedLines++;
                    continue;
                }
                if (Count >= MaxEntries)
                    break;
                string skeleton = NameSkeleton.Of(name);
                if (Find(skeleton, key, out _, out _) != Trust.Known)
                    Add(skeleton, name, key);
            }
            _inFile = Count;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new IdentityException($"cannot read known peers file {path}: {e.Message}", e);
        }
        if (_inFile >= MaxEntries)
            NotWriting = $"known peers file {path} holds {MaxEntries} keys, the most it keeps; new keys are remembered only until exit";
    }

    /// <summary>Checks <paramref name="name"/> (a valid name: TextRules.IsValidName) against the keys seen before,
    /// and remembers the pair when it is not Known.</summary>
    public TrustCheck Check(string name, ReadOnlySpan<byte> publicKey)
    {
        if (publicKey.Length != KeySize)
            throw new ArgumentException($"a public key is {KeySize} bytes, not {publicKey.Length}", nameof(publicKey));
        if (!TextRules.IsValidName(Encoding.UTF8.GetBytes(name)))
            throw new ArgumentException("not a valid name (TextRules.IsValidName)", nameof(name)); // a newline would forge a line
        string skeleton = NameSkeleton.Of(name);
        lock (_lock)
        {
            Trust trust = Find(skeleton, publicKey, out byte[]? previousKey, out string? previousName);
            if (trust == Trust.Known)
                return new TrustCheck(Trust.Known);
            byte[] key = publicKey.ToArray();
            if (Count < MaxMemoryEntries && (!_bySkeleton.TryGetValue(skeleton, out var under) || under.Count < MaxKeysPerName))
            {
                Add(skeleton, name, key);
                Append(name, key);
            }
            return new TrustCheck(trust, previousKey, previousName);
        }
    }

    /// <summary>Known if a pair under <paramref name="skeleton"/> has this key; Changed (with the latest other pair) if
    /// pairs exist but none has it; New if there are none.</summary>
    private Trust Find(string skeleton, ReadOnlySpan<byte> key, out byte[]? previousKey, out string? previousName)
    {
        previousKey = null;
        previousName = null;
        if (!_bySkeleton.TryGetValue(skeleton, out var pairs))
            return Trust.New;
        foreach (var (_, known) in pairs)
            if (key.SequenceEqual(known))
                return Trust.Known;
        (previousName, previousKey) = pairs[^1];
        return Trust.Changed;
    }

    private void Add(string skeleton, string name, byte[] key)
    {
        if (!_bySkeleton.TryGetValue(skeleton, out var pairs))
            _bySkeleton[skeleton] = pairs = [];
        pairs.Add((name, key));
        Count++;
    }

    /// <summary>Appends one line with one write(2) on an O_APPEND file, so a crash leaves whole lines (at worst a
    /// partial last line, which the next load skips). Creates the directory 0700 and the file 0600.</summary>
    private void Append(string name, byte[] key)
    {
        if (_readOnly || NotWriting is not null)
            return;
        if (_inFile >= MaxEntries)
        {
            NotWriting = $"known peers file {_path} holds {MaxEntries} keys, the most it keeps; new keys are remembered only until exit";
            return;
        }
        try
        {
            string? directory = Path.GetDirectoryName(Path.GetFullPath(_path));
            if (directory is not null)
                Directory.CreateDirectory(directory, IdentityStore.PrivateDirectory);
            using var stream = new FileStream(_path, new FileStreamOptions
            {
                Mode = FileMode.Append,
                Access = FileAccess.Write,
                UnixCreateMode = IdentityStore.PrivateFile,
            });
            stream.Write(Encoding.UTF8.GetBytes($"{name} {Convert.ToHexStringLower(key)}\n"));
            _inFile++;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            NotWriting = $"cannot write known peers file {_path}: {e.Message}";
        }
    }

    /// <summary>A line is a valid name, one space, and 64 hex digits. Names may hold spaces, so the key is the last word.</summary>
    private static bool TryParse(string line, out string name, out byte[] key)
    {
        name = "";
        key = [];
        if (line.Length < HexLength + 2 || line[^(HexLength + 1)] != ' ')
            return false;
        name = line[..^(HexLength + 1)];
        ReadOnlySpan<char> hex = line.AsSpan(line.Length - HexLength);
        foreach (char c in hex)
            if (!char.IsAsciiHexDigit(c))
                return false;
        // Checked as UTF-8 without a copy per line: a file of 10,000 peers is read at every start.
        Span<byte> utf8 = stackalloc byte[Protocol.MaxNameBytes];
        if (!Encoding.UTF8.TryGetBytes(name, utf8, out int written) || !TextRules.IsValidName(utf8[..written]))
            return false;
        key = Convert.FromHexString(hex);
        return true;
    }
}
