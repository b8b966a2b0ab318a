// Our own lines: said into the batch being signed, signed and sent when the input ends, and what the driver needs to
// make nonces for lines said alone ahead of time (NonceMaker). Part of Flooding, which owns our sequence and the log.
using P2PChat.Net.Crypto;

namespace P2PChat.Net;

internal sealed partial class Flooding
{
    private bool _typing;    // some line was said alone: nonces are worth making (WantsNonce)
    private bool _saidAlone; // since the driver last asked (TakeSaidAlone)

    /// <summary>Says <paramref name="utf8"/> (1 to Protocol.MaxTextBytes of valid UTF-8) to every peer: the line joins
    /// the batch being signed, which goes out with FlushSaid (at the end of the input, or once it is full).</summary>
    public MessageId Say(ReadOnlySpan<byte> utf8, long timeMs, long now)
    {
        if (!TextRules.IsValidText(utf8))
            throw new ArgumentException($"message text must be 1 to {Protocol.MaxTextBytes} bytes of UTF-8", nameof(utf8));
        var id = new MessageId(_self, ++_lastSaid);
        Filter.Admit(id, now);
        _signer.Add(id, timeMs, utf8);
        if (_signer.IsFull)
            FlushSaid(now);
        return id;
    }

    /// <summary>Signs the lines said since the last call and sends them to every open link (and into our log).</summary>
    public void FlushSaid(long now)
    {
        if (_signer.Count == 0)
            return;
        if (_signer.Count == 1)
            _typing = _saidAlone = true;
        _signer.Sign();
        CoreLink[] open = _links.Open;
        for (int i = 0; i < _signer.Count; i++)
        {
            int size = _signer.WriteFrame(i, _scratch, out MessageId id, _tagLines ? Tags : null);
            ReadOnlySpan<byte> frame = _scratch.AsSpan(0, size);
            Log.Append(id, frame);
            if (open.Length == 0)
                SentAlone++;
            foreach (CoreLink link in open)
                if (_links.Send(link, frame, now))
                    ChatFramesQueued++;
            LastSequence = id.Seq;
        }
        _signer.Clear();
    }

    /// <summary>Whether a line said alone was signed since the last call (it used a nonce, or found none ready): the
    /// driver then wakes its nonce maker. Not on every line: a paste signs batches and needs none.</summary>
    public bool TakeSaidAlone()
    {
        bool said = _saidAlone;
        _saidAlone = false;
        return said;
    }

    /// <summary>Where nonces for lines said alone are made ahead of time (MakeInto, by the driver's NonceMaker off the
    /// node's lock) and handed in (Offer, under it).</summary>
    public Ed25519Presigner Presigner => _signer.Presigner;

    /// <summary>Whether this node says lines alone at all and has room for another nonce made ahead of time.</summary>
    public bool WantsNonce => _typing && _signer.Presigner.Ready < Ed25519Presigner.Capacity;

    /// <summary>Lines said alone that were signed with a nonce made ahead of time.</summary>
    public long Presigned => _signer.Presigner.Presigned;
}
