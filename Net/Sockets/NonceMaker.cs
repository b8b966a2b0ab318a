// Makes the nonces that sign lines said alone (Ed25519Presigner), on a thread of its own at the lowest priority Linux
// has (SCHED_IDLE): it runs only when a CPU would otherwise idle, so the ~30 µs a nonce costs never delays a line,
// ours or one we relay. Made on the node's own thread right after a line, the same work took a core from the relays
// while the line was still on its way (bench/run.sh: latency p50 237 -> 274 µs, fan-out p50 482 -> 894 µs). Woken
// when a line said alone has left (ChatNode.Settle); each nonce is made outside the node's lock and handed in under it.
using System.Runtime.InteropServices;
using P2PChat.Net.Crypto;

namespace P2PChat.Net;

internal sealed class NonceMaker : IDisposable
{
    private const int SchedIdle = 5;

    private readonly Lock _nodeLock;
    private readonly Flooding _flooding;
    private readonly AutoResetEvent _wake = new(false);
    private Thread? _thread;
    private volatile bool _stopped;

    public NonceMaker(Lock nodeLock, Flooding flooding)
    {
        _nodeLock = nodeLock;
        _flooding = flooding;
    }

    /// <summary>Our user said a line alone: make nonces if the pool has room. The thread starts on the first call (under
    /// the node's lock), so a peer that only relays, or only pastes, never has one.</summary>
    public void Wake()
    {
        if (_stopped)
            return;
        if (_thread is null)
        {
            _thread = new Thread(Run) { IsBackground = true, Name = "p2pchat nonces" };
            _thread.Start();
        }
        _wake.Set();
    }

    public void Dispose()
    {
        _stopped = true;
        _wake.Set();
    }

    private void Run()
    {
        var param = new SchedParam();
        _ = sched_setscheduler(0, SchedIdle, ref param); // where it fails (not Linux), the thread keeps normal priority
        Span<byte> nonce = stackalloc byte[Scalar25519.Size];
        Span<byte> point = stackalloc byte[Ed25519Presigner.PointSize];
        Ed25519Presigner presigner;
        lock (_nodeLock)
            presigner = _flooding.Presigner; // made on first use, under the lock like every other use
        while (!_stopped)
        {
            _wake.WaitOne();
            while (!_stopped)
            {
                lock (_nodeLock)
                    if (!_flooding.WantsNonce)
                        break;
                presigner.MakeInto(nonce, point);
                lock (_nodeLock)
                    presigner.Offer(nonce, point);
            }
        }
        nonce.Clear();
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
