// Every child the harness started and has not reaped yet, so that all of them die with the harness: at the end
// of a run, after a failed scenario, on Ctrl-C / SIGTERM. (Children outlive a SIGKILLed harness only until
// their stdin hits EOF: under the pipe contract both programs then leave on their own.)
using System.ComponentModel;
using System.Diagnostics;

namespace P2PChat.Bench;

internal static class ChildProcesses
{
    private static readonly Lock Gate = new();
    private static readonly HashSet<Process> Live = [];

    public static void Track(Process process)
    {
        lock (Gate)
            Live.Add(process);
    }

    /// <summary>SIGKILL (no clean leave: nothing is measured any more) and reap.</summary>
    public static void Kill(Process process)
    {
        lock (Gate)
            Live.Remove(process);
        try
        {
            process.Kill();
            process.WaitForExit(2000);
        }
        catch (InvalidOperationException)
        {
            // Already exited and reaped.
        }
        catch (Win32Exception)
        {
        }
        process.Dispose();
    }

    public static void KillAll()
    {
        Process[] all;
        lock (Gate)
            all = [.. Live];
        foreach (Process process in all)
            Kill(process);
    }
}
