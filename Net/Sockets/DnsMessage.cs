// DNS messages for the static build's resolver (DnsClient, RFC 1035 section 4): a query for one name and type, and
// the addresses an answer gives that name, following CNAMEs. An answer comes from the network, so every count,
// length and compression pointer is checked against the message before it is used; pointers may only point back
// (no loops) and a name is at most 255 bytes, so reading one is bounded by the message.
using System.Buffers.Binary;
using System.Net;
using System.Text;

namespace P2PChat.Net;

internal static class DnsMessage
{
    public const ushort TypeA = 1;
    public const ushort TypeCname = 5;
    public const ushort TypeAaaa = 28;
    private const ushort ClassIn = 1;

    /// <summary>Largest answer over UDP without EDNS (RFC 1035 2.3.4); a longer one comes truncated.</summary>
    public const int MaxUdpSize = 512;

    /// <summary>A name in wire form, labels and their length bytes (RFC 1035 2.3.4).</summary>
    public const int MaxNameBytes = 255;

    private const int MaxLabel = 63;
    private const int HeaderSize = 12;

    /// <summary>CNAMEs followed from the name asked for; more is a loop or an abuse.</summary>
    private const int MaxChain = 8;

    public enum Outcome
    {
        /// <summary>The server answered for the name: its addresses of the type asked for (maybe none).</summary>
        Answer,

        /// <summary>NXDOMAIN: the name does not exist.</summary>
        NoSuchName,

        /// <summary>The server could not answer (SERVFAIL, REFUSED, ...): ask another.</summary>
        ServerFailure,

        /// <summary>Too long for UDP: the addresses in it, if any, are what there is.</summary>
        Truncated,

        /// <summary>Not an answer to this query (another id or question), or not a valid message: ignored.</summary>
        NotOurs,
    }

    /// <summary>Whether <paramref name="name"/> can be asked for: ASCII labels of 1-63 bytes, at most 253 characters.</summary>
    public static bool IsValidName(string name) =>
        name.Length is > 0 and <= MaxNameBytes - 2 && name.All(char.IsAscii) && name.Split('.').All(label => label.Length is > 0 and <= MaxLabel);

    /// <summary>Writes a recursive query for <paramref name="name"/> (IsValidName) and <paramref name="type"/>;
    /// returns its length.</summary>
    public static int WriteQuery(Span<byte> into, ushort id, string name, ushort type)
    {
        BinaryPrimitives.WriteUInt16BigEndian(into, id);
        BinaryPrimitives.WriteUInt16BigEndian(into[2..], 0x0100); // RD: recursion desired
        BinaryPrimitives.WriteUInt16BigEndian(into[4..], 1);      // one question
        into[6..HeaderSize].Clear();
        int at = HeaderSize;
        foreach (string label in name.Split('.'))
        {
            into[at++] = (byte)label.Length;
            at += Encoding.ASCII.GetBytes(label, into[at..]);
        }
        into[at++] = 0;
        BinaryPrimitives.WriteUInt16BigEndian(into[at..], type);
        BinaryPrimitives.WriteUInt16BigEndian(into[(at + 2)..], ClassIn);
        return at + 4;
    }

    /// <summary>Reads an answer to the query (<paramref name="id"/>, <paramref name="name"/>, <paramref name="type"/>),
    /// adding to <paramref name="addresses"/> the records of that type owned by the name or a CNAME it leads to.</summary>
    public static Outcome ReadAnswer(ReadOnlySpan<byte> message, ushort id, string name, ushort type, List<IPAddress> addresses)
    {
        if (message.Length < HeaderSize || BinaryPrimitives.ReadUInt16BigEndian(message) != id)
            return Outcome.NotOurs;
        ushort flags = BinaryPrimitives.ReadUInt16BigEndian(message[2..]);
        bool response = (flags & 0x8000) != 0, truncated = (flags & 0x0200) != 0;
        int opcode = (flags >> 11) & 0xF, rcode = flags & 0xF;
        int questions = BinaryPrimitives.ReadUInt16BigEndian(message[4..]);
        int answers = BinaryPrimitives.ReadUInt16BigEndian(message[6..]);
        int at = HeaderSize;
        if (!response || opcode != 0 || questions != 1
            || !ReadName(message, ref at, out string asked) || !string.Equals(asked, name.TrimEnd('.'), StringComparison.OrdinalIgnoreCase)
            || at + 4 > message.Length || BinaryPrimitives.ReadUInt16BigEndian(message[at..]) != type)
            return Outcome.NotOurs;
        at += 4;
        if (rcode == 3)
            return Outcome.NoSuchName;
        if (rcode != 0)
            return Outcome.ServerFailure;

        // The owners whose records answer: the name, then each CNAME target reached from it (in any order of records).
        var owners = new List<string> { asked };
        for (int round = 0; round < MaxChain; round++)
        {
            int before = owners.Count;
            if (!EachRecord(message, at, answers, owners, TypeCname, null))
                return truncated ? Outcome.Truncated : Outcome.NotOurs;
            if (owners.Count == before)
                break;
        }
        int found = addresses.Count;
        if (!EachRecord(message, at, answers, owners, type, addresses))
        {
            addresses.RemoveRange(found, addresses.Count - found);
            return truncated ? Outcome.Truncated : Outcome.NotOurs;
        }
        return truncated ? Outcome.Truncated : Outcome.Answer;
    }

