// One running program under test: its process, the stdin pipe it takes messages from, the thread that reads its
// stdout into an ArrivalLog, and the tail of its stderr. Disposing kills it.
using System.Diagnostics;

namespace P2PChat.Bench;

internal sealed class Peer : IDisposable
{
    private readonly Process _process;
    private readonly Stream _stdin; // the raw pipe: unbuffered, each Write is write(2) calls until all is in the pipe
    private readonly StderrTail _stderr;

    private Peer(string name, int port, Process process, ArrivalLog log, StderrTail stderr)
    {
        Name = name;
        Port = port;
        _process = process;
        _stdin = process.StandardInput.BaseStream;
        Log = log;
        _stderr = stderr;
        Pid = process.Id;
    }

    public string Name { get; }
    public int Port { get; }
    public int Pid { get; }
    public ArrivalLog Log { get; }
    public bool HasExited => _process.HasExited;

    /// <param name="napMicros">See LineReader: 0 for exact arrival times, more to read stdout in batches.</param>
    public static Peer Start(ProgramSpec program, string name, int port, int? joinPort, ArrivalLog log, uint napMicros = 0)
    {
        var process = new Process { StartInfo = program.StartInfo(name, port, joinPort) };
        var stderr = new StderrTail();
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is { } line)
                stderr.Add(line);
        };
        process.Start();
        ChildProcesses.Track(process);
        process.BeginErrorReadLine(); // drained on the thread pool: a full stderr pipe would stall the child
        var peer = new Peer(name, port, process, log, stderr);
        new LineReader(process.StandardOutput.BaseStream, log, napMicros).Start(name);
        return peer;
    }

    /// <summary>Writes whole lines to the peer's stdin; blocks while the pipe is full.</summary>
    public void Say(ReadOnlySpan<byte> lines) => _stdin.Write(lines);

    public long RssKiB() => ProcStats.RssKiB(Pid);

    public double CpuSeconds() => ProcStats.CpuSeconds(Pid);

    /// <summary>"NAME (pid N, exited with C): last stderr line", for failure messages.</summary>
    public string Describe()
    {
        string state = _process.HasExited ? $", exited with {_process.ExitCode}" : "";
        string last = _stderr.Last();
        return $"{Name} (pid {Pid}{state})" + (last.Length > 0 ? $": {last}" : "");
    }

    public string StderrTail(long origin) => _stderr.Format(origin, "    ");

    public void Dispose() => ChildProcesses.Kill(_process);
}
