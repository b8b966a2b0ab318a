// Where a chat command can be typed: the full-screen UI, line mode (a person on a terminal that cannot draw the two
// fields, TERM=dumb), or pipe mode (a script feeding stdin, where only :msg is taken as a command so that any other
// line starting with ':' is still sent as written).
namespace P2PChat.Ui;

[Flags]
internal enum CommandSurface
{
    FullScreen = 1,
    LineMode = 2,
    PipeMode = 4,
    Terminal = FullScreen | LineMode,
    All = FullScreen | LineMode | PipeMode,
}
