// `--crypto`: single-thread speed of the link crypto (Net/Crypto): ChaCha20-Poly1305 seal and open of 100-byte and
// 60 KiB records, bytes allocated per call, Ed25519 sign (BouncyCastle's, and Ed25519Presigner's) and verify
// (Ed25519Verifier's, and BouncyCastle's for comparison), X25519 agreements, SHA-256 of 100 bytes. Each figure is the best of three timed passes of about 0.3 s after a warm-up.
using System.Diagnostics;
using P2PChat.Net.Crypto;

namespace P2PChat.Micro;

internal static class CryptoRun
{
    public static int Run()
    {
        Console.WriteLine($"Vector256 accelerated: {System.Runtime.Intrinsics.Vector256.IsHardwareAccelerated}");
        var random = new SeededRandomSource(new Random(1));
        var key = new byte[32];
        random.Fill(key);
        var aead = new ChaChaPoly(key);
        foreach (int size in new[] { 100, 60 * 1024 })
        {
            var plaintext = new byte[size];
            var record = new byte[size + ChaChaPoly.TagSize];
            var opened = new byte[size];
            ulong nonce = 0;
            aead.Seal(0, default, plaintext, record);
            double seal = PerSecond(() => aead.Seal(nonce++, default, plaintext, record), out long sealBytes);
            aead.Seal(0, default, plaintext, record); // so that every Open below succeeds and decrypts
            double open = PerSecond(() => aead.Open(0, default, record, opened, out _), out long openBytes);
            Console.WriteLine($"ChaCha20-Poly1305 {size,6} B: seal {seal,12:N0}/s {seal * size / 1e6,8:N0} MB/s, "
                + $"open {open,12:N0}/s {open * size / 1e6,8:N0} MB/s; allocated per call {sealBytes} / {openBytes} B");
        }

        var identity = IdentityKey.Generate(random);
        var message = new byte[100];
        var signature = new byte[64];
        identity.Sign(message, signature);
        double sign = PerSecond(() => identity.Sign(message, signature), out _);
        double verify = PerSecond(() => IdentityKey.Verify(identity.Public, message, signature), out long verifyBytes);
        byte[] publicKey = identity.Public.ToArray();
        double bouncy = PerSecond(() => Org.BouncyCastle.Math.EC.Rfc8032.Ed25519.Verify(signature, 0, publicKey, 0, message, 0, message.Length),
            out long theirBytes);
        Console.WriteLine($"Ed25519 (100-byte message): sign {sign:N0}/s, verify {verify:N0}/s ({verifyBytes} B a call); "
            + $"BouncyCastle's verify {bouncy:N0}/s ({theirBytes} B)");
        var presigner = new Ed25519Presigner(identity, random);
        var r = new byte[32];
        var point = new byte[32];
        double make = PerSecond(() => presigner.MakeInto(r, point), out long makeBytes);
        double signNow = PerSecond(() => presigner.Sign(message, signature), out long signBytes);
        double presigned = PerSecond(() =>
        {
            presigner.Offer(r, point); // the same nonce again: for timing only, never for a real signature
            presigner.TrySign(message, signature);
        }, out long presignedBytes);
        Console.WriteLine($"Ed25519Presigner: nonce made {make:N0}/s ({makeBytes} B), signed without a nonce {signNow:N0}/s "
            + $"({signBytes} B), with a nonce {presigned:N0}/s ({presignedBytes} B); bytes allocated per call");

        var mine = new byte[32];
        var theirs = new byte[32];
        var theirPublic = new byte[32];
        var shared = new byte[32];
        X25519Keys.GeneratePrivate(random, mine);
        X25519Keys.GeneratePrivate(random, theirs);
        X25519Keys.PublicFromPrivate(theirs, theirPublic);
        double agree = PerSecond(() => X25519Keys.Agree(mine, theirPublic, shared), out _);
        Console.WriteLine($"X25519: {agree:N0} agreements/s");

        var hash = new byte[32];
        double sha = PerSecond(() => Sha256Hasher.Hash(message, hash), out long shaBytes);
        Console.WriteLine($"SHA-256 (100 bytes): {sha:N0}/s, allocated per call {shaBytes} B");
        return 0;
    }

    /// <summary>Calls per second (best of three passes) and bytes allocated per call on this thread.</summary>
    private static double PerSecond(Action action, out long bytesPerCall)
    {
        int batch = 1;
        var watch = Stopwatch.StartNew();
        while (watch.ElapsedMilliseconds < 50)
        {
            for (int i = 0; i < batch; i++)
                action();
            batch *= 2;
        }
        int calls = Math.Max(1, (int)(batch / (watch.Elapsed.TotalSeconds / 0.3) / 2));
        double best = 0;
        bytesPerCall = 0;
        for (int pass = 0; pass < 3; pass++)
        {
            long before = GC.GetAllocatedBytesForCurrentThread();
            watch.Restart();
            for (int i = 0; i < calls; i++)
                action();
            double rate = calls / watch.Elapsed.TotalSeconds;
            bytesPerCall = (GC.GetAllocatedBytesForCurrentThread() - before) / calls;
            best = Math.Max(best, rate);
        }
        return best;
    }
}
