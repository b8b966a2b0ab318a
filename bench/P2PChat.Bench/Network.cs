// Peers of one program wired as a tree on 127.0.0.1 (relay floods without duplicate suppression, so only trees are
// comparable). Peers start one at a time, each once the peer it joins accepts connections; WarmUp then proves the
// whole tree is connected by getting a message across it. Disposing kills every peer.
using System.Diagnostics;

namespace P2PChat.Bench;

internal sealed class Network : IDisposable
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan WarmUpTimeout = TimeSpan.FromSeconds(20);
    private static readonly TimeSpan WarmUpInterval = TimeSpan.FromMilliseconds(10);

    private readonly List<Peer> _peers = [];
    private readonly BenchOptions _options;
    private readonly string _label;
    private readonly long _origin = Stopwatch.GetTimestamp(); // for --verbose stderr times

    private Network(BenchOptions options, string label)
    {
        _options = options;
        _label = label;
    }

    public Peer this[int index] => _peers[index];
    public IReadOnlyList<Peer> Peers => _peers;

    /// <summary>n0 ... n(count-1), node i joining node i-1. Each peer's log holds `capacity` measured messages.</summary>
    /// <param name="napMicros">How each peer's stdout is read, by index: see LineReader.</param>
    public static Network Line(ProgramSpec program, int count, int capacity, BenchOptions options, Func<int, uint> napMicros) =>
        Build(program, count, capacity, options, $"line of {count}", i => i - 1, napMicros);

    /// <summary>n0 the centre, n1 ... n(leaves) each joining it; every stdout read at once (all leaves are timed).</summary>
    public static Network Star(ProgramSpec program, int leaves, int capacity, BenchOptions options) =>
        Build(program, leaves + 1, capacity, options, $"star of 1+{leaves}", _ => 0, _ => 0);

    private static Network Build(ProgramSpec program, int count, int capacity, BenchOptions options, string label, Func<int, int> joins, Func<int, uint> napMicros)
    {
        var network = new Network(options, $"{program.Name}, {label}");
        try
        {
            for (int i = 0; i < count; i++)
            {
                int? join = i == 0 ? null : network._peers[joins(i)].Port;
                var peer = Peer.Start(program, $"n{i}", PortAllocator.Next(), join, new ArrivalLog(capacity), napMicros(i));
                network._peers.Add(peer);
                ListenProbe.WaitUntilAccepting(peer, StartTimeout);
            }
            return network;
        }
        catch
        {
            network.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Says warm-up messages from `from` every 10 ms until each of `to` printed one (so every link on the way is up
    /// and every process has run its message path once), then lets the network settle for --settle before anything
    /// is measured: p2pchat's self-healing adds links in the first moments, and a measurement should see the
    /// network it settles into, not the change.
    /// </summary>
    public void WarmUp(Peer from, IReadOnlyList<Peer> to)
    {
        long start = Stopwatch.GetTimestamp();
        for (int seq = 0; !to.All(peer => peer.Log.WarmUps > 0); seq++)
        {
            if (Stopwatch.GetElapsedTime(start) > WarmUpTimeout)
            {
                Peer stuck = to.First(peer => peer.Log.WarmUps == 0);
                throw new BenchException($"warm-up: nothing from {from.Name} reached {stuck.Describe()} in {WarmUpTimeout.TotalSeconds:0} s");
            }
            foreach (Peer peer in _peers)
                if (peer.HasExited)
                    throw new BenchException($"warm-up: {peer.Describe()} died");
            from.Say(MessageText.Line(MessageText.WarmUp, seq));
            Thread.Sleep(WarmUpInterval);
        }
        Thread.Sleep(_options.Settle);
    }

    /// <summary>Fails the scenario if any peer died during it.</summary>
    public void CheckAlive()
    {
        foreach (Peer peer in _peers)
            if (peer.HasExited)
                throw new BenchException($"{peer.Describe()} died during the measurement");
    }

    public void Dispose()
    {
        if (_options.Verbose)
        {
            Console.Error.WriteLine($"--- stderr of {_label} (ms since the first start):");
            foreach (Peer peer in _peers)
                Console.Error.Write($"  {peer.Name}:\n{peer.StderrTail(_origin)}");
        }
        foreach (Peer peer in _peers)
            peer.Dispose();
    }
}
