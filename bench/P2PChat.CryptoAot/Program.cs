// Ed25519 verification under native AOT: Ed25519Verifier against BouncyCastle's, on one key checked again and again
// (ours keeps its decoded multiples) and on 40 keys in turn (ours decodes each key every time), the half-size split
// alone (ScalarPair), and bytes allocated per check. Best of three passes of ~0.3 s each.
using System.Diagnostics;
using P2PChat.Net.Crypto;
using Bc = Org.BouncyCastle.Math.EC.Rfc8032.Ed25519;

var random = new SeededRandomSource(new Random(1));
var message = new byte[100];
const int Keys = 40;
var keys = new byte[Keys][];
var signatures = new byte[Keys][];
for (int i = 0; i < Keys; i++)
{
    IdentityKey key = IdentityKey.Generate(random);
    keys[i] = key.Public.ToArray();
    signatures[i] = new byte[64];
    key.Sign(message, signatures[i]);
}
var verifier = new Ed25519Verifier();
int turn = 0;
Report("Ed25519Verifier, one key", () => Check(verifier.Verify(keys[0], message, signatures[0])));
Report("BouncyCastle, one key", () => Check(Bc.Verify(signatures[0], 0, keys[0], 0, message, 0, message.Length)));
Report($"Ed25519Verifier, {Keys} keys in turn", () =>
{
    int i = turn++ % Keys;
    Check(verifier.Verify(keys[i], message, signatures[i]));
});
Report($"BouncyCastle, {Keys} keys in turn", () =>
{
    int i = turn++ % Keys;
    Check(Bc.Verify(signatures[i], 0, keys[i], 0, message, 0, message.Length));
});
var pair = new ScalarPair();
byte[] k = (byte[])signatures[0].Clone(); // any scalar below L: S of a signature
var v0 = new byte[32];
var v1 = new byte[32];
Report("ScalarPair.Split", () => pair.Split(k.AsSpan(32, 32), v0, out _, v1));
return 0;

static void Check(bool valid)
{
    if (!valid)
        throw new InvalidOperationException("a valid signature did not verify");
}

static void Report(string what, Action action)
{
    for (int i = 0; i < 200; i++)
        action();
    double best = double.MaxValue;
    long allocated = 0;
    for (int pass = 0; pass < 3; pass++)
    {
        int calls = 0;
        long before = GC.GetAllocatedBytesForCurrentThread();
        var watch = Stopwatch.StartNew();
        while (watch.ElapsedMilliseconds < 300)
        {
            for (int i = 0; i < 40; i++)
                action();
            calls += 40;
        }
        best = Math.Min(best, watch.Elapsed.TotalMicroseconds / calls);
        allocated = (GC.GetAllocatedBytesForCurrentThread() - before) / calls;
    }
    Console.WriteLine($"{what,-36} {best,8:F1} µs a call ({1e6 / best,8:N0}/s), {allocated} B allocated a call");
}
