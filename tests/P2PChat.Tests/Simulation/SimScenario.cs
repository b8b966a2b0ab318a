// One random run, all of it drawn from its seed: 3 to 30 nodes (a large run: 50 to 250) join through live peers,
// then a chaos phase of partitions, kill -9 (restarted at the same or a new address, or given up), SIGSTOP pauses,
// clean exits, aborted links, newcomers and lines said at random moments; then every fault heals and a quiet period
// follows in which each live node says one final line. Now and then a node renames itself (:nick) instead of saying a
// line. SimInvariants judges the outcome; the first broken invariant throws SimFailure. Same seed, same run, byte for
// byte.
using System.Net;
using System.Security.Cryptography;
using System.Text;
using P2PChat.Net;
using P2PChat.Net.Crypto;

namespace P2PChat.Tests.Simulation;

internal sealed class SimScenario
{
    /// <summary>After the last fault healed: time for links to re-form and lines to arrive.</summary>
    public const long QuietMs = 30_000;

    /// <summary>When, in the quiet period, each live node says its final line.</summary>
    public const long FinalLineAfterMs = 15_000;

    private const int ListenPort = 7000;

    /// <summary>Nodes of a large run (issue 11: the invariants must hold in large networks too, not only in the small
    /// ones where most seeds are cheap). Its faults grow with it, as a small run's do (up to 2 + nodes / 4).</summary>
    public const int LargeMin = 50, LargeMax = 250;

    private readonly bool _large;
    private int _rosterCapacity = Protocol.MaxMembers;

    private readonly int _seed;
    private readonly SimNetwork _net;
    private readonly Random _rng;
    private readonly Random _renames; // apart from _rng, so renames left the other draws of every older seed as they were
    private readonly List<NodeHost> _all = [];
    private readonly int _maxQueueBytes;
    private int _nextAddress;
    private int _lines;
    private int _renamed;

    public SimScenario(int seed, TextWriter? trace = null, bool patchInboundHello = true, bool large = false)
    {
        _seed = seed;
        _large = large;
        _net = new SimNetwork(seed, trace) { WindowBytes = 64 * 1024 << new Random(seed).Next(5), PatchInboundHello = patchInboundHello };
        _rng = _net.Random;
        _renames = new Random(seed ^ 0x6e69636b);
        _maxQueueBytes = _rng.Next(3) == 0 ? 256 * 1024 : PeerConnection.DefaultMaxQueueBytes;
    }

    public IReadOnlyList<NodeHost> Hosts => _all;

    public SimNetwork Network => _net;

    public static SimResult Run(int seed, TextWriter? trace = null, bool large = false)
    {
        try
        {
            return new SimScenario(seed, trace, large: large).Run();
        }
        catch (SimFailure failure) when (large && !failure.Large)
        {
            throw failure.InLargeRun();
        }
    }

    public SimResult Run()
    {
        // A small run draws its size as it always did, so every kept seed replays the same run.
        int nodes = _large ? LargeMin + _rng.Next(LargeMax - LargeMin + 1) : 3 + (int)(27 * Math.Pow(_rng.NextDouble(), 3));
        // One large run in four is past the roster cap (scaled down: rosters of a quarter to three quarters of the
        // nodes), where a full roster must refuse newcomers' announcements and still pass on and show every line.
        if (_large && _rng.Next(4) == 0)
            _rosterCapacity = nodes / 4 + _rng.Next(nodes / 2);
        long chaosEnd = 10_000 + _rng.Next(20_000);
        _net.Trace($"seed {_seed}: {nodes} nodes, chaos until {chaosEnd} ms, window {_net.WindowBytes}, queue cap {_maxQueueBytes}, roster cap {_rosterCapacity}");

        Start(NewAddress());
        for (int i = 1; i < nodes; i++)
            _net.Events.At(_rng.Next(3000), () => Start(NewAddress()));

        int faults = _rng.Next(1, 3 + nodes / 4);
        for (int i = 0; i < faults; i++)
            ScheduleFault(3000 + _rng.Next((int)chaosEnd - 5000), chaosEnd);

        // One run in four, a forger joins a live node and attacks a member (ForgerHost).
        if (_rng.Next(4) == 0)
            _net.Events.At(2000 + _rng.Next((int)chaosEnd - 2000), StartForger);

        int lines = _rng.Next(10, 150);
        for (int i = 0; i < lines; i++)
            _net.Events.At(500 + _rng.Next((int)chaosEnd), () => SayFrom(PickLive()));

        _net.Events.RunUntil(chaosEnd);
        Heal();
        foreach (NodeHost host in _all.Where(h => h.Live).ToArray())
            _net.Events.At(chaosEnd + FinalLineAfterMs + _rng.Next(2000), () => SayFrom(host));
        _net.Events.RunUntil(chaosEnd + QuietMs);

        SimInvariants.Check(_seed, _all);
        // Nobody in these runs lies about history (HorizonLiarHost is HorizonTests' alone), so no seeded horizon may be
        // doubted: one lowered here is an honest first peer's word taken for a lie (DuplicateFilter.DoubtHorizon).
        foreach (NodeHost host in _all)
            if (host.Core.Flooding.HorizonsLowered > 0)
                throw new SimFailure(_seed, "horizon", $"{host.Label} lowered {host.Core.Flooding.HorizonsLowered} seeded horizons with no liar in the run");
        return new SimResult(_seed, _all.Count, _all.Count(h => h.Live), _lines, _net.Events.Executed, _net.Now, Digest(), _renamed, _rosterCapacity);
    }

