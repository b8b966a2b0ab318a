// The address book's key comparer: IPEndPoints compare as they always do, and a WireAddress (an address read from a
// PEERS frame) looks its entry up without becoming an IPEndPoint first (Dictionary's alternate lookup).
using System.Net;

namespace P2PChat.Net;

internal sealed class AddressKeys : IEqualityComparer<IPEndPoint>, IAlternateEqualityComparer<WireAddress, IPEndPoint>
{
    public static readonly AddressKeys Instance = new();

    public bool Equals(IPEndPoint? x, IPEndPoint? y) => x is null ? y is null : x.Equals(y);

    // Over the address's bytes and the port, as WireAddress.GetHashCode: equal keys hash alike either way (endpoints
    // that differ only in an IPv6 scope hash alike and compare unequal).
    public int GetHashCode(IPEndPoint endPoint)
    {
        Span<byte> bytes = stackalloc byte[16];
        return endPoint.Address.TryWriteBytes(bytes, out int length) ? WireAddress.Hash(bytes[..length], endPoint.Port) : endPoint.Port;
    }

    public bool Equals(WireAddress alternate, IPEndPoint other) => alternate.Matches(other);

    public int GetHashCode(WireAddress alternate) => alternate.GetHashCode();

    public IPEndPoint Create(WireAddress alternate) => alternate.ToEndPoint();
}
