// Names that cannot pass for another: bidirectional controls, invisible characters and a leading combining mark are
// refused on the wire and on the command line, each with its own reason; ordinary names in any script still pass.
using System.Text;
using P2PChat.Net;

namespace P2PChat.Tests.Identity;

public class NameRulesTests
{
    [Test]
    [Arguments("alice\u202E", "the name contains the bidirectional control U+202E, which changes the order text is shown in")]
    [Arguments("\u202Eecila", "the name contains the bidirectional control U+202E, which changes the order text is shown in")]
    [Arguments("al\u200Eice", "the name contains the bidirectional control U+200E, which changes the order text is shown in")]
    [Arguments("x\u2066y", "the name contains the bidirectional control U+2066, which changes the order text is shown in")]
    [Arguments("x\u061Cy", "the name contains the bidirectional control U+061C, which changes the order text is shown in")]
    [Arguments("al\u200Bice", "the name contains the invisible character U+200B, which would hide what the name is")]
    [Arguments("\uFEFFalice", "the name contains the invisible character U+FEFF, which would hide what the name is")]
    [Arguments("ali\u00ADce", "the name contains the invisible character U+00AD, which would hide what the name is")]
    [Arguments("al\u2060ice", "the name contains the invisible character U+2060, which would hide what the name is")]
    [Arguments("al\u200Dice", "the name contains the invisible character U+200D, which would hide what the name is")]
    [Arguments("\u3164", "the name contains the invisible character U+3164, which would hide what the name is")]
    [Arguments("a\u2028b", "the name contains the invisible character U+2028, which would hide what the name is")]
    [Arguments("\u0301alice", "the name starts with the combining mark U+0301, which would draw onto the text before it")]
    [Arguments("\u20DDx", "the name starts with the combining mark U+20DD, which would draw onto the text before it")]
    [Arguments("alice\u00A0", "the name starts or ends with a space")]
    [Arguments("\u3000alice", "the name starts or ends with a space")]
    [Arguments("al\u0007ice", "the name contains a control character")]
    public async Task A_name_that_hides_or_reorders_text_is_refused_with_its_reason(string name, string reason)
    {
        await Assert.That(TextRules.IsValidName(Encoding.UTF8.GetBytes(name))).IsFalse();
        await Assert.That(TextRules.ExplainBadName(name)).IsEqualTo(reason);
    }

    [Test]
    [Arguments("alice")]
    [Arguments("bob smith")]
    [Arguments("Zoë")]
    [Arguments("Zoe\u0308")] // a combining mark after a letter is fine
    [Arguments("漢字")]
    [Arguments("Дмитрий")]
    [Arguments("محمد")]
    [Arguments("🙂")]
    [Arguments("a")]
    public async Task An_ordinary_name_in_any_script_is_valid(string name)
    {
        await Assert.That(TextRules.IsValidName(Encoding.UTF8.GetBytes(name))).IsTrue();
        await Assert.That(TextRules.ExplainBadName(name)).IsNull();
    }

    [Test]
    public async Task The_fault_is_a_value_with_the_code_point()
    {
        NameFault fault = TextRules.FindFault(Encoding.UTF8.GetBytes("ab\u202Ec"), out int codePoint);

        await Assert.That(fault).IsEqualTo(NameFault.BidiControl);
        await Assert.That(codePoint).IsEqualTo(0x202E);
    }

    [Test]
    public async Task Checking_a_name_allocates_nothing()
    {
        byte[][] names = [.. new[] { "alice", "Дмитрий 🙂", "al\u202Eice", "\u0301x", "al\u200Bice" }.Select(Encoding.UTF8.GetBytes)];
        int valid = 0;

        long allocated = Allocations.InSteadyState(() =>
        {
            valid = 0;
            for (int i = 0; i < 1000; i++)
                foreach (byte[] name in names)
                    valid += TextRules.IsValidName(name) ? 1 : 0;
        });

        await Assert.That(valid).IsEqualTo(2000);
        await Assert.That(allocated).IsEqualTo(0);
    }
}
