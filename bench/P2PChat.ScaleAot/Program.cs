// Entry of the native scale run: the same arguments as `bench/micro.sh --scale` (ScaleRun says them).
namespace P2PChat.Micro;

internal static class Program
{
    private static int Main(string[] args) => ScaleRun.Run(args);
}
