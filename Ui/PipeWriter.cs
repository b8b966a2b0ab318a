// Pipe-mode output: each event becomes one line on stdout, written as soon as the read that brought it is handled
// (one write for a burst, not one per line). Plain lines are `NAME: TEXT`, built as bytes straight from the receive
// buffer with controls made visible (no string per message); with --json, one JSON object per line. Joins, leaves,
// links, lines lost and notices go to stderr as INFO lines: plain stdout carries `NAME: TEXT` lines only (bench/
// parses them); --json adds an object for each of those events.
using System.Text;
using P2PChat.Net;

namespace P2PChat.Ui;

/// <param name="room">Whether a small write to stdout would not block now (null: never assume so); told of every write.</param>
internal sealed class PipeWriter(Stream stdout, TextWriter stderr, bool json, StdoutRoom? room = null) : IChatSink
{
    /// <summary>A line shown takes at most TextSanitizer.MaxExpansion bytes per name and text byte and 16 more, less
    /// than that many times its record, whose header alone is 61 bytes.</summary>
    public bool ReadyForSmallWrite(int recordBytes) => room?.HasRoomFor(TextSanitizer.MaxExpansion * recordBytes) ?? false;

    /// <summary>Who is who (names shown with a fingerprint where two keys share a look-alike name); null: names as sent.</summary>
    public Net.Identity.NameBook? Names { get; init; }

    /// <summary>A name as shown, and a trust-on-first-use warning said once.</summary>
    private string Shown(string name, ReadOnlySpan<byte> key) => Names?.Shown(name, key, Warn) ?? name;

    private void Warn(string notice) => Info(TextSanitizer.Sanitize(notice));

    private readonly Lock _lock = new();

    /// <summary>What the pending output starts at, and what it grows to while a burst gathers (doubling). A peer
    /// that only ever sees a line at a time keeps 4 KiB; it held 64 KiB, plus 33 KiB to build the longest line in,
    /// from its first second, and a peer collects nothing in its first minutes (EventPump.InitialBufferBytes).</summary>
    private const int InitialPendingBytes = 4 * 1024, MaxPendingBytes = 64 * 1024;

    // Guarded by _lock: lines not yet written. Messages gather here until the node calls Flush after each read, so a
    // burst read in one go is written in one go; every other event is written at once. A message is built in place.
    private byte[] _pending = new byte[InitialPendingBytes];

    private int _pendingLength;

    public void OnMessage(in ChatView message)
    {
        string? notice = null;
        string? label = Names?.Label(message.Name, message.Key, out notice);
        if (notice is not null)
            Warn(notice);
        bool action = ActionText.TryGet(message.Text, out ReadOnlySpan<byte> acted);
        if (json)
        {
            WriteJson(new ChatEvent("message", Encoding.UTF8.GetString(message.Name), message.Id.Origin.ToString("x16"))
            {
                Action = action ? true : null,
                Key = message.Key.IsEmpty ? null : Convert.ToHexStringLower(message.Key),
                Label = label,
                Private = message.Private ? true : null,
                Id = message.Id.ToString(),
                Seq = message.Id.Seq,
                Time = MessageTime.Of(message.TimeMs).ToString("O"),
                Text = Encoding.UTF8.GetString(action ? acted : message.Text),
                History = message.History ? true : null,
            });
            return;
        }
        ReadOnlySpan<byte> name = label is null ? message.Name : Encoding.UTF8.GetBytes(label);
        ReadOnlySpan<byte> text = action ? acted : message.Text;
        lock (_lock)
        {
            // The most the line can take: "* " or ": ", " (private)", the newline, and each byte of name and text shown
            // as at most MaxExpansion.
            Span<byte> line = Room(TextSanitizer.MaxExpansion * (name.Length + text.Length) + 16);
            int length = 0;
            if (action)
            {
                line[length++] = (byte)'*';
                line[length++] = (byte)' ';
            }
            length += TextSanitizer.Sanitize(name, line[length..]);
            if (message.Private)
            {
                " (private)"u8.CopyTo(line[length..]);
                length += 10;
            }
            if (!action)
                line[length++] = (byte)':';
            line[length++] = (byte)' ';
            length += TextSanitizer.Sanitize(text, line[length..]);
            line[length++] = (byte)'\n';
            _pendingLength += length;
        }
    }

