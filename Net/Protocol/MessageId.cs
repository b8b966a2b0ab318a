// A message's identity: the random id of the process that said it and that process's own sequence number.
// Unique without coordination, and it orders one sender's messages (a content hash or name+counter is neither).
namespace P2PChat.Net;

internal readonly record struct MessageId(ulong Origin, ulong Seq)
{
    public override string ToString() => $"{Origin:x16}:{Seq}";
}
