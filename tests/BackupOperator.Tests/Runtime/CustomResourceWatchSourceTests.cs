using System.Net;
using System.Text.Json;
using BackupOperator.Entities;
using BackupOperator.KubeClient;
using BackupOperator.Operator.Runtime;
using BackupOperator.Tests.Diagnostics;
using BackupOperator.Tests.KubeClient;
using k8s;
using Microsoft.Extensions.Logging.Abstractions;

namespace BackupOperator.Tests.Runtime;

/// <summary>The informer's view of the API: list pages, then a watch whose events, bookmarks and 410s it must tell apart.</summary>
public sealed class CustomResourceWatchSourceTests
{
    private const string Base = "/apis/ocp.oceanbase.com/v1alpha1";

    [Fact]
    public async Task The_first_list_comes_whole_from_the_watch_cache_and_a_re_list_follows_continue_tokens_from_etcd()
    {
        var api = new FakeApiServer((request, _) => request.RequestUri!.Query switch
        {
            "?resourceVersion=0" => (HttpStatusCode.OK, List("18", null, [.. Enumerable.Range(0, 501).Select(i => $"c{i}")])),
            var q when q.Contains("continue=p2", StringComparison.Ordinal) => (HttpStatusCode.OK, List("20", null, "b")),
            _ => (HttpStatusCode.OK, List("19", "p2", "a")),
        });
        var source = Source(api, "db");

        var first = await ListAsync(source);
        var relist = await ListAsync(source);

        Assert.Equal([500, 1], first.Select(p => p.Items.Count));
        Assert.Equal(Enumerable.Range(0, 501).Select(i => $"c{i}"), first.SelectMany(p => p.Items).Select(i => i.Metadata.Name));
        Assert.Equal("18", first[^1].ResourceVersion);
        Assert.Equal(["a", "b"], relist.SelectMany(p => p.Items).Select(i => i.Metadata.Name));
        Assert.Equal("20", relist[^1].ResourceVersion);
        Assert.Equal([$"{Base}/namespaces/db/clusterbackupnows?resourceVersion=0", $"{Base}/namespaces/db/clusterbackupnows?limit=500", $"{Base}/namespaces/db/clusterbackupnows?limit=500&continue=p2"],
            api.Requests.Select(r => r.PathAndQuery));
    }

