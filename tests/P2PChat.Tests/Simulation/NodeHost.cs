// A simulated machine running one chat node: a NodeCore driven the way Net/Sockets/ChatNode*.cs drives it (inputs
// one at a time, outputs queued and acted on after the input), plus the record the invariants read: every line it
// showed (in order, with the History flag), every line it logged (shown or said: the order its replays follow), the
// lines it said, and where its history came from. The core's outputs are in NodeHost.Effects.cs.
using System.Net;
using System.Text;
using P2PChat.Net;

namespace P2PChat.Tests.Simulation;

internal sealed partial class NodeHost : SimHost
{
    private readonly Dictionary<int, SimSocket> _links = [];

    public NodeHost(SimNetwork net, IPEndPoint endPoint, NodeOptions options, NodeKeys keys, int latencyMs)
        : base(net, endPoint, options.Name)
    {
        LatencyMs = latencyMs;
        NodeId = keys.NodeId;
        Core = new NodeCore(options, keys, new Random(net.Random.Next()), this);
        Core.Start((ushort)endPoint.Port);
        net.Listen(this);
        TickPhase = net.Random.Next((int)NodeCore.TickMs);
        StartedAt = net.Now;
        ScheduleTick(net.Now + TickPhase);
    }

    public NodeCore Core { get; }
    public ulong NodeId { get; }
    public int TickPhase { get; }
    public long StartedAt { get; }

    public List<ShownLine> Shown { get; } = [];
    public List<MessageId> Logged { get; } = [];

    /// <summary>Lines given up for good, as the core reported them (GapReports), in order.</summary>
    public List<LostLines> LostReports { get; } = [];

    /// <summary>What the core told the user (OnNotice), in order.</summary>
    public List<string> Notices { get; } = [];
    /// <summary>Lines said here: To is the recipient of a private line, 0 for a line to everyone.</summary>
    public List<(MessageId Id, long At, ulong To)> Said { get; } = [];

    /// <summary>What each line said here read, so the invariants can tell a forged line that took its id.</summary>
    public Dictionary<MessageId, string> SaidText { get; } = [];

    /// <summary>When the first link opened (-1 before): the history wait starts then.</summary>
    public long FirstOpenedAt { get; private set; } = -1;

    /// <summary>The node our first SYNC came from (our history source); 0 until known.</summary>
    public ulong HistorySource { get; private set; }

    /// <summary>Left with :quit (Leave), or leaving.</summary>
    public bool Left { get; private set; }

    /// <summary>When it stopped being live: it said :quit, or was killed (long.MaxValue while live).</summary>
    public long EndedAt { get; private set; } = long.MaxValue;

    public bool Live => Alive && !Left;

    public string Violation { get; private set; } = "";

    /// <summary>When the next tick is due, as the driver's timer: set by each tick from NodeCore.NextTick, and moved
    /// earlier (never later) after an input that gave the core work for the timer (PlanTick).</summary>
    private long _tickAt;
    private int _tickVersion;

    /// <summary>Ticks run, for the simulator's figures.</summary>
    public long Ticks { get; private set; }

    private void ScheduleTick(long at)
    {
        _tickAt = at;
        int version = ++_tickVersion;
        Net.Events.At(at, () =>
        {
            if (version == _tickVersion)
                Tick(); // else moved earlier since, and that one ran
        });
    }

    private void PlanTick()
    {
        if (!Alive || Paused || _tickAt <= Net.Now + NodeCore.TickMs)
            return;
        long next = Math.Max(Net.Now, Core.NextTick(Net.Now));
        if (next < _tickAt)
            ScheduleTick(next);
    }

    private void Tick()
    {
        if (!Alive)
            return;
        if (Paused)
        {
            ScheduleTick(Net.Now + NodeCore.TickMs); // ticks again once resumed
            return;
        }
        Core.Tick(Net.Now);
        Ticks++;
        AfterCore();
        CheckCaps();
        if (Left && Core.Links.Count == 0)
        {
            Kill(); // left cleanly: the process exits
            return;
        }
        ScheduleTick(Math.Max(Net.Now + 1, Core.NextTick(Net.Now)));
    }

    /// <summary>The link of the user's join (0: none); Joined once it opened. A join that fails ends the process, as
    /// the real start-up does (Ui/NodeStarter.cs): the user is told and nothing retries it.</summary>
    public int JoinLink { get; private set; }
    public bool Joined { get; private set; }

    /// <summary>Whether a newcomer can know this node's address: it started alone, or its join went through (the
    /// real start-up prints where it listens only then).</summary>
    public bool Announced => JoinLink == 0 || Joined;

    /// <summary>The user joins through <paramref name="to"/>.</summary>
    public void Join(IPEndPoint to) => Input(() => JoinLink = Core.Join(to, Net.Now));

    private void JoinEnded(int link)
    {
        if (link != JoinLink || Joined)
            return;
        Net.Trace($"{Label} could not join: exits");
        Net.Events.At(Net.Now, Kill);
    }

    public void Say(string text)
    {
        if (!Live || Paused)
            return;
        MessageId id = Core.Say(Encoding.UTF8.GetBytes(text), Net.Now, Net.Now);
        Said.Add((id, Net.Now, 0));
        SaidText[id] = text;
        Logged.Add(id);
        Net.Trace($"{Label} says {id.Seq}");
        AfterCore();
    }

    /// <summary>:nick: the node takes <paramref name="name"/>; every live roster must end up with it (SimInvariants).</summary>
    public void Rename(string name)
    {
        if (Core.Rename(name, Net.Now) is { } refused)
            throw new InvalidOperationException($"{Label} could not take the name {name}: {refused}");
        Net.Trace($"{Label} is now {name}");
        AfterCore();
    }

