// Thrown to a caller waiting on a link (a join, a handshake) when the link closed first; carries the reason.
namespace P2PChat.Net;

internal sealed class PeerClosedException(string reason) : Exception(reason);