    private void StartForger()
    {
        if (PickLive(announced: true) is not { } via || PickLive(announced: true) is not { } victim)
            return;
        var forger = new ForgerHost(_net, NewAddress(), victim, _rng.Next(3)) { LatencyMs = 1 + _rng.Next(20) };
        _net.Trace($"forger starts, joins through {via.Label}, attacks {victim.Label}");
        forger.Start(via.EndPoint);
    }

    private IPEndPoint NewAddress()
    {
        int n = ++_nextAddress;
        return new IPEndPoint(new IPAddress([10, 0, (byte)(n / 250), (byte)(n % 250 + 1)]), ListenPort);
    }

    /// <summary>Starts a node at <paramref name="address"/> and joins it through a random live node (if any).</summary>
    // One memo for every node of the run: each signature is verified once, not once per node (SignatureMemo).
    private readonly SignatureMemo _signatures = new(1 << 16);

    private NodeHost Start(IPEndPoint address)
    {
        // A user's keys, drawn from the seed: every run of a seed makes the same identities, ephemerals and signatures.
        NodeKeys keys = NodeKeys.Generate(new SeededRandomSource(new Random(_rng.Next())), signatures: _signatures);
        ulong id = keys.NodeId;
        var options = new NodeOptions($"n{_all.Count}")
        {
            History = _rng.Next(4) switch { 0 => 0, 1 => 5, _ => 50 },
            MaxQueueBytes = _maxQueueBytes,
            RosterCapacity = _rosterCapacity,
        };
        NodeHost? via = PickLive(announced: true);
        var host = new NodeHost(_net, address, options, keys, 1 + _rng.Next(40));
        _all.Add(host);
        _net.Trace($"{host.Label} starts at {address} as {id:x16}{(via is null ? "" : $", joins through {via.Label}")}");
        if (via is not null)
            host.Join(via.EndPoint);
        return host;
    }

    private NodeHost? PickLive(bool announced = false)
    {
        NodeHost[] live = _all.Where(h => h.Live && (h.Announced || !announced)).ToArray();
        return live.Length == 0 ? null : live[_rng.Next(live.Length)];
    }

    private void SayFrom(NodeHost? host)
    {
        if (host is null || !host.Live || host.Paused)
            return;
        if (_renames.Next(25) == 0)
        {
            host.Rename($"{host.Label}.{_renames.Next(1000)}");
            _renamed++;
        }
        // One line in six goes to one member alone (:msg), if the sender knows another member online.
        if (_rng.Next(6) == 0 && PickLive(announced: true) is { } to && to != host)
            host.SayPrivate(to, $"private line {++_lines} from {host.Label}");
        else
            host.Say($"line {++_lines} from {host.Label}");
    }

    private void ScheduleFault(long at, long chaosEnd)
    {
        int kind = _rng.Next(7);
        long duration = 500 + _rng.Next(12_000);
        long end = Math.Min(at + duration, chaosEnd);
        _net.Events.At(at, () =>
        {
            switch (kind)
            {
                case 0 or 1:
                {
                    NodeHost[] live = _all.Where(h => h.Alive).ToArray();
                    if (live.Length < 2)
                        return;
                    // kind 1 cuts one host off (a pulled cable); kind 0 splits the network in two.
                    NodeHost[] side = kind == 1 ? [live[_rng.Next(live.Length)]] : live.Where(_ => _rng.Next(2) == 0).ToArray();
                    if (side.Length == 0 || side.Length == live.Length)
                        return;
                    HashSet<SimHost> cut = _net.Partition(side);
                    _net.Trace($"fault: partition {{{string.Join(",", side.Select(h => h.Label))}}} until {end}");
                    _net.Events.At(end, () =>
                    {
                        _net.Trace("fault healed: partition lifted");
                        _net.Heal(cut);
                    });
                    break;
                }
                case 2:
                {
                    if (PickLive() is not { } victim)
                        return;
                    _net.Trace($"fault: kill -9 {victim.Label}");
                    victim.Kill();
                    if (_rng.Next(5) < 3 && end < chaosEnd - 1000)
                    {
                        bool sameAddress = _rng.Next(2) == 0;
                        _net.Events.At(end, () => Start(sameAddress ? victim.EndPoint : NewAddress()));
                    }
                    break;
                }
                case 3:
                {
                    if (PickLive() is not { } victim || victim.Paused)
                        return;
                    _net.Trace($"fault: SIGSTOP {victim.Label} until {end}");
                    victim.Pause();
                    _net.Events.At(end, () =>
                    {
                        _net.Trace($"fault healed: SIGCONT {victim.Label}");
                        victim.Resume();
                    });
                    break;
                }
                case 4:
                    Start(NewAddress());
                    break;
                case 5:
                    PickLive()?.AbortRandomLink();
                    break;
                case 6:
                    if (_all.Count(h => h.Live) > 2)
                        PickLive()?.Leave();
                    break;
            }
        });
    }

    /// <summary>The end of the chaos: every cut heals, every stopped node resumes.</summary>
    private void Heal()
    {
        _net.HealAll();
        foreach (NodeHost host in _all)
            host.Resume();
        _net.Trace("all faults healed: quiet period");
    }

    /// <summary>A digest of everything every node showed, to compare two runs of one seed.</summary>
    private string Digest()
    {
        var text = new StringBuilder();
        foreach (NodeHost host in _all)
        {
            text.Append(host.NodeId).Append(':');
            foreach (ShownLine line in host.Shown)
                text.Append(line.Id.Origin).Append('/').Append(line.Id.Seq).Append(line.History ? 'h' : 'l').Append('@').Append(line.At).Append(',');
            text.Append('\n');
        }
        return Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(text.ToString())))[..16];
    }
}
