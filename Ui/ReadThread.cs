// Reads a blocking stream (pipe mode's stdin) on a thread of its own. .NET's Stream.ReadAsync on the console stream
// runs a blocking read(2) on a thread-pool worker and queues a work item for every next read: each line said woke a
// second pool thread (a futex wake and a context switch on the other core, 2.2 pool wake-ups a line said, measured)
// just as the sender's frames went out to peers that wanted that core. Here one thread blocks in read(2); the reader
// that awaits it is resumed on this thread (the completion runs its continuation inline), says the lines, and asks
// for the next read before this thread loops, so that read starts without any wake-up. Nothing allocates per read.
// Cancellation ends a pending read at once, as before: a thread blocked in read(2) cannot be woken, and its buffer is
// not looked at again; it dies with the process.
using System.Threading.Tasks.Sources;

namespace P2PChat.Ui;

internal sealed class ReadThread : IValueTaskSource<int>
{
    private const int Idle = 0, Pending = 1, Ended = 2;

    private readonly Stream _input;
    private readonly Thread _thread;
    private readonly ManualResetEventSlim _asked = new(false, spinCount: 0);
    private ManualResetValueTaskSourceCore<int> _result; // continuations run on the completing thread
    private Memory<byte> _buffer;
    private int _state;
    private CancellationToken _token;
    private CancellationTokenRegistration _registration;
    private bool _started;

    public ReadThread(Stream input, string name)
    {
        _input = input;
        _thread = new Thread(Run) { IsBackground = true, Name = name };
    }

    /// <summary>Reads into <paramref name="buffer"/> on the reading thread: at most one read at a time, as Stream
    /// allows. Cancelled (OperationCanceledException) at once when <paramref name="cancel"/> is.</summary>
    public ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancel)
    {
        if (cancel.IsCancellationRequested || Volatile.Read(ref _state) == Ended)
            return ValueTask.FromCanceled<int>(cancel.IsCancellationRequested ? cancel : _token);
        if (!cancel.Equals(_token))
        {
            // A token is registered once, not for every read (a registration per line said would allocate).
            _registration.Dispose();
            _token = cancel;
            _registration = cancel.CanBeCanceled ? cancel.Register(static o => ((ReadThread)o!).Cancel(), this) : default;
        }
        _result.Reset();
        _buffer = buffer;
        int was = Interlocked.CompareExchange(ref _state, Pending, Idle);
        if (was == Ended)
            return ValueTask.FromCanceled<int>(_token); // cancelled since the check above
        if (was == Pending)
            throw new InvalidOperationException("a read is already pending");
        if (!_started)
        {
            _started = true;
            _thread.Start();
        }
        _asked.Set(); // on the reading thread itself (a read's continuation asking for the next): no wake-up
        return new ValueTask<int>(this, _result.Version);
    }

    private void Run()
    {
        while (true)
        {
            _asked.Wait();
            _asked.Reset();
            if (Volatile.Read(ref _state) != Pending)
                return; // cancelled before the read began
            int read;
            try
            {
                read = _input.Read(_buffer.Span);
            }
            catch (Exception e)
            {
                if (Interlocked.CompareExchange(ref _state, Idle, Pending) == Pending)
                    _result.SetException(e);
                continue;
            }
            if (Interlocked.CompareExchange(ref _state, Idle, Pending) == Pending)
                _result.SetResult(read); // the reader's continuation runs here, and may ask for the next read
        }
    }

    private void Cancel()
    {
        if (Interlocked.Exchange(ref _state, Ended) == Pending)
            _result.SetException(new OperationCanceledException(_token));
        _asked.Set();
    }

    int IValueTaskSource<int>.GetResult(short token) => _result.GetResult(token);

    ValueTaskSourceStatus IValueTaskSource<int>.GetStatus(short token) => _result.GetStatus(token);

    void IValueTaskSource<int>.OnCompleted(Action<object?> continuation, object? state, short token, ValueTaskSourceOnCompletedFlags flags) =>
        _result.OnCompleted(continuation, state, token, flags);
}
