// Pipe mode's stdin thread (Ui/ReadThread.cs) on a real pipe: what is written comes out in order, the reader resumes on
// the reading thread (so its next read needs no other thread), a cancelled read ends at once while the thread stays
// blocked in its read, and a stream's error reaches the reader.
using System.IO.Pipes;
using System.Text;
using P2PChat.Ui;

namespace P2PChat.Tests;

public class ReadThreadTests
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(10);

    [Test]
    public async Task Lines_written_to_a_pipe_come_out_in_order_and_the_reader_resumes_on_the_reading_thread()
    {
        using var server = new AnonymousPipeServerStream(PipeDirection.Out);
        using var client = new AnonymousPipeClientStream(PipeDirection.In, server.ClientSafePipeHandle);
        var reads = new ReadThread(client, "test stdin");
        var lines = new LineReader(reads.ReadAsync);
        var seen = new List<string>();
        var handedOutOn = new List<string>();
        Task writing = Task.Run(async () =>
        {
            for (int i = 1; i <= 200; i++)
            {
                byte[] line = Encoding.UTF8.GetBytes($"line {i}\n");
                await server.WriteAsync(line);
                await server.FlushAsync();
                if (i % 50 == 0)
                    await Task.Delay(5); // a pause, not a wait for anything: some reads find the pipe empty and block
            }
            server.Dispose(); // EOF
        });

        Task reading = Task.Run(async () =>
        {
            while (await lines.NextAsync(CancellationToken.None))
            {
                seen.Add(Encoding.UTF8.GetString(lines.Piece));
                handedOutOn.Add(Thread.CurrentThread.Name ?? "(a thread without a name)");
            }
        });
        await Task.WhenAll(writing, reading).WaitAsync(Deadline);

        await Assert.That(seen).IsEquivalentTo(Enumerable.Range(1, 200).Select(i => $"line {i}"), TUnit.Assertions.Enums.CollectionOrdering.Matching);
        // A read that is done before its reader awaits it (the pipe already held the line) lets the reader go on where
        // it was, so the first lines may be handed out on the test's thread; once the reader waits for a read, the
        // read's completion resumes it on the reading thread, and from there it asks for every next read itself.
        // The writer's pauses (every 50 lines) make the reader wait, so the last 100 are handed out there.
        await Assert.That(handedOutOn.Skip(100).Distinct()).IsEquivalentTo(new[] { "test stdin" });
    }

    [Test]
    public async Task Lines_read_one_at_a_time_allocate_nothing_on_the_reading_thread()
    {
        // Each line is written only after the last was handed out, so every read blocks, as typed lines' reads do.
        using var server = new AnonymousPipeServerStream(PipeDirection.Out);
        using var client = new AnonymousPipeClientStream(PipeDirection.In, server.ClientSafePipeHandle);
        var lines = new LineReader(new ReadThread(client, "test stdin").ReadAsync);
        long at100 = 0, at500 = 0;
        int count = 0;
        Task reading = Task.Run(async () =>
        {
            while (await lines.NextAsync(CancellationToken.None))
            {
                int now = count + 1;
                if (now == 100)
                    at100 = GC.GetAllocatedBytesForCurrentThread();
                if (now == 500)
                    at500 = GC.GetAllocatedBytesForCurrentThread();
                Volatile.Write(ref count, now); // no signal: waking the writer must not allocate on this thread
            }
        });
        Task writing = Task.Run(() =>
        {
            byte[] line = "a line typed\n"u8.ToArray();
            for (int i = 0; i < 500; i++)
            {
                server.Write(line);
                if (!SpinWait.SpinUntil(() => Volatile.Read(ref count) > i, Deadline))
                    throw new TimeoutException($"line {i + 1} was not handed out");
            }
            server.Dispose();
        });
        await Task.WhenAll(writing, reading).WaitAsync(Deadline);

        await Assert.That(count).IsEqualTo(500);
        await Assert.That(at500 - at100).IsLessThan(400); // bytes over 400 lines, each read waited for
    }

    [Test]
    public async Task A_cancelled_read_ends_at_once_while_the_thread_is_still_blocked_and_later_reads_are_cancelled_too()
    {
        var input = new BlockingStream();
        var reads = new ReadThread(input, "test stdin");
        using var cancel = new CancellationTokenSource();
        byte[] buffer = new byte[64];

        ValueTask<int> pending = reads.ReadAsync(buffer, cancel.Token);
        await Eventually.WaitUntil(() => input.Blocked, Deadline, "the read to block");
        await Assert.That(pending.IsCompleted).IsFalse();
        cancel.Cancel();
        await Assert.That(await Outcome(pending.AsTask())).IsEqualTo("cancelled");
        await Assert.That(input.Blocked).IsTrue(); // the thread still waits in its read; nobody waits for it
        await Assert.That(await Outcome(reads.ReadAsync(buffer, cancel.Token).AsTask())).IsEqualTo("cancelled");
        input.Release();
    }

    private static async Task<string> Outcome(Task<int> read)
    {
        try
        {
            return $"read {await read.WaitAsync(Deadline)}";
        }
        catch (OperationCanceledException)
        {
            return "cancelled";
        }
    }

    /// <summary>A stream whose read blocks until released, as read(2) of a quiet pipe does.</summary>
    private sealed class BlockingStream : ReadOnlyTestStream
    {
        private readonly ManualResetEventSlim _released = new();
        private volatile bool _blocked;
        public bool Blocked => _blocked;
        public void Release() => _released.Set();
        public override int Read(byte[] buffer, int offset, int count)
        {
            _blocked = true;
            _released.Wait();
            _blocked = false;
            return 0;
        }
    }

    [Test]
    public async Task An_error_of_the_stream_reaches_the_reader()
    {
        var reads = new ReadThread(new FailingStream(), "test stdin");
        string outcome;
        try
        {
            outcome = $"read {await reads.ReadAsync(new byte[16], CancellationToken.None)}";
        }
        catch (IOException e)
        {
            outcome = e.Message;
        }
        await Assert.That(outcome).IsEqualTo("input/output error");
    }

    private sealed class FailingStream : ReadOnlyTestStream
    {
        public override int Read(byte[] buffer, int offset, int count) => throw new IOException("input/output error");
    }
}
