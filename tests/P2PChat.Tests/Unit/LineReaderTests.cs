// Pipe mode's byte-level stdin reader: lines, CRLF, empty lines, a last line without a newline, lines longer than
// a message cut between characters, and input that arrives a few bytes at a time.
using System.Text;
using P2PChat.Ui;

namespace P2PChat.Tests;

public class LineReaderTests
{
    /// <summary>A stream that hands out at most <paramref name="chunk"/> bytes per read, like a slow pipe.</summary>
    private sealed class TrickleStream(byte[] data, int chunk) : ReadOnlyTestStream
    {
        private int _position;
        public override int Read(byte[] buffer, int offset, int count)
        {
            int n = Math.Min(Math.Min(count, chunk), data.Length - _position);
            Array.Copy(data, _position, buffer, offset, n);
            _position += n;
            return n;
        }
    }

    private static async Task<List<string>> ReadAll(string input, int chunk = 1 << 20, int max = 8192)
    {
        var reader = new LineReader(new TrickleStream(Encoding.UTF8.GetBytes(input), chunk).ReadAsync, max);
        var pieces = new List<string>();
        while (await reader.NextAsync(CancellationToken.None))
            pieces.Add(Encoding.UTF8.GetString(reader.Piece));
        return pieces;
    }

    [Test]
    [Arguments(1)]
    [Arguments(3)]
    [Arguments(1 << 20)]
    public async Task Lines_come_out_whole_without_their_line_ends_and_empty_lines_are_skipped(int chunk)
    {
        List<string> pieces = await ReadAll("one\ntwo\r\n\n\r\nthree\nlast without newline", chunk);
        await Assert.That(pieces).IsEquivalentTo(new[] { "one", "two", "three", "last without newline" }, TUnit.Assertions.Enums.CollectionOrdering.Matching);
    }

    [Test]
    public async Task A_line_longer_than_a_message_is_cut_between_characters()
    {
        string line = string.Concat(Enumerable.Repeat("aé世", 10)); // 1 + 2 + 3 bytes, 60 in all
        List<string> pieces = await ReadAll(line + "\nnext\n", chunk: 7, max: 16);
        await Assert.That(string.Concat(pieces.Take(pieces.Count - 1))).IsEqualTo(line);
        await Assert.That(pieces.All(p => Encoding.UTF8.GetByteCount(p) <= 16)).IsTrue();
        await Assert.That(pieces[^1]).IsEqualTo("next");
    }

    [Test]
    public async Task A_hundred_thousand_lines_arrive_in_order()
    {
        string input = string.Concat(Enumerable.Range(1, 100_000).Select(i => $"message {i}\n"));
        List<string> pieces = await ReadAll(input, chunk: 4000);
        await Assert.That(pieces.Count).IsEqualTo(100_000);
        await Assert.That(pieces[^1]).IsEqualTo("message 100000");
    }
}
