// Why the identity or known_peers file cannot be used, as one line for the user (the caller prints the message and
// exits non-zero; no stack trace reaches the user).
namespace P2PChat.Net.Identity;

internal sealed class IdentityException(string message, Exception? inner = null) : Exception(message, inner);
