// One line as a node's OnMessage showed it: its id, whether it came as history (REPLAY), when, and whether it was a
// private line to this node (opened).
using P2PChat.Net;

namespace P2PChat.Tests.Simulation;

internal readonly record struct ShownLine(MessageId Id, bool History, long At, bool Private = false, string Text = "");
