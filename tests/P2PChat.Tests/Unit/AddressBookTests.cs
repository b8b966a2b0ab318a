// The address book on its own: jittered exponential backoff and forgetting of dead learned addresses, pinned ones kept,
// and second-hand news (PEERS) trusted less than our own handshakes: it cannot reset a backoff, move or evict a verified
// address, or put more than a few unverified ports of one host in the book.
using System.Net;
using P2PChat.Net;

namespace P2PChat.Tests;

public class AddressBookTests
{
    private static IPEndPoint At(int host, int port = 7000) => new(new IPAddress([10, 0, (byte)(host / 250), (byte)(host % 250 + 1)]), port);

    [Test]
    public async Task A_failing_learned_address_waits_twice_as_long_each_time_up_to_the_cap_and_is_forgotten_after_twelve_failures()
    {
        var book = new AddressBook(new Random(5));
        book.Learn(At(1), 11, firstHand: false);
        AddressBook.Entry entry = book.Entries.Single();
        var waits = new List<long>();
        long now = 0;

        for (int failure = 1; failure < AddressBook.ForgetAfterFailures; failure++)
        {
            book.Failed(entry, now);
            waits.Add(entry.NextAttempt - now);
            now = entry.NextAttempt;
        }
        bool knownBeforeLast = book.Knows(At(1));
        book.Failed(entry, now);

        for (int i = 0; i < waits.Count; i++)
        {
            long nominal = Math.Min(AddressBook.MaxBackoffMs, AddressBook.FirstBackoffMs << i);
            await Assert.That(waits[i]).IsBetween(nominal / 2, nominal * 3 / 2);
        }
        await Assert.That(knownBeforeLast).IsTrue();
        await Assert.That(book.Knows(At(1))).IsFalse();
    }

    [Test]
    public async Task A_pinned_address_is_never_forgotten_however_often_it_fails()
    {
        var book = new AddressBook(new Random(5));
        book.AddPinned(At(1));
        AddressBook.Entry entry = book.Entries.Single();

        for (int failure = 0; failure < 100; failure++)
            book.Failed(entry, failure * 10_000L);

        await Assert.That(book.Knows(At(1))).IsTrue();
        await Assert.That(entry.NextAttempt - 99 * 10_000L).IsLessThanOrEqualTo(AddressBook.MaxBackoffMs * 3 / 2);
    }

    [Test]
    public async Task A_neighbour_naming_a_new_node_at_a_failing_address_does_not_reset_its_backoff_but_a_handshake_there_does()
    {
        var book = new AddressBook(new Random(5));
        book.Learn(At(1), 11, firstHand: false);
        AddressBook.Entry entry = book.Entries.Single();
        for (int failure = 0; failure < 5; failure++)
            book.Failed(entry, 0);
        long due = entry.NextAttempt;

        book.Learn(At(1), 12, firstHand: false);
        (int failuresAfterNews, long dueAfterNews) = (entry.Failures, entry.NextAttempt);
        book.Learn(At(1), 13, firstHand: true);

        await Assert.That(failuresAfterNews).IsEqualTo(5);
        await Assert.That(dueAfterNews).IsEqualTo(due);
        await Assert.That(entry.Failures).IsEqualTo(0);
        await Assert.That(entry.NextAttempt).IsEqualTo(0);
    }

    [Test]
    public async Task A_neighbour_cannot_move_a_node_we_shook_hands_with_to_another_address()
    {
        var book = new AddressBook(new Random(5));
        book.Learn(At(1), 11);

        bool added = book.Learn(At(2), 11, firstHand: false);

        await Assert.That(added).IsFalse();
        await Assert.That(book.Knows(At(1))).IsTrue();
        await Assert.That(book.Knows(At(2))).IsFalse();
    }

    [Test]
    public async Task One_host_gets_at_most_four_unverified_ports_from_neighbours_and_verified_ones_do_not_count()
    {
        var book = new AddressBook(new Random(5));
        book.Learn(At(1, 5000), 1); // a handshake of ours: a chat peer answers there

        int added = Enumerable.Range(1, 1000).Count(port => book.Learn(At(1, port + 5000), (ulong)port + 100, firstHand: false));
        bool mappedForm = book.Learn(new IPEndPoint(At(1).Address.MapToIPv6(), 9), 99, firstHand: false);
        bool otherHost = book.Learn(At(2, 6000), 98, firstHand: false);

        await Assert.That(added).IsEqualTo(AddressBook.MaxUnverifiedPortsPerHost);
        await Assert.That(mappedForm).IsFalse();
        await Assert.That(otherHost).IsTrue();
        await Assert.That(book.Count).IsEqualTo(1 + AddressBook.MaxUnverifiedPortsPerHost + 1);
    }

    [Test]
    public async Task A_full_book_takes_second_hand_news_only_in_place_of_an_address_nobody_verified()
    {
        var book = new AddressBook(new Random(5), capacity: 3);
        book.Learn(At(1), 1);
        book.Learn(At(2), 2);
        book.Learn(At(3), 3, firstHand: false);

        bool inPlaceOfUnverified = book.Learn(At(4), 4, firstHand: false);
        book.Learn(At(4), 4); // then we shake hands there: all three are verified
        bool inPlaceOfVerified = book.Learn(At(5), 5, firstHand: false);
        bool firstHand = book.Learn(At(6), 6);

        await Assert.That(inPlaceOfUnverified).IsTrue();
        await Assert.That(book.Knows(At(3))).IsFalse();
        await Assert.That(inPlaceOfVerified).IsFalse();
        await Assert.That(firstHand).IsTrue();
        await Assert.That(book.Count).IsEqualTo(3);
    }
}
