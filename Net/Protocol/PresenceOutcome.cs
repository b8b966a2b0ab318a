// What one PRESENCE frame changed in a Roster.
namespace P2PChat.Net;

internal enum PresenceOutcome
{
    /// <summary>A copy of news we already had: drop it, do not pass it on.</summary>
    Stale,

    /// <summary>Newer news that changes nothing the user sees (a member still online, a BYE of someone we never
    /// saw): pass it on.</summary>
    Refreshed,

    /// <summary>A member announced itself for the first time: it has just arrived in the network.</summary>
    Joined,

    /// <summary>A member we did not know of (or thought gone) is online: we arrived, or a split healed.</summary>
    Online,

    /// <summary>A member said BYE.</summary>
    Left,

    /// <summary>A member online here announced itself under another name (:nick).</summary>
    Renamed,
}
