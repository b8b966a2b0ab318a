// One line of --json output: a message; a user joining, already online, renamed or leaving the network; a direct
// link opening or closing; lines of a sender lost for good. Null fields are left out.
using System.Text.Json.Serialization;

namespace P2PChat.Ui;

internal sealed record ChatEvent(
    [property: JsonPropertyName("event")] string Event,
    [property: JsonPropertyName("name")] string? Name,
    [property: JsonPropertyName("node")] string? Node)
{
    [JsonPropertyName("id")] public string? Id { get; init; }
    [JsonPropertyName("seq")] public ulong? Seq { get; init; }

    /// <summary>The sender's clock, ISO 8601 UTC: informational, peers' clocks are not synchronised.</summary>
    [JsonPropertyName("time")] public string? Time { get; init; }

    /// <summary>True for a message replayed from peers' logs (said before we joined, or during a split).</summary>
    [JsonPropertyName("history")] public bool? History { get; init; }

    [JsonPropertyName("text")] public string? Text { get; init; }

    /// <summary>"rename": the name the user had before (name is the new one).</summary>
    [JsonPropertyName("from")] public string? From { get; init; }
    [JsonPropertyName("address")] public string? Address { get; init; }
    [JsonPropertyName("reason")] public string? Reason { get; init; }

    /// <summary>The sender's identity: its public key in hex (names are labels; this is who it is).</summary>
    [JsonPropertyName("key")] public string? Key { get; init; }

    /// <summary>The name as this user's display shows it: name#fingerprint when another key uses a look-alike name.</summary>
    [JsonPropertyName("label")] public string? Label { get; init; }

    /// <summary>"lost": how many lines of the sender were given up for good (they never arrived).</summary>
    [JsonPropertyName("count")] public ulong? Count { get; init; }

    /// <summary>"lost" summing several senders (a burst of gaps): how many; name and node are then left out.</summary>
    [JsonPropertyName("senders")] public int? Senders { get; init; }

    /// <summary>True for an action (`:me waves`): text is what the sender does ("waves").</summary>
    [JsonPropertyName("action")] public bool? Action { get; init; }

    /// <summary>True for a private message to us (`:msg`), end-to-end encrypted to our key.</summary>
    [JsonPropertyName("private")] public bool? Private { get; init; }
}