    [Fact]
    public async Task A_first_list_the_watch_cache_answers_in_pages_is_followed_to_its_last_page()
    {
        // A watch cache that pages (newer API servers honour limit on resourceVersion=0 too, a proxy may
        // add one): stopping at the first page would mark the cache synced without the backups of page two,
        // and the watch from its resourceVersion would never bring them: in-flight backups nobody follows.
        var api = new FakeApiServer((request, _) => request.RequestUri!.Query switch
        {
            "?resourceVersion=0" => (HttpStatusCode.OK, List("18", "p2", "a")),
            var q when q.Contains("continue=p2", StringComparison.Ordinal) => (HttpStatusCode.OK, List("18", null, "b")),
            _ => (HttpStatusCode.OK, List("19", null, "x")),
        });

        var first = await ListAsync(Source(api, "db"));

        Assert.Equal(["a", "b"], first.SelectMany(p => p.Items).Select(i => i.Metadata.Name));
        Assert.Equal("18", first[^1].ResourceVersion);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_list_answer_without_a_resource_version_is_an_error_not_an_empty_list(bool relist)
    {
        // A failure written as a 200 Status (a proxy, an aggregated server): read as an empty list it would
        // make the cache ready with no backups at all, and a watch from "" would start from now.
        var api = new FakeApiServer((request, _) => request.RequestUri!.Query == "?resourceVersion=0" && relist
            ? (HttpStatusCode.OK, List("18", null, "a"))
            : (HttpStatusCode.OK, """{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"etcdserver: request timed out","code":500}"""));
        var source = Source(api, "db");
        if (relist)
        {
            await ListAsync(source);
        }

        await Assert.ThrowsAnyAsync<JsonException>(() => ListAsync(source));
    }

    private static async Task<List<ListPage<V1alpha1ClusterBackupNow>>> ListAsync(CustomResourceWatchSource<V1alpha1ClusterBackupNow> source)
    {
        var pages = new List<ListPage<V1alpha1ClusterBackupNow>>();
        await foreach (var page in source.ListAsync(CancellationToken.None))
        {
            pages.Add(page);
        }

        return pages;
    }

    [Fact]
    public async Task A_watch_asks_for_bookmarks_from_the_resource_version_and_yields_objects_and_bookmarks()
    {
        var api = new FakeApiServer((_, _) => (HttpStatusCode.OK,
            Line("ADDED", Resource("a", "21")) + Line("BOOKMARK", """{"kind":"ClusterBackupNow","metadata":{"resourceVersion":"25"}}""") + Line("DELETED", Resource("a", "26"))));

        var events = new List<WatchEvent<V1alpha1ClusterBackupNow>>();
        await foreach (var e in Source(api, null).WatchAsync("20", CancellationToken.None))
        {
            events.Add(e);
        }

        Assert.Equal([WatchEventType.Added, WatchEventType.Bookmark, WatchEventType.Deleted], events.Select(e => e.Type));
        Assert.Equal(["21", "25", "26"], events.Select(e => e.ResourceVersion));
        Assert.Null(events[1].Resource);
        Assert.Equal($"{Base}/clusterbackupnows?watch=true&allowWatchBookmarks=true&resourceVersion=20&timeoutSeconds=300",
            Assert.Single(api.Requests).PathAndQuery);
    }

    [Fact]
    public async Task An_error_event_410_means_re_list()
    {
        var api = new FakeApiServer((_, _) => (HttpStatusCode.OK,
            Line("ADDED", Resource("a", "21")) + Line("ERROR", """{"kind":"Status","status":"Failure","code":410,"reason":"Expired","message":"too old resource version: 20 (30)"}""")));

        var seen = new List<string?>();
        var e = await Assert.ThrowsAsync<WatchExpiredException>(async () =>
        {
            await foreach (var ev in Source(api, null).WatchAsync("20", CancellationToken.None))
            {
                seen.Add(ev.Resource?.Metadata.Name);
            }
        });

        Assert.Equal(["a"], seen);
        Assert.Contains("too old resource version", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_410_answer_to_the_watch_request_means_re_list() =>
        await Assert.ThrowsAsync<WatchExpiredException>(async () =>
        {
            var api = new FakeApiServer((_, _) => (HttpStatusCode.Gone, """{"kind":"Status","code":410,"reason":"Expired","message":"too old"}"""));
            await foreach (var _ in Source(api, null).WatchAsync("1", CancellationToken.None))
            {
            }
        });

    [Fact]
    public async Task Another_error_event_ends_the_watch_with_its_message()
    {
        var api = new FakeApiServer((_, _) => (HttpStatusCode.OK, Line("ERROR", """{"kind":"Status","code":500,"message":"etcd is down"}""")));

        var e = await Assert.ThrowsAsync<InvalidOperationException>(async () =>
        {
            await foreach (var _ in Source(api, null).WatchAsync("1", CancellationToken.None))
            {
            }
        });

        Assert.Contains("etcd is down", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unreadable_object_is_skipped_and_the_watch_goes_on()
    {
        var api = new FakeApiServer((_, _) => (HttpStatusCode.OK,
            Line("MODIFIED", """{"metadata":{"name":"bad","resourceVersion":"22"},"spec":{"clusterId":"not a number"}}""") + Line("MODIFIED", Resource("good", "23"))));

        var names = new List<string?>();
        await foreach (var e in Source(api, null).WatchAsync("20", CancellationToken.None))
        {
            names.Add(e.Resource?.Metadata.Name);
        }

        Assert.Equal(["good"], names);
    }

    [Fact]
    public async Task A_skipped_object_is_named_in_the_log()
    {
        // status.submittedSpec is schema-less in the CRD: a status patch can make a backup unreadable (a clusterId
        // as text). The operator then keeps acting on the version before it; the log must say which backup that is.
        var api = new FakeApiServer((_, _) => (HttpStatusCode.OK, Line("MODIFIED",
            """{"metadata":{"name":"nightly-7","namespace":"team-a","resourceVersion":"22"},"spec":{"clusterId":8},"status":{"submittedSpec":{"clusterId":"8"}}}""")));
        var log = new ListLogger();

        await foreach (var _ in new CustomResourceWatchSource<V1alpha1ClusterBackupNow>(TestKubeApi.Client(api), null, 300, log).WatchAsync("20", CancellationToken.None))
        {
        }

        var line = Assert.Single(log.Lines);
        Assert.Contains("team-a/nightly-7", line, StringComparison.Ordinal);
        Assert.Contains("submittedSpec", line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unreadable_object_in_a_list_is_skipped_and_the_others_are_listed()
    {
        var api = new FakeApiServer((_, _) => (HttpStatusCode.OK,
            """{"kind":"ClusterBackupNowList","metadata":{"resourceVersion":"30"},"items":[""" + Resource("a", "28")
            + """,{"metadata":{"name":"bad","resourceVersion":"29"},"spec":{"clusterId":"not a number"}},""" + Resource("b", "30") + "]}"));

        var pages = new List<ListPage<V1alpha1ClusterBackupNow>>();
        await foreach (var page in Source(api, null).ListAsync(CancellationToken.None))
        {
            pages.Add(page);
        }

        Assert.Equal(["a", "b"], Assert.Single(pages).Items.Select(i => i.Metadata.Name));
        Assert.Equal("30", pages[0].ResourceVersion);
    }

    [Fact]
    public async Task A_list_refused_by_the_server_fails_with_its_status_message()
    {
        var api = new FakeApiServer((_, _) => (HttpStatusCode.Forbidden,
            """{"kind":"Status","status":"Failure","code":403,"reason":"Forbidden","message":"clusterbackupnows is forbidden: User cannot list"}"""));

        var e = await Assert.ThrowsAsync<KubeApiException>(async () =>
        {
            await foreach (var _ in Source(api, "db").ListAsync(CancellationToken.None))
            {
            }
        });

        Assert.Equal(HttpStatusCode.Forbidden, e.StatusCode);
        Assert.Contains("User cannot list", e.Message, StringComparison.Ordinal);
    }

    private static CustomResourceWatchSource<V1alpha1ClusterBackupNow> Source(FakeApiServer api, string? ns) =>
        new(TestKubeApi.Client(api), ns, 300, NullLogger.Instance);

    private static string Resource(string name, string resourceVersion) =>
        $$$"""{"apiVersion":"ocp.oceanbase.com/v1alpha1","kind":"ClusterBackupNow","metadata":{"name":"{{{name}}}","namespace":"db","resourceVersion":"{{{resourceVersion}}}"},"spec":{"clusterId":8}}""";

    private static string Line(string type, string obj) => $$"""{"type":"{{type}}","object":{{obj}}}""" + "\n";

    private static string List(string resourceVersion, string? continueToken, params string[] names) =>
        "{\"kind\":\"ClusterBackupNowList\",\"metadata\":{\"resourceVersion\":\"" + resourceVersion + "\""
        + (continueToken is null ? "" : ",\"continue\":\"" + continueToken + "\"")
        + "},\"items\":[" + string.Join(",", names.Select(n => Resource(n, resourceVersion))) + "]}";
}
