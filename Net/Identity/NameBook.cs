// Who a name stands for, as this user sees it: names are labels, keys are identities. Every (name, key) met (a line,
// a member, a link) is registered under the name's skeleton (NameSkeleton); while only one key uses a skeleton the
// name is shown as it is, and once two keys share one (two alices, or аlice in Cyrillic) every one of them is shown
// with a fingerprint (alice#3f2a), long enough to tell them apart (a key ground to share the first 4 hex digits gets
// more), and our own name is registered first, so nobody else can pass for us. Trust on first use (KnownPeers)
// flags a known name that comes with a new key, once. Thread-safe: the event thread labels, the UI asks :whois.
using System.Runtime.Versioning;

namespace P2PChat.Net.Identity;

[UnsupportedOSPlatform("windows")]
internal sealed class NameBook
{
    /// <summary>At most this many skeletons, and keys per skeleton, are tracked (a flood of identities is bounded).</summary>
    public const int MaxSkeletons = 4096;
    public const int MaxKeysPerSkeleton = 16;

    private readonly Lock _lock = new();
    private readonly Dictionary<string, List<(string Name, byte[] Key)>> _bySkeleton = new(StringComparer.Ordinal);
    private readonly Dictionary<(ulong, ulong), (byte[] Name, string? Label, int Version)> _labels = [];
    private readonly KnownPeers? _known;
    private readonly byte[] _ownKey;
    private int _version;

    // Skeletons already warned about this session: a flood of new keys under one name warns once, not once per key.
    private readonly HashSet<string> _warned = new(StringComparer.Ordinal);

    public NameBook(string ownName, ReadOnlySpan<byte> ownKey, KnownPeers? known = null)
    {
        _ownKey = ownKey.ToArray();
        _known = known;
        Register(ownName, _ownKey);
    }

    /// <summary>We took another name (:nick): it is ours too, so nobody else can pass for us under it either.</summary>
    public void RenamedSelf(string name)
    {
        lock (_lock)
            Register(name, _ownKey);
    }

    /// <summary>How a name (UTF-8) said by <paramref name="key"/> is shown: null when as it is (the usual case, no
    /// string made), or name#fingerprint when another key uses a look-alike name. <paramref name="notice"/> is set the
    /// first time a known name comes with a new key (trust on first use).</summary>
    public string? Label(ReadOnlySpan<byte> nameUtf8, ReadOnlySpan<byte> key, out string? notice)
    {
        notice = null;
        if (key.Length != Fingerprint.PublicKeySize)
            return null;
        var id = (BitConverter.ToUInt64(key), BitConverter.ToUInt64(key[8..]));
        lock (_lock)
        {
            if (_labels.TryGetValue(id, out var cached) && cached.Version == _version && nameUtf8.SequenceEqual(cached.Name))
                return cached.Label;
            string name = System.Text.Encoding.UTF8.GetString(nameUtf8);
            byte[] keyBytes = key.ToArray();
            string skeleton = NameSkeleton.Of(name);
            Register(name, skeleton, keyBytes);
            notice = CheckTrust(name, keyBytes);
            string label = LabelOf(name, skeleton, keyBytes);
            string? shown = label == name ? null : label;
            if (_labels.Count >= MaxSkeletons * 4)
                _labels.Clear();
            _labels[id] = (nameUtf8.ToArray(), shown, _version);
            return shown;
        }
    }

    /// <summary>The same for a name already a string: the name itself, or with its fingerprint.</summary>
    public string Label(string name, ReadOnlySpan<byte> key, out string? notice) =>
        Label(System.Text.Encoding.UTF8.GetBytes(name), key, out notice) ?? name;

    /// <summary>A name as a display shows it (Label), with the trust-on-first-use warning, if any, handed to
    /// <paramref name="warn"/>.</summary>
    public string Shown(string name, ReadOnlySpan<byte> key, Action<string> warn)
    {
        if (key.Length == 0)
            return name;
        string label = Label(name, key, out string? notice);
        if (notice is not null)
            warn(notice);
        return label;
    }

    /// <summary>:whois: everyone seen with a name like <paramref name="name"/>, with full fingerprints.</summary>
    public IReadOnlyList<string> Whois(string name)
    {
        lock (_lock)
        {
            if (!_bySkeleton.TryGetValue(NameSkeleton.Of(name), out var entries))
                return [$"nobody called {name} has been seen"];
            return [.. entries.Select(e => $"{LabelOf(e.Name, e.Key)}{(e.Key.AsSpan().SequenceEqual(_ownKey) ? " (you)" : "")}: {Fingerprint.Long(e.Key)}")];
        }
    }

    private void Register(string name, byte[] key) => Register(name, NameSkeleton.Of(name), key);

    private void Register(string name, string skeleton, byte[] key)
    {
        if (!_bySkeleton.TryGetValue(skeleton, out var entries))
        {
            if (_bySkeleton.Count >= MaxSkeletons)
                return;
            _bySkeleton[skeleton] = entries = [];
        }
        for (int at = 0; at < entries.Count; at++)
        {
            if (entries[at].Key.AsSpan().SequenceEqual(key))
            {
                entries[at] = (name, entries[at].Key);
                return;
            }
        }
        if (entries.Count >= MaxKeysPerSkeleton)
            return;
        entries.Add((name, key));
        if (entries.Count >= 2)
            _version++; // labels under this skeleton change: every cached label is recomputed
    }

    /// <summary>The name alone while its skeleton has one key; else with the shortest fingerprint (at least 4 hex
    /// digits) that differs from every other key under it.</summary>
    private string LabelOf(string name, byte[] key) => LabelOf(name, NameSkeleton.Of(name), key);

    private string LabelOf(string name, string skeleton, byte[] key)
    {
        if (!_bySkeleton.TryGetValue(skeleton, out var entries) || entries.Count < 2)
            return name;
        int digits = 4;
        foreach ((_, byte[] other) in entries)
        {
            if (other.AsSpan().SequenceEqual(key))
                continue;
            int common = CommonHexDigits(key, other);
            digits = Math.Max(digits, common + 1);
        }
        return name + "#" + Convert.ToHexStringLower(key)[..Math.Min(digits, 2 * Fingerprint.PublicKeySize)];
    }

    private static int CommonHexDigits(byte[] a, byte[] b)
    {
        string x = Convert.ToHexStringLower(a), y = Convert.ToHexStringLower(b);
        int n = 0;
        while (n < x.Length && x[n] == y[n])
            n++;
        return n;
    }

    private string? CheckTrust(string name, byte[] key)
    {
        if (_known is null || key.AsSpan().SequenceEqual(_ownKey))
            return null;
        TrustCheck check;
        try
        {
            check = _known.Check(name, key);
        }
        catch (ArgumentException)
        {
            return null; // not a name the file can hold (the wire refuses those anyway)
        }
        if (check.Trust != Trust.Changed || check.PreviousKey is null || _warned.Count >= MaxSkeletons || !_warned.Add(NameSkeleton.Of(name)))
            return null;
        return $"{LabelOf(name, key)} has a key this computer has not seen for that name before (it knew {check.PreviousName ?? name} as "
            + $"#{Convert.ToHexStringLower(check.PreviousKey)[..4]}): it may not be who you think; compare :whois {name} with them";
    }
}
