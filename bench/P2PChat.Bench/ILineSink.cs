// What a LineReader hands its lines to. Called on the reader's own thread only, one line at a time.
namespace P2PChat.Bench;

internal interface ILineSink
{
    /// <summary>One line without its '\n'. The span is only valid during the call.</summary>
    /// <param name="timestamp">Stopwatch time of the read(2) that completed the line.</param>
    void OnLine(ReadOnlySpan<byte> line, long timestamp);

    /// <summary>The stream ended (the process closed stdout or died).</summary>
    void OnEnd();
}
