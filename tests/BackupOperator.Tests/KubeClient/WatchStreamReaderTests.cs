using System.Text;
using System.Text.Json;
using BackupOperator.KubeClient;
using Xunit.Abstractions;

namespace BackupOperator.Tests.KubeClient;

public sealed class WatchStreamReaderTests(ITestOutputHelper output)
{
    private const string Stream =
        """{"type":"ADDED","object":{"kind":"ClusterBackupNow","metadata":{"name":"a","resourceVersion":"10"}}}""" + "\n"
        + """{"type":"BOOKMARK","object":{"kind":"ClusterBackupNow","metadata":{"resourceVersion":"12"}}}""" + "\n"
        + "\n"
        + """{"type":"ERROR","object":{"kind":"Status","code":410,"reason":"Expired","message":"too old resource version: 5 (12)"}}""" + "\n";

    [Theory]
    [InlineData(1)]
    [InlineData(7)]
    [InlineData(64)]
    [InlineData(100_000)]
    public async Task Events_are_read_whole_wherever_the_chunks_end(int chunkSize)
    {
        var lines = await ReadAllAsync(new ChunkedStream(Encoding.UTF8.GetBytes(Stream), chunkSize));

        Assert.Equal(["ADDED", "BOOKMARK", "ERROR"], lines.Select(l => l.Type));
        Assert.Equal("a", lines[0].Body.GetProperty("metadata").GetProperty("name").GetString());
        Assert.Equal("12", lines[1].Body.GetProperty("metadata").GetProperty("resourceVersion").GetString());
        Assert.Equal(410, lines[2].Body.GetProperty("code").GetInt32());
    }

    [Fact]
    public async Task A_multibyte_character_split_between_chunks_survives()
    {
        var text = """{"type":"MODIFIED","object":{"metadata":{"name":"b"},"status":{"message":"备份完成 ✓"}}}""" + "\n";

        var lines = await ReadAllAsync(new ChunkedStream(Encoding.UTF8.GetBytes(text), 1));

        Assert.Equal("备份完成 ✓", lines.Single().Body.GetProperty("status").GetProperty("message").GetString());
    }

    [Fact]
    public async Task A_last_event_without_a_newline_is_read_when_the_server_closes_the_stream()
    {
        var lines = await ReadAllAsync(new MemoryStream(Encoding.UTF8.GetBytes("""{"type":"DELETED","object":{"metadata":{"name":"c"}}}""")));

        Assert.Equal("DELETED", Assert.Single(lines).Type);
    }

    [Fact]
    public async Task An_event_longer_than_the_read_buffer_is_read_whole()
    {
        var message = new string('x', 100_000);
        var text = "{\"type\":\"MODIFIED\",\"object\":{\"status\":{\"message\":\"" + message + "\"}}}\n" + Stream;

        var lines = await ReadAllAsync(new ChunkedStream(Encoding.UTF8.GetBytes(text), 4096));

        Assert.Equal(["MODIFIED", "ADDED", "BOOKMARK", "ERROR"], lines.Select(l => l.Type));
        Assert.Equal(message, lines[0].Body.GetProperty("status").GetProperty("message").GetString());
    }

    /// <summary>Prints what reading one event allocates (issue 25: every change of every backup comes this way).</summary>
    [Fact]
    public async Task Reading_an_event_allocates_about_its_size()
    {
        var line = """{"type":"MODIFIED","object":{"apiVersion":"ocp.oceanbase.com/v1alpha1","kind":"ClusterBackupNow","metadata":{"name":"op1-00001","namespace":"bench","resourceVersion":"4242","uid":"6f1c2d3e-4b5a-4c6d-8e7f-0a1b2c3d4e5f","generation":1},"spec":{"backupMode":"FULL_BACKUP","clusterId":7,"dataBackupMode":"FULL","ocpSecretRef":{"name":"ocp"}},"status":{"phase":"Succeeded","reason":"Succeeded","message":"backup of cluster 7 completed: task(s) 11, 12 SUCCESSFUL","observedGeneration":1,"taskIds":[11,12]}}}""" + "\n";
        var events = 200;
        var body = Encoding.UTF8.GetBytes(string.Concat(Enumerable.Repeat(line, events)));
        await ReadAllAsync(new MemoryStream(body)); // warm

        var before = GC.GetAllocatedBytesForCurrentThread();
        var lines = await ReadAllAsync(new MemoryStream(body));
        var perEvent = (GC.GetAllocatedBytesForCurrentThread() - before) / events;

        Assert.Equal(events, lines.Count);
        output.WriteLine($"{perEvent} bytes allocated per event of {Encoding.UTF8.GetByteCount(line)} bytes");
    }

    [Fact]
    public async Task An_event_with_an_invalid_utf8_byte_is_delivered_with_a_replacement_character()
    {
        // The old reader decoded with StreamReader (U+FFFD for a bad byte) and delivered the event; it must not now break the watch.
        var before = Encoding.UTF8.GetBytes("""{"type":"MODIFIED","object":{"metadata":{"name":"d","resourceVersion":"20"},"status":{"message":"x""");
        var after = Encoding.UTF8.GetBytes("y\"}}}\n" + Stream);
        var lines = await ReadAllAsync(new ChunkedStream([.. before, 0xFF, .. after], 3));

        Assert.Equal(["MODIFIED", "ADDED", "BOOKMARK", "ERROR"], lines.Select(l => l.Type));
        Assert.Equal("x\uFFFDy", lines[0].Body.GetProperty("status").GetProperty("message").GetString());
    }

    [Fact]
    public async Task A_byte_order_mark_and_crlf_line_ends_are_read_as_before()
    {
        var lines = await ReadAllAsync(new ChunkedStream([0xEF, 0xBB, 0xBF, .. Encoding.UTF8.GetBytes(Stream.Replace("\n", "\r\n"))], 2));

        Assert.Equal(["ADDED", "BOOKMARK", "ERROR"], lines.Select(l => l.Type));
    }

    [Theory]
    [InlineData("""{"object":{}}""")]
    [InlineData("""{"type":"ADDED"}""")]
    [InlineData("<html>proxy error</html>")]
    [InlineData("""{"type":"ADDED","object":{"metadata":""")]
    public void A_line_that_is_not_a_watch_event_breaks_the_stream(string line) =>
        Assert.ThrowsAny<JsonException>(() => WatchStreamReader.Parse(line));

    private static async Task<List<WatchLine>> ReadAllAsync(Stream stream)
    {
        var lines = new List<WatchLine>();
        await foreach (var line in WatchStreamReader.ReadAsync(stream, CancellationToken.None))
        {
            lines.Add(line);
        }

        return lines;
    }

    /// <summary>A network stream's habit: reads return at most <paramref name="chunkSize"/> bytes, cut anywhere.</summary>
    internal sealed class ChunkedStream(byte[] data, int chunkSize) : MemoryStream(data)
    {
        public override int Read(byte[] buffer, int offset, int count) => base.Read(buffer, offset, Math.Min(count, chunkSize));

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
            base.ReadAsync(buffer[..Math.Min(buffer.Length, chunkSize)], cancellationToken);

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            base.ReadAsync(buffer, offset, Math.Min(count, chunkSize), cancellationToken);
    }
}
