// Where allocations come from, by type: listens to the runtime's GC AllocationTick event (one sample per ~100 KB
// allocated, with the type of the object that crossed the mark) and tallies the samples. Coarse but needs no tool.
using System.Diagnostics.Tracing;

namespace P2PChat.Micro;

internal sealed class AllocationTicks : EventListener
{
    private const EventKeywords GcKeyword = (EventKeywords)0x1;
    private const int AllocationTickEventId = 10;

    private readonly Lock _lock = new();
    private readonly Dictionary<string, (int Samples, long Bytes)> _byType = [];
    private volatile bool _recording;

    public void StartRecording() => _recording = true;

    protected override void OnEventSourceCreated(EventSource source)
    {
        if (source.Name == "Microsoft-Windows-DotNETRuntime")
            EnableEvents(source, EventLevel.Verbose, GcKeyword);
    }

    protected override void OnEventWritten(EventWrittenEventArgs e)
    {
        if (!_recording || e.EventId != AllocationTickEventId || e.PayloadNames is null)
            return;
        string type = "?";
        long amount = 0;
        for (int i = 0; i < e.PayloadNames.Count; i++)
        {
            if (e.PayloadNames[i] == "TypeName")
                type = e.Payload![i] as string ?? "?";
            else if (e.PayloadNames[i] == "AllocationAmount64")
                amount = Convert.ToInt64(e.Payload![i]);
        }
        lock (_lock)
        {
            (int samples, long bytes) = _byType.GetValueOrDefault(type);
            _byType[type] = (samples + 1, bytes + amount);
        }
    }

    /// <summary>Sampled types, most bytes first.</summary>
    public List<(string Type, int Samples, long Bytes)> Tally()
    {
        lock (_lock)
            return [.. _byType.Select(kv => (kv.Key, kv.Value.Samples, kv.Value.Bytes)).OrderByDescending(t => t.Bytes)];
    }
}
