// Hard limits and constants of the wire protocol. Every length read from a peer is checked against these
// before anything is allocated or copied (docs/PROTOCOL.md explains each one).
namespace P2PChat.Net;

internal static class Protocol
{
    public const byte Version = 9;

    /// <summary>"P2PC": the first bytes of a HELLO body, so a stray client is told apart from a peer at once.</summary>
    public const uint Magic = 0x50325043;

    public const int LengthPrefixSize = 4;

    /// <summary>Largest frame body (type byte + payload) a peer may send; a bigger length prefix closes the peer.</summary>
    public const int MaxFrameBody = 16 * 1024;

    public const int MaxFrameSize = LengthPrefixSize + MaxFrameBody;

    /// <summary>Names are UTF-8, 1..32 bytes, with no control characters.</summary>
    public const int MaxNameBytes = 32;

    /// <summary>Message text is UTF-8, 1..8192 bytes; longer local lines are split (TextChunker).</summary>
    public const int MaxTextBytes = 8 * 1024;

    /// <summary>Most origins in one SYNC summary (the most recently heard).</summary>
    public const int MaxSyncOrigins = 256;

    /// <summary>Most origins in one HAVE frame (16 bytes each); more wait for the next tick.</summary>
    public const int MaxHaveOrigins = 32;

    /// <summary>SYNC limit meaning "every line you have of senders I never heard of": what a node asks for once it has
    /// its history (after a split, the other side's newcomers said things it must all see).</summary>
    public const int SyncAll = 0xFFFF;

    /// <summary>Most addresses in one PEERS frame.</summary>
    public const int MaxPeersPerFrame = 32;

    /// <summary>Most members in one ROSTER frame (16 bytes each: id and counter); a bigger roster takes several.</summary>
    public const int MaxDigestEntries = 1000;

    /// <summary>Most members in one WANT frame (8 bytes each).</summary>
    public const int MaxWantEntries = 1000;

    /// <summary>Most members a roster tracks (live and recently left); the least recently heard is forgotten.</summary>
    public const int MaxMembers = 1024;

    /// <summary>Bounds on the announce interval a peer may declare in PRESENCE (100 ms .. 1 h): in a big network a
    /// member announces rarely (Presence.IntervalMs); its neighbours' suspicions, not its silence, report its death.</summary>
    public const uint MinPresenceIntervalMs = 100;
    public const uint MaxPresenceIntervalMs = 3_600_000;

    /// <summary>SUSPECT body: type + suspecter + target + counter + the suspecter's key, epoch and signature.</summary>
    public const int SuspectBodySize = 1 + 8 + 8 + 8 + KeySize + 8 + SignatureSize;

    /// <summary>type + kind + origin + counter + intervalMs + lastSeq + nameLen.</summary>
    public const int PresenceHeaderSize = 1 + 1 + 8 + 8 + 4 + 8 + 1;

    /// <summary>After a PRESENCE's name: the author's key, epoch, private-message key and signature.</summary>
    public const int PresenceTrailerSize = KeySize + 8 + KeySize + SignatureSize;

    /// <summary>type + origin + seq + time + nameLen.</summary>
    public const int ChatHeaderSize = 1 + 8 + 8 + 8 + 1;

    /// <summary>type + magic + version + key + epoch + listen port + nameLen.</summary>
    public const int HelloHeaderSize = 1 + 4 + 1 + KeySize + 8 + 2 + 1;

    /// <summary>Ed25519 public key (a user's identity) and signature sizes.</summary>
    public const int KeySize = 32;
    public const int SignatureSize = 64;

    /// <summary>Merkle tree nodes of a signed batch of lines: SHA-256 truncated to 128 bits.</summary>
    public const int TreeHashSize = 16;

    /// <summary>Most lines one signature covers (a sender signs each batch it says at once, up to this many).</summary>
    public const int MaxBatchLines = 128;

    /// <summary>Deepest Merkle path: log2(MaxBatchLines).</summary>
    public const int MaxTreeDepth = 7;

    /// <summary>A line's seal before its path: key + epoch + first + count + signature + depth.</summary>
    public const int SealFixedSize = KeySize + 8 + 8 + 1 + SignatureSize + 1;

    public const int MaxSealSize = SealFixedSize + MaxTreeDepth * TreeHashSize;

    /// <summary>Most per-reader tags on one line (LineTags): each is the reader's tag id (4 bytes) and a Poly1305 tag.</summary>
    public const int MaxLineTags = 16;

    public const int LineTagSize = 4 + 16;

    /// <summary>Encrypted records: length:u16 then the record (a Noise message).</summary>
    public const int RecordHeaderSize = 2;

    /// <summary>Largest record: one largest frame and the AEAD tag, with a little room. Not the 65,535 the length allows:
    /// a record is opened whole and its frames handled in one go, so it is the unit a link over its budget can be
    /// stopped at (NodeCore.Receive); 64 KiB of lines said alone is ~240 signature checks, 50 ms or more here.</summary>
    public const int MaxRecord = MaxFrameSize + 16 + 44;

    /// <summary>Most plaintext one transport record carries (the rest of MaxRecord is the AEAD tag).</summary>
    public const int MaxRecordPlaintext = MaxRecord - 16;
}