    /// <summary>:msg to <paramref name="to"/>, if this node's roster has it online (else nothing is said).</summary>
    public void SayPrivate(NodeHost to, string text)
    {
        if (!Live || Paused || Core.Presence.Online(to.NodeId) is null)
            return;
        MessageId id = Core.SayPrivate(to.NodeId, Encoding.UTF8.GetBytes(text), Net.Now, Net.Now);
        Said.Add((id, Net.Now, to.NodeId));
        SaidText[id] = text;
        Logged.Add(id);
        Net.Trace($"{Label} says {id.Seq} privately to {to.Label}");
        AfterCore();
    }

    /// <summary>:quit. The process exits once every link has drained, or after a deadline.</summary>
    public void Leave()
    {
        if (!Live || Paused)
            return;
        Left = true;
        EndedAt = Math.Min(EndedAt, Net.Now);
        Net.Trace($"{Label} leaves");
        Core.Leave(Net.Now);
        AfterCore();
        Net.Events.At(Net.Now + 7000, Kill);
    }

    /// <summary>Fault injection: closes one link as a crash of the connection would.</summary>
    public void AbortRandomLink()
    {
        CoreLink[] open = Core.Links.Open;
        if (!Live || Paused || open.Length == 0)
            return;
        CoreLink link = open[Net.Random.Next(open.Length)];
        Net.Trace($"{Label} fault: abort link {link}");
        Core.Abort(link.Id, new LinkClose(CloseKind.FaultInjected), Net.Now);
        AfterCore();
    }

    /// <summary>A hostile member's move: <paramref name="frame"/> on every open link, sealed and sent as the core's own.</summary>
    public void SendToAll(byte[] frame)
    {
        if (!Live || Paused)
            return;
        foreach (CoreLink link in Core.Links.Open)
            Core.Links.Send(link, frame, Net.Now);
        Core.Links.FlushAll();
        AfterCore();
    }

    public override void Kill()
    {
        if (Alive)
            Net.Trace($"{Label} {(Left ? "exits" : "killed")}");
        EndedAt = Math.Min(EndedAt, Net.Now);
        base.Kill();
    }

    private void AfterCore()
    {
        if (HistorySource == 0 && Core.History.HasHorizon && Core.History.Source?.Peer is { } source)
            HistorySource = source.NodeId;
        AfterInput();
    }

    protected override void AfterOutputs() => PlanTick();

    protected override bool Accept(SimSocket socket)
    {
        int id = Core.Accept(socket.Remote, Net.Now);
        if (Net.Tracing)
            Net.Trace($"{Label} accepts {socket.Remote} as #{id}");
        if (id < 0)
            return false;
        socket.LinkId = id;
        _links[id] = socket;
        if (Net.PatchInboundHello && Core.Links.Find(id) is { State: LinkState.Handshaking } link)
            link.State = LinkState.Connecting;
        Core.Connected(id, Net.Now);
        AfterCore();
        return true;
    }

    protected override void Connected(SimSocket socket)
    {
        Core.Connected(socket.LinkId, Net.Now);
        AfterCore();
    }

    protected override int Consume(SimSocket socket, ReadOnlySpan<byte> data)
    {
        int consumed = Core.Receive(socket.LinkId, data, Net.Now);
        AfterCore();
        return consumed;
    }

    protected override long ReadableAt(SimSocket socket) => Core.ReadableAt(socket.LinkId, Net.Now);

    protected override void Finished(SimSocket socket)
    {
        if (Net.Tracing)
            Net.Trace($"{Label} #{socket.LinkId} FIN arrived");
        Core.Finished(socket.LinkId, Net.Now);
        AfterCore();
    }

    public override void Lost(SimSocket socket, LinkClose reason)
    {
        if (Net.Tracing)
            Net.Trace($"{Label} #{socket.LinkId} lost: {reason}");
        _links.Remove(socket.LinkId);
        JoinEnded(socket.LinkId);
        Core.Lost(socket.LinkId, reason, Net.Now);
        AfterCore();
    }

    /// <summary>The bounds every owner promises, checked on every tick.</summary>
    private void CheckCaps()
    {
        if (Violation.Length > 0)
            return;
        Flooding flooding = Core.Flooding;
        if (flooding.Log.Count > flooding.Log.Capacity)
            Violation = $"log holds {flooding.Log.Count} > {flooding.Log.Capacity}";
        else if (flooding.Filter.OriginCount > flooding.Filter.MaxOrigins)
            Violation = $"duplicate filter tracks {flooding.Filter.OriginCount} origins > {flooding.Filter.MaxOrigins}";
        else if (Core.Presence.Roster.Count > Protocol.MaxMembers)
            Violation = $"roster holds {Core.Presence.Roster.Count} > {Protocol.MaxMembers}";
        else if (Core.Membership.Book.Count > AddressBook.DefaultCapacity)
            Violation = $"address book holds {Core.Membership.Book.Count} > {AddressBook.DefaultCapacity}";
        else if (flooding.Order.HeldCount > DeliveryOrder.MaxHeld)
            Violation = $"delivery order holds {flooding.Order.HeldCount} > {DeliveryOrder.MaxHeld}";
        foreach (SimSocket socket in _links.Values)
            if (socket.Queued > Core.Options.MaxQueueBytes)
                Violation = $"link #{socket.LinkId} queues {socket.Queued} bytes > {Core.Options.MaxQueueBytes}";
    }
}
