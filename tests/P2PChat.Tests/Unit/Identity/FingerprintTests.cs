// How a public key is shown: #3f2a after a name that needs telling apart, and all 32 bytes in groups of four for :whois.
using P2PChat.Net.Identity;

namespace P2PChat.Tests.Identity;

public class FingerprintTests
{
    private static readonly byte[] Key = Convert.FromHexString("3f2a91c0" + "00112233445566778899aabbccddeeff" + "0123456789abcdef01234567");

    [Test]
    public async Task The_short_form_is_a_hash_and_the_first_four_hex_digits()
    {
        await Assert.That(Fingerprint.Short(Key)).IsEqualTo("#3f2a");
        await Assert.That(Fingerprint.Label("alice", Key)).IsEqualTo("alice#3f2a");
    }

    [Test]
    public async Task The_long_form_is_all_32_bytes_in_groups_of_four_hex_digits()
    {
        await Assert.That(Fingerprint.Long(Key))
            .IsEqualTo("3f2a 91c0 0011 2233 4455 6677 8899 aabb ccdd eeff 0123 4567 89ab cdef 0123 4567");
    }

    [Test]
    [Arguments(0)]
    [Arguments(31)]
    [Arguments(33)]
    public async Task A_key_of_the_wrong_size_is_refused(int size)
    {
        await Assert.That(() => Fingerprint.Short(new byte[size])).Throws<ArgumentException>();
        await Assert.That(() => Fingerprint.Long(new byte[size])).Throws<ArgumentException>();
    }
}
