// The seam between the renderer and a real terminal, so tests can drive a fake one with a cell grid.
namespace P2PChat.Ui;

internal interface ITerminal
{
    /// <summary>Current size in cells; never below 1x1.</summary>
    (int Width, int Height) Size { get; }

    /// <summary>Writes one composed frame (text and escape sequences) in a single call.</summary>
    void Write(string frame);
}
