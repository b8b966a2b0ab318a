// What a PRESENCE frame says about its origin.
namespace P2PChat.Net;

internal enum PresenceKind : byte
{
    /// <summary>"I am here": sent by the origin itself every presence interval, and flooded.</summary>
    Alive = 1,

    /// <summary>An Alive passed on from a roster when a link opens: the origin was already online, it did not just
    /// arrive (so a newcomer is told "bob is online", not "bob joined").</summary>
    Present = 2,

    /// <summary>"I am leaving": sent once by the origin on a clean exit, and flooded, so everyone sees it at once.</summary>
    Bye = 3,
}
