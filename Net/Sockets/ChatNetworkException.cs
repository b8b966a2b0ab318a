// A network set-up failure the user caused or can fix (port in use, unknown host, nobody listening).
// Its message is one complete sentence for stderr; Program prints it without a stack trace.
namespace P2PChat.Net;

internal sealed class ChatNetworkException(string message, bool busy = false) : Exception(message)
{
    /// <summary>The host took the connection and dropped it before the handshake finished: a host under load turns
    /// away handshakes past its limits (NodeCore.Accept), so another try a moment later may well get in.</summary>
    public bool Busy { get; } = busy;
}
