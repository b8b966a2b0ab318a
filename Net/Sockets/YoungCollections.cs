// Collects the young generation once the process has allocated YoungBudgetBytes since the GC last did, checked on the
// node's timer. The GC sizes its first young-generation budget from the CPU's last-level cache, and this VM reports
// 300 MiB of L3: a peer that allocates for a while (a flood of lines from fresh keys costs ~6 KiB of BouncyCastle's
// verifier garbage and ~6 KiB of name-book work per line) grew to 94 MiB before its first collection, against a bound
// of 64 MiB (bench/load.sh). DOTNET_GCgen0size=1000000 fixed it (33 MiB), and native AOT can compile that knob in
// (ILC's --runtimeopt:GCgen0size=...), but a 1 MiB budget compiled in made the GC collect inside bench/run.sh's latency
// run (line of 8, p99 2.2-4.7 -> 5.0-6.4 ms in six runs) for 0.1-0.5 MiB less memory per peer, and was taken out again.
// Chat in the steady state allocates nothing, so this never runs then; when it does, a young collection of a few MiB
// of live data takes well under a millisecond.
namespace P2PChat.Net;

internal static class YoungCollections
{
    public const long YoungBudgetBytes = 16L << 20;

    private static readonly Lock Gate = new();
    private static long _allocatedAtMark;
    private static int _collectionsAtMark = -1;

    /// <summary>Induced young collections so far (for tests and the load benchmark's notes).</summary>
    public static int Induced { get; private set; }

    /// <summary>On the timer: a young collection if the GC has not made one for YoungBudgetBytes of allocation.</summary>
    public static void Check()
    {
        lock (Gate)
        {
            long allocated = GC.GetTotalAllocatedBytes(precise: false);
            int collections = GC.CollectionCount(0);
            if (collections != _collectionsAtMark)
            {
                _collectionsAtMark = collections;
                _allocatedAtMark = allocated;
                return;
            }
            if (allocated - _allocatedAtMark < YoungBudgetBytes)
                return;
            GC.Collect(0, GCCollectionMode.Forced, blocking: true);
            Induced++;
            _collectionsAtMark = GC.CollectionCount(0);
            _allocatedAtMark = allocated;
        }
    }
}
