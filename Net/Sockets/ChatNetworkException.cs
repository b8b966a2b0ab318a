// A network set-up failure the user caused or can fix (port in use, unknown host, nobody listening).
// Its message is one complete sentence for stderr; Program prints it without a stack trace.
namespace P2PChat.Net;

internal sealed class ChatNetworkException(string message) : Exception(message);
