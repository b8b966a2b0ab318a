// Everything the UI loop reacts to, posted by the key reader, the network threads and signal handlers.
namespace P2PChat.Ui;

internal enum UiEventKind
{
    Key,
    Line,
    PeersChanged,
    Resize,
    Quit,
}

internal readonly record struct UiEvent(UiEventKind Kind, InputEvent Key = default, DisplayLine Line = default);
