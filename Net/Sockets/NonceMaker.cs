// Makes the nonces that sign lines said alone (Ed25519Presigner), on a thread of its own at the lowest priority Linux
// has (SCHED_IDLE): it runs only when a CPU would otherwise idle, so the ~30 µs a nonce costs never delays a line,
// ours or one we relay. Made on the node's own thread right after a line, the same work took a core from the relays
// while the line was still on its way (bench/run.sh: latency p50 237 -> 274 µs, fan-out p50 482 -> 894 µs). Woken
// when a line said alone has left (ChatNode.Settle); it makes nonces into slots of its own, never taking the node's
// lock, and the node hands them in under its lock (HandIn, before each line it says).
using System.Runtime.InteropServices;
using P2PChat.Net.Crypto;

namespace P2PChat.Net;

internal sealed class NonceMaker : IDisposable
{
    private const int SchedIdle = 5;

    /// <summary>Nonces made and not yet handed in: as many as the presigner keeps (more would only wait).</summary>
    private const int Slots = Ed25519Presigner.Capacity;

    private readonly Flooding _flooding;
    private readonly AutoResetEvent _wake = new(false);
    private readonly byte[][] _nonces = new byte[Slots][];
    private readonly byte[][] _points = new byte[Slots][];
    private long _made;  // written by the maker's thread only
    private long _taken; // written under the node's lock only
    private Thread? _thread;
    private volatile bool _stopped;

    public NonceMaker(Flooding flooding)
    {
        _flooding = flooding;
        for (int i = 0; i < Slots; i++)
        {
            _nonces[i] = new byte[Scalar25519.Size];
            _points[i] = new byte[Ed25519Presigner.PointSize];
        }
    }

    /// <summary>Under the node's lock: our user said a line alone. Hands in what was made, and makes more if the pool has
    /// room. The thread starts on the first call, so a peer that only relays, or only pastes, never has one.</summary>
    public void Wake()
    {
        if (_stopped)
            return;
        HandIn();
        if (!_flooding.WantsNonce)
            return;
        if (_thread is null)
        {
            _thread = new Thread(Run) { IsBackground = true, Name = "p2pchat nonces" };
            _thread.Start();
        }
        _wake.Set();
    }

    /// <summary>Under the node's lock, before a line is signed: the nonces made since, into the presigner's pool (each
    /// slot wiped once copied: a nonce is used for one signature only).</summary>
    public void HandIn()
    {
        if (_taken == Volatile.Read(ref _made))
            return; // nothing made (a node that never said a line alone has no presigner, and gets none here)
        Ed25519Presigner presigner = _flooding.Presigner;
        while (_taken < Volatile.Read(ref _made))
        {
            int slot = (int)(_taken % Slots);
            if (!presigner.Offer(_nonces[slot], _points[slot]))
                return;
            Array.Clear(_nonces[slot]);
            Volatile.Write(ref _taken, _taken + 1);
        }
    }

    public void Dispose()
    {
        _stopped = true;
        _wake.Set();
    }

    /// <summary>The maker's thread never takes the node's lock: at SCHED_IDLE it may be preempted for as long as the CPU is
    /// busy, and a lock it held then stopped every socket thread of the node (300 nodes in one process, bench/micro.sh
    /// --scale --talk: lines that no neighbour of their sender got for 0.6 s, all of them only after 1-1.7 s). It fills
    /// free slots; the node hands them in (HandIn). A thread may not leave SCHED_IDLE again without CAP_SYS_NICE.</summary>
    private void Run()
    {
        Ed25519Presigner presigner = _flooding.Presigner; // made before the thread starts (Wake, under the lock)
        var param = new SchedParam();
        _ = sched_setscheduler(0, SchedIdle, ref param); // where it fails (not Linux), the thread keeps normal priority
        while (!_stopped)
        {
            _wake.WaitOne();
            while (!_stopped && _made - Volatile.Read(ref _taken) < Slots)
            {
                int slot = (int)(_made % Slots);
                presigner.MakeInto(_nonces[slot], _points[slot]);
                Volatile.Write(ref _made, _made + 1);
            }
        }
        // _wake is not disposed: Wake and Dispose may still set it from other threads (one event per node).
    }

    [StructLayout(LayoutKind.Sequential)]
    private struct SchedParam
    {
        public int Priority;
    }

    [DllImport("libc", SetLastError = false)]
    private static extern int sched_setscheduler(int pid, int policy, ref SchedParam param);
}
