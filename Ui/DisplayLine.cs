// One entry of the message field. Text is already safe to print (TextSanitizer ran on anything from a peer).
namespace P2PChat.Ui;

internal enum LineKind
{
    Message,
    Own,
    Info,
    History,
}

internal readonly record struct DisplayLine(LineKind Kind, string Text);
