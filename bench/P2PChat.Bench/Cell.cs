// One figure in the table: a number (which ratio columns can divide) with its display text, or text only.
namespace P2PChat.Bench;

internal readonly record struct Cell(string Text, double? Value);
