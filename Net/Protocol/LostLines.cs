// What the user is told when lines of a sender are given up for good (DeliveryOrder gives up a gap: later lines are
// shown without the missing ones). A value for IChatSink.OnLinesLost, built by GapReports.
namespace P2PChat.Net;

/// <param name="Origin">The sender; 0 for a summary of several senders (see Senders).</param>
/// <param name="Name">The sender's name as its next line carries it (signed with its key); "" in a summary.</param>
/// <param name="Count">Lines lost: exact, and each lost line is counted in one report only.</param>
internal sealed record LostLines(ulong Origin, string Name, ulong Count)
{
    public string NodeHex => Origin.ToString("x16");

    /// <summary>The sender's identity key (for the label with a fingerprint); empty in a summary.</summary>
    public byte[] Key { get; init; } = [];

    /// <summary>1 for one sender; more when the reports of a busy second were summed (GapReports.MaxNamedPerWindow).</summary>
    public int Senders { get; init; } = 1;
}
