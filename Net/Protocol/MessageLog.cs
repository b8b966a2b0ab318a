// The last Capacity messages this node saw or said, as their frames, oldest first: what anti-entropy replays to
// a peer that missed them (after a split, a pause, or to a newcomer as history). A ring of reusable buffers, so
// memory is bounded by Capacity * the largest frame and steady-state appends allocate nothing once warm.
// Not thread-safe: the node calls it under its flood lock.
namespace P2PChat.Net;

internal sealed class MessageLog(int capacity = MessageLog.DefaultCapacity)
{
    public const int DefaultCapacity = 1000;

    private readonly MessageId[] _ids = new MessageId[capacity];
    private readonly byte[][] _frames = new byte[capacity][];
    private readonly int[] _lengths = new int[capacity];
    private readonly bool[] _signatureChecked = new bool[capacity];

    /// <summary>Index of the oldest entry; entries are [_start, _start + Count) modulo capacity.</summary>
    private int _start;

    public int Count { get; private set; }

    public int Capacity => capacity;

    /// <summary>Appends a whole CHAT frame, dropping the oldest entry when full. <paramref name="signatureChecked"/> is
    /// false for a line taken on its tag for us alone (LineTags): its signature is checked before it is replayed.</summary>
    public void Append(MessageId id, ReadOnlySpan<byte> frame, bool signatureChecked = true)
    {
        if (capacity == 0)
            return;
        int slot;
        if (Count == capacity)
        {
            slot = _start;
            _start = (_start + 1) % capacity;
        }
        else
        {
            slot = (_start + Count) % capacity;
            Count++;
        }
        if (_frames[slot] is not { } buffer || buffer.Length < frame.Length)
            _frames[slot] = buffer = new byte[Math.Max(frame.Length, 128)];
        frame.CopyTo(buffer);
        _ids[slot] = id;
        _lengths[slot] = frame.Length;
        _signatureChecked[slot] = signatureChecked;
    }

    public bool IsSignatureChecked(int index) => _signatureChecked[(_start + index) % capacity];

    public void MarkSignatureChecked(int index) => _signatureChecked[(_start + index) % capacity] = true;

    public MessageId IdAt(int index) => _ids[(_start + index) % capacity];

    public ReadOnlySpan<byte> FrameAt(int index)
    {
        int slot = (_start + index) % capacity;
        return _frames[slot].AsSpan(0, _lengths[slot]);
    }
}
