// One line as a node's OnMessage showed it: its id, whether it came as history (REPLAY), and when.
using P2PChat.Net;

namespace P2PChat.Tests.Simulation;

internal readonly record struct ShownLine(MessageId Id, bool History, long At);
