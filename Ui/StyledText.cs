// A run of text with one SGR style ("" for none, else the parameters, e.g. "2" dim, "1;7" bold reverse).
namespace P2PChat.Ui;

internal readonly record struct StyledText(string Text, string Sgr = "");
