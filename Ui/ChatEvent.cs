// One line of --json output: a message; a user joining, already online, renamed or leaving the network; a direct
// link opening or closing; lines of a sender lost for good. Null fields are left out (JsonLine writes it).
namespace P2PChat.Ui;

internal sealed record ChatEvent(string Event, string? Name, string? Node)
{
    public string? Id { get; init; }
    public ulong? Seq { get; init; }

    /// <summary>The sender's clock, ISO 8601 UTC: informational, peers' clocks are not synchronised.</summary>
    public string? Time { get; init; }

    /// <summary>True for a message replayed from peers' logs (said before we joined, or during a split).</summary>
    public bool? History { get; init; }

    public string? Text { get; init; }

    /// <summary>"rename": the name the user had before (name is the new one).</summary>
    public string? From { get; init; }
    public string? Address { get; init; }
    public string? Reason { get; init; }

    /// <summary>The sender's identity: its public key in hex (names are labels; this is who it is).</summary>
    public string? Key { get; init; }

    /// <summary>The name as this user's display shows it: name#fingerprint when another key uses a look-alike name.</summary>
    public string? Label { get; init; }

    /// <summary>"lost": how many lines of the sender were given up for good (they never arrived).</summary>
    public ulong? Count { get; init; }

    /// <summary>"lost" summing several senders (a burst of gaps): how many; name and node are then left out.</summary>
    public int? Senders { get; init; }

    /// <summary>True for an action (`:me waves`): text is what the sender does ("waves").</summary>
    public bool? Action { get; init; }

    /// <summary>True for a private message to us (`:msg`), end-to-end encrypted to our key.</summary>
    public bool? Private { get; init; }

    /// <summary>Most bytes WriteJson takes.</summary>
    public int MaxJsonBytes => JsonLine.MaxFrame + JsonLine.MaxString(Event) + JsonLine.MaxString(Name) + JsonLine.MaxString(Node)
        + JsonLine.MaxString(Id) + JsonLine.MaxString(Time) + JsonLine.MaxString(Text) + JsonLine.MaxString(From)
        + JsonLine.MaxString(Address) + JsonLine.MaxString(Reason) + JsonLine.MaxString(Key) + JsonLine.MaxString(Label);

    /// <summary>Writes the event as one line of JSON (MaxJsonBytes of room); returns its length, newline included.</summary>
    public int WriteJson(Span<byte> output)
    {
        var json = new JsonLine(output);
        json.String("event"u8, Event);
        json.String("name"u8, Name);
        json.String("node"u8, Node);
        json.String("id"u8, Id);
        json.Number("seq"u8, Seq);
        json.String("time"u8, Time);
        json.Boolean("history"u8, History);
        json.String("text"u8, Text);
        json.String("from"u8, From);
        json.String("address"u8, Address);
        json.String("reason"u8, Reason);
        json.String("key"u8, Key);
        json.String("label"u8, Label);
        json.Number("count"u8, Count);
        json.Number("senders"u8, (ulong?)Senders);
        json.Boolean("action"u8, Action);
        json.Boolean("private"u8, Private);
        return json.End();
    }
}
