// What LineVerifier found a line to be.
namespace P2PChat.Net;

internal enum LineCheck
{
    /// <summary>Neither its signature nor a tag for us holds: never shown, logged or counted as seen.</summary>
    Forged,

    /// <summary>Its batch's signature holds (checked here, now or for an earlier line of the batch).</summary>
    Signed,

    /// <summary>Its batch carried a valid tag for us (LineTags): its author made it, but the signature is unchecked, so
    /// it is passed on as CHAT_UNCHECKED and checked before it is replayed.</summary>
    Tagged,
}
