// What the duplicate filter says of one CHAT or REPLAY.
namespace P2PChat.Net;

internal enum Admission : byte
{
    /// <summary>Seen for the first time: show it (in its sender's order) and pass it on.</summary>
    New,

    /// <summary>Seen for the first time, and older than our horizon: history our first peer replays, shown as such.</summary>
    History,

    /// <summary>A copy of something we had (or something older than our horizon from anyone else): drop it.</summary>
    Seen,

    /// <summary>From a sender we cannot track: the table is full of senders heard from recently. Not shown, not passed on.</summary>
    Refused,
}