    /// <summary>Walks the <paramref name="count"/> answer records from <paramref name="at"/>. Records of
    /// <paramref name="type"/> owned by one of <paramref name="owners"/>: a CNAME adds its target to the owners, an
    /// address goes to <paramref name="addresses"/>. False when a record runs past the message or is malformed.</summary>
    private static bool EachRecord(ReadOnlySpan<byte> message, int at, int count, List<string> owners, ushort type, List<IPAddress>? addresses)
    {
        for (int i = 0; i < count; i++)
        {
            if (!ReadName(message, ref at, out string owner) || at + 10 > message.Length)
                return false;
            ushort recordType = BinaryPrimitives.ReadUInt16BigEndian(message[at..]);
            ushort recordClass = BinaryPrimitives.ReadUInt16BigEndian(message[(at + 2)..]);
            int length = BinaryPrimitives.ReadUInt16BigEndian(message[(at + 8)..]);
            at += 10;
            if (at + length > message.Length)
                return false;
            ReadOnlySpan<byte> data = message.Slice(at, length);
            if (recordType == type && recordClass == ClassIn && owners.Contains(owner, StringComparer.OrdinalIgnoreCase))
            {
                if (type == TypeCname)
                {
                    int targetAt = at;
                    if (!ReadName(message, ref targetAt, out string target) || targetAt != at + length)
                        return false;
                    if (!owners.Contains(target, StringComparer.OrdinalIgnoreCase) && owners.Count <= MaxChain)
                        owners.Add(target);
                }
                else if (type == TypeA && length == 4 || type == TypeAaaa && length == 16)
                {
                    if (addresses is { Count: < 64 })
                        addresses.Add(new IPAddress(data));
                }
                else
                {
                    return false;
                }
            }
            at += length;
        }
        return true;
    }

    /// <summary>Reads the name at <paramref name="at"/> (moving it past the name as written there, a pointer included)
    /// as dotted text. False when it runs past the message, a pointer does not point back, or it is longer than
    /// MaxNameBytes.</summary>
    public static bool ReadName(ReadOnlySpan<byte> message, ref int at, out string name)
    {
        var text = new StringBuilder();
        int position = at, end = -1, bytes = 0, lowest = at;
        name = "";
        while (true)
        {
            if (position >= message.Length)
                return false;
            int length = message[position];
            if ((length & 0xC0) == 0xC0)
            {
                if (position + 1 >= message.Length)
                    return false;
                int target = (length & 0x3F) << 8 | message[position + 1];
                if (end < 0)
                    end = position + 2;
                // Strictly back from every place read so far: a chain of pointers cannot loop.
                if (target >= lowest)
                    return false;
                position = lowest = target;
                continue;
            }
            if ((length & 0xC0) != 0)
                return false; // the 01 and 10 label types are not defined for names we read
            bytes += length + 1;
            if (bytes > MaxNameBytes || position + 1 + length > message.Length)
                return false;
            if (length == 0)
                break;
            if (text.Length > 0)
                text.Append('.');
            foreach (byte b in message.Slice(position + 1, length))
                text.Append((char)b);
            position += 1 + length;
        }
        at = end >= 0 ? end : position + 1;
        name = text.ToString();
        return true;
    }
}
