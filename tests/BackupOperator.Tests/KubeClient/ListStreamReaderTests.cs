using System.Text;
using System.Text.Json;
using BackupOperator.KubeClient;

namespace BackupOperator.Tests.KubeClient;

/// <summary>A whole list (resourceVersion=0) read as it arrives: every item once, in order, in chunks, with the list's resourceVersion last.</summary>
public sealed class ListStreamReaderTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(97)]
    [InlineData(1_000_000)]
    public async Task Every_item_comes_once_in_order_in_chunks_wherever_the_reads_end(int readSize)
    {
        // 1,203 items of about 150 bytes, one of them larger than the reader's 64 KiB buffer, and the
        // metadata after the items, as the API server writes a custom resource list.
        var names = Enumerable.Range(0, 1203).Select(i => $"b-{i}").ToList();
        var items = names.Select(n => n == "b-600"
            ? $$$"""{"metadata":{"name":"{{{n}}}","annotations":{"big":"{{{new string('x', 100_000)}}}"}},"spec":{"clusterId":8}}"""
            : $$$"""{"metadata":{"name":"{{{n}}}","labels":{"a":"[\"}"}},"spec":{"clusterId":8}}""");
        var body = """{"apiVersion":"ocp.oceanbase.com/v1alpha1","items":[""" + string.Join(",", items) + """],"kind":"ClusterBackupNowList","metadata":{"resourceVersion":"4711","continue":""}}""";

        var chunks = await ReadAllAsync(body, readSize, 500);

        Assert.Equal([500, 500, 203], chunks.Select(c => c.Items!.Count));
        Assert.Equal(names, chunks.SelectMany(c => c.Items!).Select(i => i.GetProperty("metadata").GetProperty("name").GetString()));
        Assert.Equal(100_000, chunks[1].Items![100].GetProperty("metadata").GetProperty("annotations").GetProperty("big").GetString()!.Length);
        Assert.Null(chunks[0].Metadata);
        Assert.Equal("4711", chunks[^1].Metadata!.ResourceVersion);
    }

    [Fact]
    public async Task Metadata_before_the_items_and_an_empty_or_null_list_are_read_too()
    {
        var before = await ReadAllAsync("""{"kind":"L","metadata":{"resourceVersion":"7"},"items":[{"a":1},{"a":2}]}""", 3, 500);
        var empty = await ReadAllAsync("""{"kind":"L","items":[],"metadata":{"resourceVersion":"8"}}""", 3, 500);
        var none = await ReadAllAsync("""{"kind":"L","items":null,"metadata":{"resourceVersion":"9"}}""", 3, 500);

        Assert.Equal([1, 2], Assert.Single(before).Items!.Select(i => i.GetProperty("a").GetInt32()));
        Assert.Equal("7", before[0].Metadata!.ResourceVersion);
        Assert.Equal(("8", 0), (Assert.Single(empty).Metadata!.ResourceVersion, empty[0].Items!.Count));
        Assert.Equal(("9", 0), (Assert.Single(none).Metadata!.ResourceVersion, none[0].Items!.Count));
    }

    [Theory]
    [InlineData("""{"kind":"L","items":[{"a":1},{"a":""")]
    [InlineData("""{"kind":"L","items":[{"a":1}],"metadata":{"resourceVersion":"8"}""")]
    [InlineData("""[{"a":1}]""")]
    [InlineData("""{"kind":"L","items":{"a":{"metadata":{"name":"x"}}},"metadata":{"resourceVersion":"8"}}""")]
    [InlineData("""{"kind":"L","items":"none","metadata":{"resourceVersion":"8"}}""")]
    public async Task A_cut_or_foreign_answer_is_an_error_not_a_shorter_list(string body) =>
        await Assert.ThrowsAnyAsync<JsonException>(() => ReadAllAsync(body, 5, 500));

    [Fact]
    public async Task An_object_past_the_size_bound_is_an_error_not_all_memory()
    {
        // An endless string (a broken proxy, a hostile server) would grow the buffer until the pod is OOM-killed.
        var body = "{\"kind\":\"L\",\"items\":[{\"a\":1},{\"b\":\"" + new string('x', 300_000) + "\"}],\"metadata\":{\"resourceVersion\":\"8\"}}";

        await Assert.ThrowsAnyAsync<JsonException>(() => ReadAllAsync(body, 65_536, 500, maxObjectBytes: 256 * 1024));
        Assert.Equal(2, (await ReadAllAsync(body, 65_536, 500, maxObjectBytes: 512 * 1024)).Single().Items!.Count);
    }

    private static async Task<List<KubeList>> ReadAllAsync(string body, int readSize, int chunkSize, int maxObjectBytes = ListStreamReader.MaxObjectBytes)
    {
        var chunks = new List<KubeList>();
        await foreach (var chunk in ListStreamReader.ReadAsync(
            new WatchStreamReaderTests.ChunkedStream(Encoding.UTF8.GetBytes(body), readSize), chunkSize, CancellationToken.None, maxObjectBytes))
        {
            chunks.Add(chunk);
        }

        return chunks;
    }
}
