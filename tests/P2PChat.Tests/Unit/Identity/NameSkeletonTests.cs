// Skeletons: names that could pass for each other (case, fullwidth, Cyrillic and Greek look-alikes, 1/I/l, rn/m)
// share one; names a person tells apart do not. Also checks the two CoreLib behaviours the skeleton leans on.
using System.Text;
using P2PChat.Net.Identity;

namespace P2PChat.Tests.Identity;

public class NameSkeletonTests
{
    [Test]
    [Arguments("alice", "\u0430lice")] // Cyrillic а
    [Arguments("alice", "ALICE")]
    [Arguments("alice", "a1ice")]
    [Arguments("alice", "aIice")] // capital I
    [Arguments("alice", "ａｌｉｃｅ")] // fullwidth
    [Arguments("alice", "\u0430l\u0456\u0441\u0435")] // Cyrillic а, і, с, е
    [Arguments("alice", "al\u200Bice")] // invisible characters do not count (such a name is refused anyway)
    [Arguments("paypal", "\u0440\u0430\u0443\u0440\u0430l")] // Cyrillic р, а, у
    [Arguments("bob", "\u0412\u043Eb")] // Cyrillic В, о
    [Arguments("OK", "\u039F\u039A")] // Greek Ο, Κ
    [Arguments("vike", "\u03BD\u03B9\u03BA\u03B5")] // Greek ν, ι, κ, ε: ν looks like v, not n
    [Arguments("modern", "rnodern")]
    [Arguments("wave", "vvave")]
    [Arguments("bob", "b0b")]
    [Arguments("jo", "\u0458\u03BF")] // Cyrillic ј, Greek ο
    public async Task Names_that_could_pass_for_each_other_share_a_skeleton(string name, string lookAlike)
    {
        await Assert.That(NameSkeleton.Of(lookAlike)).IsEqualTo(NameSkeleton.Of(name));
        await Assert.That(NameSkeleton.Collide(name, lookAlike)).IsTrue();
    }

    [Test]
    [Arguments("alice", "bob")]
    [Arguments("alice", "alicia")]
    [Arguments("zoe", "zoë")]
    [Arguments("Дмитрий", "Dmitry")]
    [Arguments("nike", "vike")]
    public async Task Names_a_person_tells_apart_keep_different_skeletons(string name, string other)
    {
        await Assert.That(NameSkeleton.Collide(name, other)).IsFalse();
    }

    [Test]
    public async Task Under_invariant_globalization_lower_casing_covers_all_scripts_and_normalize_does_nothing()
    {
        // The skeleton relies on the first and must not rely on the second (see NameSkeleton.Of).
        await Assert.That("ÀΣДＡ".ToLowerInvariant()).IsEqualTo("àσдａ");
        await Assert.That("e\u0301".Normalize(NormalizationForm.FormC)).IsEqualTo("e\u0301");
        await Assert.That("ﬁ".Normalize(NormalizationForm.FormKC)).IsEqualTo("ﬁ");
    }

    [Test]
    public async Task An_ascii_name_gets_the_skeleton_the_general_path_gives_it()
    {
        // Every ASCII string of one and two characters, then random ones rich in the letters the pairs and the strokes
        // are made of (rn, vv, rrn, vvv, Il1|0), against the path every other name takes.
        var names = new List<string>();
        for (int a = 0; a < 128; a++)
        {
            names.Add(((char)a).ToString());
            for (int b = 0; b < 128; b++)
                names.Add(new string([(char)a, (char)b]));
        }
        var random = new Random(11);
        const string rich = "rnvwmRNVWIil1|0OoaZ -_.";
        for (int i = 0; i < 20_000; i++)
        {
            char[] name = new char[random.Next(3, 33)];
            for (int j = 0; j < name.Length; j++)
                name[j] = random.Next(3) == 0 ? (char)random.Next(32, 127) : rich[random.Next(rich.Length)];
            names.Add(new string(name));
        }
        List<string> differing = [.. names.Where(n => NameSkeleton.Of(n) != NameSkeleton.OfText(n)).Take(5)];
        await Assert.That(differing).IsEmpty();
        await Assert.That(NameSkeleton.Of("Barnvvl0")).IsEqualTo("bamwlo");
    }
}
