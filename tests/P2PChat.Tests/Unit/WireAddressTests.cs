// Addresses read from PEERS by value (WireAddress): the address book finds the entry an IPEndPoint made for the same
// address, keeps IPv4 and IPv6 (and an IPv4 address's mapped form) apart as before, and a PEERS frame of addresses it
// knows or refuses costs nothing to read and learn from.
using System.Net;
using P2PChat.Net;

namespace P2PChat.Tests;

public class WireAddressTests
{
    private static WireAddress Wire(IPEndPoint endPoint) => new(endPoint.Address.GetAddressBytes(), (ushort)endPoint.Port);

    [Test]
    [Arguments("10.1.2.3", 7000)]
    [Arguments("2001:db8::17", 7000)]
    [Arguments("::ffff:10.1.2.3", 7000)]
    [Arguments("127.0.0.1", 65535)]
    public async Task An_address_read_from_PEERS_finds_the_entry_its_endpoint_made(string address, int port)
    {
        var endPoint = new IPEndPoint(IPAddress.Parse(address), port);
        var book = new AddressBook(new Random(1));
        book.Learn(endPoint, 7);

        WireAddress wire = Wire(endPoint);

        await Assert.That(book.Knows(wire)).IsTrue();
        await Assert.That(wire.ToEndPoint()).IsEqualTo(endPoint);
        await Assert.That(AddressKeys.Instance.GetHashCode(wire)).IsEqualTo(AddressKeys.Instance.GetHashCode(endPoint));
        await Assert.That(book.Knows(new WireAddress(endPoint.Address.GetAddressBytes(), (ushort)(port - 1)))).IsFalse();
    }

    [Test]
    public async Task An_IPv4_address_and_its_mapped_IPv6_form_are_two_entries_but_one_host()
    {
        var v4 = new IPEndPoint(IPAddress.Parse("10.1.2.3"), 7000);
        var book = new AddressBook(new Random(2));
        book.Learn(v4, 7, firstHand: false); // a neighbour's word: counts against its host's unverified ports
        WireAddress mapped = Wire(new IPEndPoint(v4.Address.MapToIPv6(), 7000));

        bool knownAsMapped = book.Knows(mapped);
        // Second-hand ports of that host: the unverified v4 entry counts, so the mapped forms fill the rest of the cap.
        book.Learn(new IPEndPoint(IPAddress.Parse("10.1.2.4"), 1), 1, firstHand: false); // another host, not counted
        int taken = Enumerable.Range(1, 10).Count(port => book.Learn(Wire(new IPEndPoint(v4.Address.MapToIPv6(), 8000 + port)), 100 + (ulong)port));

        await Assert.That(knownAsMapped).IsFalse();
        await Assert.That(taken).IsEqualTo(AddressBook.MaxUnverifiedPortsPerHost - 1);
    }

    [Test]
    public async Task Reading_and_learning_a_PEERS_frame_of_known_and_refused_addresses_allocates_nothing()
    {
        var book = new AddressBook(new Random(3));
        var entries = new List<(ulong Node, IPEndPoint At)>();
        // 24 peers we shook hands with, then 8 ports of one host nobody verified: 4 are taken, the rest refused.
        for (int i = 0; i < 24; i++)
        {
            var at = new IPEndPoint(IPAddress.Parse($"10.0.{i}.1"), 7000 + i);
            book.Learn(at, 1000 + (ulong)i);
            entries.Add((1000 + (ulong)i, at));
        }
        for (int i = 0; i < 8; i++)
            entries.Add((2000 + (ulong)i, new IPEndPoint(IPAddress.Parse("10.9.9.9"), 9000 + i)));
        byte[] frame = DialBench.Peers(entries);
        var parsed = new List<(ulong Node, WireAddress Address)>(Protocol.MaxPeersPerFrame);
        int learned = 0;

        long bytes = Allocations.InSteadyState(() =>
        {
            parsed.Clear();
            if (FrameReader.TryParsePeers(frame.AsSpan(Protocol.LengthPrefixSize), parsed) is not null)
                throw new InvalidOperationException("the PEERS frame did not parse");
            foreach ((ulong node, WireAddress address) in parsed)
                if (book.Knows(address) || book.Learn(address, node))
                    learned++;
        });

        await Assert.That(bytes).IsEqualTo(0);
        await Assert.That(parsed.Count).IsEqualTo(32);
        await Assert.That(book.Count).IsEqualTo(24 + AddressBook.MaxUnverifiedPortsPerHost);
        await Assert.That(learned).IsGreaterThan(0);
    }
}
