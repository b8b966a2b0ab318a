// The kinds of frame on the wire. Numbers are part of protocol version 1 (docs/PROTOCOL.md); never reuse one.
namespace P2PChat.Net;

internal enum FrameType : byte
{
    Hello = 1,
    Chat = 2,

    /// <summary>Heartbeat: no payload. Sent on a link that has been quiet for a heartbeat interval.</summary>
    Ping = 3,

    /// <summary>Peer exchange: listen addresses of other peers, to reconnect through when links are lost.</summary>
    Peers = 4,

    /// <summary>Anti-entropy request: "this is what I have" (per-origin contiguous sequence), sent when a link opens.</summary>
    Sync = 5,

    /// <summary>A CHAT replayed in answer to SYNC (missed during a split, or history for a newcomer). Same payload.</summary>
    Replay = 6,

    /// <summary>Presence: "I am here" (sent every presence interval and flooded), or "I am leaving" (BYE).</summary>
    Presence = 7,

    /// <summary>"I get this origin's messages from someone else first: stop relaying them to me." Sent on a link a
    /// duplicate came from, so a mesh settles into one relay path per origin (Plumtree's prune).</summary>
    Prune = 8,

    /// <summary>"Relay everything to me again": sent to every neighbour after one of our links was lost.</summary>
    Unprune = 9,

    /// <summary>Empty: the end of the REPLAY frames that answer a SYNC. A newcomer shows live lines only after its
    /// history source's SYNCED, so history comes first.</summary>
    Synced = 10,

    /// <summary>A CHAT passed on before this hop checked its signature (cut-through: a relay forwards a line that needs a
    /// signature check first and checks it after, so a line crosses a hop in the time of a copy, not of an Ed25519
    /// verification). Same payload; the receiver checks it as any line, but a forgery in it is not the sender's fault.</summary>
    ChatUnchecked = 11,

    /// <summary>Lazy push (Plumtree's IHAVE, one per origin, within Flooding.HaveDelayMs and often in place of a ping):
    /// "of these origins, whose lines you asked me not to relay to you, I have up to this sequence". A node that lacks
    /// them Flooding.LazyGraceMs later pulls them from that link (UNPRUNE and SYNC there), so two nodes that kept each
    /// other as their only path for a sender do not starve until presence says so.</summary>
    Have = 12,

    /// <summary>Suspicion (SWIM's suspect): "I lost my last link to this member at this counter of its announcements".
    /// Signed by the suspecter and flooded; the member refutes it with a newer announcement, or every node declares it
    /// gone SuspectMs later. Only the member's neighbours notice its death, so announcements need not be frequent.</summary>
    Suspect = 13,

    /// <summary>Who we know, in short: per member its id and the counter of the announcement we hold (or of its BYE).
    /// Sent on a link that opens instead of every announcement; the peer asks (WANT) for those it lacks or has older, and
    /// answers a member it declared gone on a suspicion with that suspicion.</summary>
    RosterDigest = 14,

    /// <summary>"Send me the announcements of these members" (ids from a ROSTER): answered with each one we hold, at most
    /// as many in all as our ROSTERs named to this peer.</summary>
    Want = 15,

    /// <summary>Empty: "I have more links than I keep (Membership.MaxActive): drop this one once you have enough others".</summary>
    Busy = 16,
}
