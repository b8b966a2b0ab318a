// N chat nodes on 127.0.0.1 (port 0 each), each with a RecordingSink, connected along the edges a test gives.
// Owns the nodes and disposes them all. Also the flood check shared by the topology tests.
using System.Net;
using System.Text;
using P2PChat.Net;
using TUnit.Core.Interfaces;

namespace P2PChat.Tests;

/// <summary>At most two loopback-network tests at once: the machine has two cores and unit tests run beside them.</summary>
public sealed class IntegrationParallelLimit : IParallelLimit
{
    public int Limit => 2;
}

internal sealed class TestNetwork : IDisposable
{
    public static readonly TimeSpan Deadline = TimeSpan.FromSeconds(2);

    private readonly List<ChatNode> _nodes = [];
    private readonly List<RecordingSink> _sinks = [];
    private readonly List<(int From, int To)> _edges = [];

    public IReadOnlyList<ChatNode> Nodes => _nodes;
    public IReadOnlyList<RecordingSink> Sinks => _sinks;

    public static NodeOptions DefaultOptions(string name) => new(name)
    {
        BindAddress = IPAddress.Loopback,
        Port = 0,
        HandshakeTimeout = TimeSpan.FromMilliseconds(500),
        DrainTimeout = TimeSpan.FromMilliseconds(500),
        ConnectTimeout = TimeSpan.FromSeconds(1),
        TargetLinks = 0, // exactly the links a test makes; SelfHealingTests turn it on
    };

    /// <summary>Short heartbeats (dead after 0.4 s) and self-healing on (2 links), for the fault-tolerance tests.</summary>
    public static NodeOptions Fast(NodeOptions options) => options with
    {
        HeartbeatInterval = TimeSpan.FromMilliseconds(100),
        DeadAfter = TimeSpan.FromMilliseconds(400),
        TargetLinks = 2,
    };

    /// <summary>Starts <paramref name="count"/> nodes named n0, n1, ...; <paramref name="configure"/> may change options.</summary>
    public static TestNetwork Start(int count, Func<int, NodeOptions, NodeOptions>? configure = null)
    {
        var network = new TestNetwork();
        try
        {
            for (int i = 0; i < count; i++)
                network.Add(configure?.Invoke(i, DefaultOptions($"n{i}")) ?? DefaultOptions($"n{i}"));
        }
        catch
        {
            network.Dispose();
            throw;
        }
        return network;
    }

    public int Add(NodeOptions options, NodeKeys? keys = null)
    {
        var sink = new RecordingSink(options.Name);
        var node = new ChatNode(options, sink, keys: keys);
        _nodes.Add(node);
        _sinks.Add(sink);
        node.Start();
        return _nodes.Count - 1;
    }

    /// <summary>Node <paramref name="from"/> joins node <paramref name="to"/>.</summary>
    public async Task Connect(int from, int to)
    {
        await _nodes[from].JoinAsync("127.0.0.1", _nodes[to].ListenEndPoint.Port).WaitAsync(Deadline);
        _edges.Add((from, to));
    }

    /// <summary>Joins along every edge, one after another, then waits until both ends of every link count it as
    /// open (the joined side opens a moment after the joiner: a message said before that would not use the link).</summary>
    public async Task ConnectAll(IEnumerable<(int From, int To)> edges)
    {
        foreach ((int from, int to) in edges)
            await Connect(from, to);
        await WaitForDegrees();
    }

    public async Task WaitForDegrees()
    {
        int[] expected = new int[_nodes.Count];
        foreach ((int from, int to) in _edges.Select(e => (Math.Min(e.From, e.To), Math.Max(e.From, e.To))).Distinct())
        {
            expected[from]++;
            expected[to]++;
        }
        await Eventually.WaitUntil(
            () => Enumerable.Range(0, _nodes.Count).All(i => _nodes[i].DirectPeerCount == expected[i]),
            Deadline,
            $"direct peer counts [{string.Join(", ", expected)}]",
            () => $"[{string.Join(", ", _nodes.Select(n => n.DirectPeerCount))}]");
    }

    public static long Now => DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();

    /// <summary>Every node in <paramref name="speakers"/> says one message; then every other live node must have
    /// each of them exactly once, and no speaker its own. Waits until the counts are reached and the network is
    /// quiet, then checks exact counts. Returns a report of every discrepancy (empty when all is well).</summary>
    public async Task<string> EveryoneSaysOneMessage(string tag, IReadOnlyCollection<int>? speakers = null, IReadOnlyCollection<int>? listeners = null)
    {
        speakers ??= [.. Enumerable.Range(0, _nodes.Count)];
        listeners ??= [.. Enumerable.Range(0, _nodes.Count)];
        var lines = new Dictionary<int, string>();
        foreach (int speaker in speakers)
        {
            string text = $"{tag} from {_nodes[speaker].Name}";
            _nodes[speaker].Say(text, Now);
            lines[speaker] = $"{_nodes[speaker].Name}: {text}";
        }

        bool AllArrived() => listeners.All(l => speakers.All(s => s == l || _sinks[l].CountOf(lines[s]) >= 1));
        string Received() => string.Join("; ", listeners.Select(l => $"{_nodes[l].Name} has [{string.Join(" | ", _sinks[l].Messages)}]"));

        await Eventually.WaitUntil(AllArrived, Deadline, $"every node to receive '{tag}' from every other node", Received);
        // Then let any late duplicate arrive before counting exactly.
        await Eventually.WaitUntilStable(() => string.Join(",", _sinks.Select(s => s.MessageCount)), TimeSpan.FromMilliseconds(100),
            Deadline, "message counts");

        var report = new StringBuilder();
        foreach (int listener in listeners)
            foreach (int speaker in speakers)
            {
                int count = _sinks[listener].CountOf(lines[speaker]);
                int expected = listener == speaker ? 0 : 1;
                if (count != expected)
                    report.Append($"{_nodes[listener].Name} got '{lines[speaker]}' {count} times, expected {expected}; ");
            }
        if (report.Length > 0)
            report.Append(Received());
        return report.ToString();
    }

    public void Dispose()
    {
        foreach (ChatNode node in _nodes)
            node.Dispose();
    }

    public override string ToString() => string.Join(Environment.NewLine, _sinks);
}
