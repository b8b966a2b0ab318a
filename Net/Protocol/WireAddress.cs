// An address as a PEERS frame carries it (4 or 16 bytes and a port), held by value so that reading PEERS allocates
// nothing: the address book finds its entry for one through AddressKeys, and only an address it takes in becomes an
// IPEndPoint. Before, every address of every PEERS made an IPEndPoint and an IPAddress (~100 bytes) before the book
// looked, and most of them it knew already or refused: most of what an idle node allocated.
using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;

namespace P2PChat.Net;

internal readonly struct WireAddress
{
    // The address's bytes in network order, the first 8 in _high (big-endian), the rest in _low; an IPv4 address uses
    // the first 4.
    private readonly ulong _high;
    private readonly ulong _low;

    /// <summary>4 (IPv4) or 16 (IPv6).</summary>
    public int Length { get; }

    public ushort Port { get; }

    public WireAddress(ReadOnlySpan<byte> address, ushort port)
    {
        if (address.Length is not (4 or 16))
            throw new ArgumentException("an address is 4 or 16 bytes", nameof(address));
        Span<byte> bytes = stackalloc byte[16];
        bytes.Clear();
        address.CopyTo(bytes);
        _high = BinaryPrimitives.ReadUInt64BigEndian(bytes);
        _low = BinaryPrimitives.ReadUInt64BigEndian(bytes[8..]);
        Length = address.Length;
        Port = port;
    }

    /// <summary>The address's bytes into <paramref name="into"/> (16 bytes of room); returns how many.</summary>
    public int WriteBytes(Span<byte> into)
    {
        BinaryPrimitives.WriteUInt64BigEndian(into, _high);
        BinaryPrimitives.WriteUInt64BigEndian(into[8..], _low);
        return Length;
    }

    public IPEndPoint ToEndPoint()
    {
        Span<byte> bytes = stackalloc byte[16];
        int length = WriteBytes(bytes);
        return new IPEndPoint(new IPAddress(bytes[..length]), Port);
    }

    /// <summary>Whether <paramref name="endPoint"/> is this address (the same family, bytes and port; an IPv6 endpoint
    /// with a scope is none that PEERS can name).</summary>
    public bool Matches(IPEndPoint endPoint)
    {
        IPAddress address = endPoint.Address;
        if (endPoint.Port != Port || address.AddressFamily != (Length == 4 ? AddressFamily.InterNetwork : AddressFamily.InterNetworkV6)
            || Length == 16 && address.ScopeId != 0)
            return false;
        Span<byte> mine = stackalloc byte[16];
        Span<byte> theirs = stackalloc byte[16];
        WriteBytes(mine);
        return address.TryWriteBytes(theirs, out int written) && written == Length && theirs[..written].SequenceEqual(mine[..Length]);
    }

    /// <summary>The address as PEERS carries it and AddressBook counts hosts: an IPv4 address and its IPv6-mapped form
    /// are one host (both reach it), written as the 4 IPv4 bytes; returns how many bytes.</summary>
    public int WriteHost(Span<byte> into)
    {
        int length = WriteBytes(into);
        return length == 16 && IsV4Mapped(into) ? MoveV4Down(into) : length;
    }

    /// <inheritdoc cref="WriteHost(Span{byte})"/>
    public static int WriteHost(IPAddress address, Span<byte> into)
    {
        if (!address.TryWriteBytes(into, out int length))
            return 0;
        return length == 16 && IsV4Mapped(into) ? MoveV4Down(into) : length;
    }

    /// <summary>A hash that AddressKeys gives an IPEndPoint with the same bytes and port too.</summary>
    public static int Hash(ReadOnlySpan<byte> address, int port)
    {
        var hash = new HashCode();
        hash.AddBytes(address);
        hash.Add(port);
        return hash.ToHashCode();
    }

    public override int GetHashCode()
    {
        Span<byte> bytes = stackalloc byte[16];
        return Hash(bytes[..WriteBytes(bytes)], Port);
    }

    public override string ToString() => ToEndPoint().ToString();

    private static bool IsV4Mapped(ReadOnlySpan<byte> address) =>
        address[..10].IndexOfAnyExcept((byte)0) < 0 && address[10] == 0xff && address[11] == 0xff;

    private static int MoveV4Down(Span<byte> address)
    {
        address[12..16].CopyTo(address);
        return 4;
    }
}
