// What one simulated run did, for the campaign's statistics.
namespace P2PChat.Tests.Simulation;

internal readonly record struct SimResult(int Seed, int Nodes, int Live, int Lines, long Events, long SimulatedMs, string Digest, int Renames = 0,
    int RosterCapacity = P2PChat.Net.Protocol.MaxMembers);