    public void OnLinkOpened(PeerInfo peer)
    {
        Info(EventText.LinkOpened(Shown(peer.Name, peer.Key), peer.RemoteEndPoint));
        if (json)
            WriteJson(new ChatEvent("link", peer.Name, peer.NodeHex) { Address = peer.RemoteEndPoint.ToString() });
    }

    public void OnLinkClosed(PeerInfo peer, LinkClose reason)
    {
        Info(EventText.LinkClosed(Shown(peer.Name, peer.Key), reason));
        if (json)
            WriteJson(new ChatEvent("unlink", peer.Name, peer.NodeHex) { Address = peer.RemoteEndPoint.ToString(), Reason = reason.ToString() });
    }

    public void OnMemberJoined(MemberInfo member, bool isNew)
    {
        Info(EventText.MemberJoined(Shown(member.Name, member.Key.Span), isNew));
        if (json)
            WriteJson(new ChatEvent(isNew ? "join" : "online", member.Name, member.NodeHex));
    }

    public void OnMemberLeft(MemberInfo member, Departure reason)
    {
        Info(EventText.MemberLeft(Shown(member.Name, member.Key.Span), reason));
        if (json)
            WriteJson(new ChatEvent("leave", member.Name, member.NodeHex) { Reason = reason.ToString() });
    }

    public void OnMemberRenamed(MemberInfo member, string before)
    {
        Info(EventText.MemberRenamed(before, Shown(member.Name, member.Key.Span)));
        if (json)
            WriteJson(new ChatEvent("rename", member.Name, member.NodeHex) { From = before });
    }

    public void OnLinesLost(LostLines lost)
    {
        bool summary = lost.Senders > 1;
        string shown = summary ? "" : Shown(lost.Name, lost.Key);
        Info(LossNotice.Text(lost, shown));
        if (json)
        {
            WriteJson(new ChatEvent("lost", summary ? null : lost.Name, summary ? null : lost.NodeHex)
            {
                Key = lost.Key.Length == 0 ? null : Convert.ToHexStringLower(lost.Key),
                Label = summary || shown == lost.Name ? null : shown,
                Count = lost.Count,
                Senders = summary ? lost.Senders : null,
            });
        }
    }

    public void OnNotice(string text) => Info(text);

    public void Info(string text)
    {
        lock (_lock)
            stderr.WriteLine($"p2pchat: {text}");
    }

    public void Flush()
    {
        lock (_lock)
            WritePending();
    }

    private void WriteJson(ChatEvent chatEvent)
    {
        int most = chatEvent.MaxJsonBytes;
        lock (_lock)
        {
            if (most <= MaxPendingBytes)
            {
                // Room first: it may write out what is pending, and `_pendingLength += ...Room(...)` would add to the
                // length read before that.
                Span<byte> room = Room(most);
                _pendingLength += chatEvent.WriteJson(room);
            }
            else
            {
                var line = new byte[most];
                Gather(line.AsSpan(0, chatEvent.WriteJson(line)));
            }
            if (chatEvent.Event != "message")
                WritePending();
        }
    }

    /// <summary>Adds to the pending output (writing it first when full). Caller holds _lock.</summary>
    private void Gather(ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length > MaxPendingBytes)
        {
            WritePending();
            Write(bytes);
            return;
        }
        bytes.CopyTo(Room(bytes.Length));
        _pendingLength += bytes.Length;
    }

    /// <summary>At least <paramref name="size"/> (at most MaxPendingBytes) free bytes after the pending output: grown
    /// while under MaxPendingBytes, else written out first. Caller holds _lock.</summary>
    private Span<byte> Room(int size)
    {
        if (_pendingLength + size > _pending.Length)
        {
            if (_pendingLength + size > MaxPendingBytes)
                WritePending();
            if (_pendingLength + size > _pending.Length)
                Array.Resize(ref _pending, Math.Min(MaxPendingBytes, Math.Max(_pending.Length * 2, _pendingLength + size)));
        }
        return _pending.AsSpan(_pendingLength);
    }

    private void WritePending()
    {
        if (_pendingLength == 0)
            return;
        Write(_pending.AsSpan(0, _pendingLength));
        _pendingLength = 0;
    }

    private void Write(ReadOnlySpan<byte> bytes)
    {
        try
        {
            room?.Wrote(bytes.Length); // before: a write that blocks or fails part way has still taken room
            stdout.Write(bytes);
            stdout.Flush();
        }
        catch (IOException)
        {
            // stdout closed (the reader of our pipe went away): nothing more can be shown; the chat goes on.
        }
    }
}
