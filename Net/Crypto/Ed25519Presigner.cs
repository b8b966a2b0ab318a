// Ed25519 signatures whose expensive half is done ahead of time. An Ed25519 signature is (R, S) with R = [r]B and
// S = r + H(R || A || M) * a mod L; verifiers check [S]B = R + [H(R || A || M)]A and never learn how r was chosen.
// RFC 8032 derives r from the message, so R (a scalar multiplication, most of a signature's cost) can only be computed
// once the message is known; here r is drawn before, as SHA-512(prefix || 32 random bytes) mod L with the key's secret
// nonce prefix (so r stays unpredictable even if the random source were weak, and uniform mod L), and [r]B is computed
// off the path of a line (Edwards25519). Signing a line is then one SHA-512 and a multiply-add mod L, a few
// microseconds. Every nonce is used for one signature and wiped: two signatures under one r would give away the key.
// The signatures verify exactly like RFC 8032's (tests check them with BouncyCastle's verifier). Sign, for when no
// nonce is ready, is RFC 8032's own deterministic signature (byte for byte BouncyCastle's), without its allocations.
using Org.BouncyCastle.Crypto.Digests;

namespace P2PChat.Net.Crypto;

internal sealed class Ed25519Presigner
{
    /// <summary>Nonces kept ready: a burst of lines said alone this quick gets fast signatures.</summary>
    public const int Capacity = 8;

    /// <summary>An encoded point, R of a signature.</summary>
    public const int PointSize = Edwards25519.PointSize;

    private readonly byte[] _scalar = new byte[Scalar25519.Size];
    private readonly Edwards25519 _makeBase = new(), _signBase = new(); // one per thread: MakeInto's, and the owner's
    private readonly byte[] _r = new byte[Scalar25519.Size];
    private readonly byte[] _prefix = new byte[32];
    private readonly byte[] _public;
    private readonly IRandomSource _random;
    private readonly Sha512Digest _sha512 = new();
    private readonly Sha512Digest _makeDigest = new();
    private readonly byte[] _makeHash = new byte[64];
    private readonly byte[][] _nonces = new byte[Capacity][];
    private readonly byte[][] _points = new byte[Capacity][];
    private readonly byte[] _hash = new byte[64];

    public Ed25519Presigner(IdentityKey identity, IRandomSource random)
    {
        _random = random;
        _public = identity.Public.ToArray();
        // RFC 8032 5.1.5: the secret scalar is the clamped first half of SHA-512(seed), the nonce prefix its second half.
        _sha512.BlockUpdate(identity.Seed);
        _sha512.DoFinal(_hash, 0);
        _hash[0] &= 248;
        _hash[31] &= 127;
        _hash[31] |= 64;
        _hash.AsSpan(32).CopyTo(_prefix);
        Span<byte> wide = stackalloc byte[64];
        _hash.AsSpan(0, 32).CopyTo(wide);
        Scalar25519.Reduce(wide, _scalar);
        Array.Clear(_hash);
        for (int i = 0; i < Capacity; i++)
        {
            _nonces[i] = new byte[Scalar25519.Size];
            _points[i] = new byte[PointSize];
        }
    }

    /// <summary>Nonces ready now.</summary>
    public int Ready { get; private set; }

    /// <summary>Signatures made with a nonce made ahead of time.</summary>
    public long Presigned { get; private set; }

    /// <summary>Makes one nonce and its point here and now (~30-50 µs), unless Capacity are ready.</summary>
    public void MakeOne()
    {
        if (Ready == Capacity)
            return;
        MakeInto(_nonces[Ready], _points[Ready]);
        Ready++;
    }

    /// <summary>Makes a nonce and its point into the caller's buffers, for Offer. Touches nothing TrySign uses, so one
    /// other thread may call it while the owner signs (ChatNode's NonceMaker, outside the node's lock).</summary>
    public void MakeInto(Span<byte> nonce, Span<byte> point)
    {
        Span<byte> fresh = stackalloc byte[32];
        _random.Fill(fresh);
        _makeDigest.BlockUpdate(_prefix);
        _makeDigest.BlockUpdate(fresh);
        _makeDigest.DoFinal(_makeHash, 0);
        fresh.Clear();
        Scalar25519.Reduce(_makeHash, nonce);
        Array.Clear(_makeHash);
        _makeBase.MultiplyBase(nonce, point);
    }

    /// <summary>Takes a nonce MakeInto made (and nobody else will use) into the pool; false when the pool is full.</summary>
    public bool Offer(ReadOnlySpan<byte> nonce, ReadOnlySpan<byte> point)
    {
        if (Ready == Capacity)
            return false;
        nonce.CopyTo(_nonces[Ready]);
        point.CopyTo(_points[Ready]);
        Ready++;
        return true;
    }

    /// <summary>Signs <paramref name="message"/> with a ready nonce; false (nothing written) when none is ready.</summary>
    public bool TrySign(ReadOnlySpan<byte> message, Span<byte> signature64)
    {
        if (Ready == 0)
            return false;
        Ready--;
        byte[] r = _nonces[Ready];
        byte[] point = _points[Ready];
        _sha512.BlockUpdate(point);
        _sha512.BlockUpdate(_public);
        _sha512.BlockUpdate(message);
        _sha512.DoFinal(_hash, 0);
        Span<byte> h = stackalloc byte[Scalar25519.Size];
        Scalar25519.Reduce(_hash, h);
        point.CopyTo(signature64);
        Scalar25519.MulAdd(h, _scalar, r, signature64.Slice(32, 32));
        Array.Clear(r);
        Array.Clear(point);
        Presigned++;
        return true;
    }

    /// <summary>RFC 8032's signature of <paramref name="message"/> (r = SHA-512(prefix || M) mod L), made here and now.
    /// On the owner's thread, like TrySign.</summary>
    public void Sign(ReadOnlySpan<byte> message, Span<byte> signature64)
    {
        _sha512.BlockUpdate(_prefix);
        _sha512.BlockUpdate(message);
        _sha512.DoFinal(_hash, 0);
        Scalar25519.Reduce(_hash, _r);
        _signBase.MultiplyBase(_r, signature64[..PointSize]);
        _sha512.BlockUpdate(signature64[..PointSize]);
        _sha512.BlockUpdate(_public);
        _sha512.BlockUpdate(message);
        _sha512.DoFinal(_hash, 0);
        Span<byte> h = stackalloc byte[Scalar25519.Size];
        Scalar25519.Reduce(_hash, h);
        Scalar25519.MulAdd(h, _scalar, _r, signature64.Slice(PointSize, 32));
        Array.Clear(_r);
        Array.Clear(_hash);
    }
}
