// Sender colours that read on a dark and on a light background alike: every colour of both palettes has a contrast of
// at least 3:1 (WCAG's formula) against black and against white, with xterm's default colours, which are what the
// screenshots under Xvfb (docs/colours-*.png) were taken with. Yellow, cyan, green and blue of the 16 fail it.
using System.Globalization;
using P2PChat.Ui;

namespace P2PChat.Tests.Ui;

public class PaletteTests
{
    private const double MinContrast = 3.0;

    /// <summary>xterm's default RGB of the 16 colours (SGR 30-37 and 90-97 are indices 0-7 and 8-15).</summary>
    private static readonly int[] Xterm16 =
    [
        0x000000, 0xcd0000, 0x00cd00, 0xcdcd00, 0x0000ee, 0xcd00cd, 0x00cdcd, 0xe5e5e5,
        0x7f7f7f, 0xff0000, 0x00ff00, 0xffff00, 0x5c5cff, 0xff00ff, 0x00ffff, 0xffffff,
    ];

    private static int Rgb(string sgr)
    {
        if (sgr.StartsWith("38;5;", StringComparison.Ordinal))
        {
            int index = int.Parse(sgr[5..], CultureInfo.InvariantCulture);
            if (index < 16)
                return Xterm16[index];
            int[] levels = [0, 95, 135, 175, 215, 255];
            int cube = index - 16;
            return (levels[cube / 36] << 16) | (levels[cube / 6 % 6] << 8) | levels[cube % 6];
        }
        int code = int.Parse(sgr, CultureInfo.InvariantCulture);
        return Xterm16[code >= 90 ? code - 90 + 8 : code - 30];
    }

    private static double Luminance(int rgb)
    {
        static double Linear(int channel)
        {
            double c = channel / 255.0;
            return c <= 0.03928 ? c / 12.92 : Math.Pow((c + 0.055) / 1.055, 2.4);
        }
        return 0.2126 * Linear(rgb >> 16 & 255) + 0.7152 * Linear(rgb >> 8 & 255) + 0.0722 * Linear(rgb & 255);
    }

    private static double Contrast(int a, int b)
    {
        double la = Luminance(a), lb = Luminance(b);
        return (Math.Max(la, lb) + 0.05) / (Math.Min(la, lb) + 0.05);
    }

    [Test]
    public async Task Every_sender_colour_reads_on_black_and_on_white()
    {
        foreach (string sgr in ScreenRenderer.Palette.Concat(ScreenRenderer.Palette256))
        {
            int rgb = Rgb(sgr);
            await Assert.That(Contrast(rgb, 0x000000)).IsGreaterThanOrEqualTo(MinContrast).Because($"{sgr} on black");
            await Assert.That(Contrast(rgb, 0xffffff)).IsGreaterThanOrEqualTo(MinContrast).Because($"{sgr} on white");
        }
    }

    [Test]
    public async Task The_colours_left_out_would_not()
    {
        foreach (string sgr in new[] { "33", "93", "36", "96", "32", "92", "34" })
        {
            int rgb = Rgb(sgr);
            await Assert.That(Math.Min(Contrast(rgb, 0x000000), Contrast(rgb, 0xffffff))).IsLessThan(MinContrast).Because(sgr);
        }
    }

    [Test]
    [Arguments("xterm-256color", null, true)]
    [Arguments("tmux-256color", null, true)]
    [Arguments("xterm", "truecolor", true)]
    [Arguments("xterm", null, false)]
    [Arguments("linux", "", false)]
    [Arguments(null, null, false)]
    public async Task A_terminal_gets_the_256_colour_palette_only_when_it_says_it_has_one(string? term, string? colorTerm, bool expected)
    {
        await Assert.That(ScreenRenderer.Has256Colors(term, colorTerm)).IsEqualTo(expected);
    }
}
