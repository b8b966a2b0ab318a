// A program failed a scenario (did not start, never connected, died, stalled). The scenario records the message
// in the report and the run goes on with the next program.
namespace P2PChat.Bench;

internal sealed class BenchException(string message) : Exception(message);
