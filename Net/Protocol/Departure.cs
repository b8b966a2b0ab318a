// Why a member left the network, as every node decides it for itself: it said BYE, or nothing new was heard from it
// for SilentMs.
namespace P2PChat.Net;

internal readonly record struct Departure(bool Quit, long SilentMs)
{
    public static Departure Said => new(true, 0);

    public override string ToString() => Quit ? "quit" : $"not heard from for {SilentMs / 1000.0:0.#} s";
}
