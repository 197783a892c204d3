using System.Threading.Channels;
using BackupOperator.Entities;
using BackupOperator.Operator.Runtime;
using k8s;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using static BackupOperator.Tests.Runtime.ResourceCacheTests;

namespace BackupOperator.Tests.Runtime;

public sealed class ResourceInformerTests : IAsyncDisposable
{
    private static readonly TimeSpan Stall = TimeSpan.FromMinutes(6);
    private readonly FakeTimeProvider _time = new(DateTimeOffset.Parse("2026-11-24T12:00:00Z", System.Globalization.CultureInfo.InvariantCulture));
    private readonly FakeWatchSource _source = new();
    private readonly ResourceCache<V1alpha1ClusterBackupNow> _cache = new();
    private readonly Channel<NamespacedName> _changed = Channel.CreateUnbounded<NamespacedName>();
    private readonly CancellationTokenSource _stop = new(TimeSpan.FromSeconds(30));
    private readonly ResourceInformer<V1alpha1ClusterBackupNow> _informer;
    private Task? _run;

    public ResourceInformerTests()
    {
        _informer = new ResourceInformer<V1alpha1ClusterBackupNow>(_source, _cache, _time, Stall, NullLogger.Instance);
        _informer.Changed += k => _changed.Writer.TryWrite(k);
    }

    private async Task<Channel<object>> StartAsync(params V1alpha1ClusterBackupNow[] initial)
    {
        _source.Lists.Enqueue((initial, "100"));
        _run = _informer.RunAsync(_stop.Token);
        await _informer.WaitForSyncAsync(_stop.Token);
        var (rv, stream) = await _source.Watches.Reader.ReadAsync(_stop.Token);
        Assert.Equal("100", rv);
        return stream;
    }

    private async Task<NamespacedName> NextChangeAsync() => await _changed.Reader.ReadAsync(_stop.Token);

    [Fact]
    public async Task The_initial_list_fills_the_cache_announces_every_key_and_marks_synced()
    {
        Assert.False(_informer.HasSynced);
        _source.PageSize = 1;
        await StartAsync(Resource("a", "90"), Resource("b", "95", uid: "u2"));
        Assert.True(_informer.HasSynced);
        Assert.Equal(2, _cache.List().Count);
        Assert.Equal(new[] { "a", "b" }, new[] { (await NextChangeAsync()).Name, (await NextChangeAsync()).Name }.Order());
    }

    [Fact]
    public async Task Watch_events_update_the_cache_and_bookmarks_only_move_the_resource_version()
    {
        var stream = await StartAsync();
        await stream.Writer.WriteAsync(new WatchEvent<V1alpha1ClusterBackupNow>(WatchEventType.Added, Resource("a", "101"), "101"));
        Assert.Equal("a", (await NextChangeAsync()).Name);
        await stream.Writer.WriteAsync(new WatchEvent<V1alpha1ClusterBackupNow>(WatchEventType.Bookmark, null, "150"));
        await stream.Writer.WriteAsync(new WatchEvent<V1alpha1ClusterBackupNow>(WatchEventType.Deleted, Resource("a", "151"), "151"));
        Assert.Equal("a", (await NextChangeAsync()).Name);
        Assert.Empty(_cache.List());

        // The server ends the stream (timeoutSeconds): the informer watches again from the last resourceVersion.
        await stream.Writer.WriteAsync(new WatchEvent<V1alpha1ClusterBackupNow>(WatchEventType.Bookmark, null, "160"));
        stream.Writer.Complete();
        var (rv, _) = await _source.Watches.Reader.ReadAsync(_stop.Token);
        Assert.Equal("160", rv);
        Assert.Equal(1, _source.ListCalls.Reader.Count);
    }

    [Fact]
    public async Task An_expired_resource_version_relists_and_announces_objects_deleted_meanwhile()
    {
        var stream = await StartAsync(Resource("a", "90"), Resource("b", "95", uid: "u2"));
        await NextChangeAsync();
        await NextChangeAsync();
        _source.Lists.Enqueue(([Resource("b", "200", uid: "u2")], "200"));
        _source.Lists.Dequeue();
        await stream.Writer.WriteAsync(new WatchExpiredException("too old resource version"));

        var changes = new[] { (await NextChangeAsync()).Name, (await NextChangeAsync()).Name };
        Assert.Contains("a", changes); // gone while the watch was expired: announced so the controller sees the deletion
        var (rv, _) = await _source.Watches.Reader.ReadAsync(_stop.Token);
        Assert.Equal("200", rv);
        Assert.Equal(["b"], _cache.List().Select(r => r.Metadata.Name));
    }

    [Fact]
    public async Task A_relist_keeps_every_cached_object_until_its_last_page_then_prunes_the_gone()
    {
        var stream = await StartAsync(Resource("a", "90"), Resource("b", "95", uid: "u2"), Resource("c", "96", uid: "u3"));
        for (var i = 0; i < 3; i++)
        {
            await NextChangeAsync();
        }

        _source.PageSize = 1;
        _source.BetweenPages = new SemaphoreSlim(0);
        _source.Lists.Enqueue(([Resource("b", "200", uid: "u2"), Resource("c", "201", uid: "u3")], "201"));
        _source.Lists.Dequeue();
        await stream.Writer.WriteAsync(new WatchExpiredException("too old resource version"));

        // The first page is stored; the rest of the list is not read yet. A reconcile now sees all three
        // (one of them older): a peer is never missing because the list is half read.
        Assert.Equal("b", (await NextChangeAsync()).Name);
        Assert.Equal(["a", "b", "c"], _cache.List().Select(r => r.Metadata.Name).Order());
        Assert.True(_cache.TryGet(new NamespacedName("db", "b"), out var b) && b!.Metadata.ResourceVersion == "200");

        _source.BetweenPages.Release();
        Assert.Equal("c", (await NextChangeAsync()).Name);
        Assert.Equal("a", (await NextChangeAsync()).Name); // gone: pruned once the list is complete
        var (rv, _) = await _source.Watches.Reader.ReadAsync(_stop.Token);
        Assert.Equal("201", rv);
        Assert.Equal(["b", "c"], _cache.List().Select(r => r.Metadata.Name).Order());
    }

    [Fact]
    public async Task A_namespaced_informer_never_prunes_another_namespaces_objects_from_the_shared_cache()
    {
        var other = Resource("x", "5", uid: "other-uid");
        other.Metadata.NamespaceProperty = "other";
        _cache.Upsert(other);
        var source = new FakeWatchSource();
        source.Lists.Enqueue(([Resource("a", "90")], "100"));
        var informer = new ResourceInformer<V1alpha1ClusterBackupNow>(source, _cache, _time, Stall, NullLogger.Instance, scope: "db");
        var run = informer.RunAsync(_stop.Token);
        await informer.WaitForSyncAsync(_stop.Token);
        Assert.True(_cache.TryGet(new NamespacedName("other", "x"), out _));
        Assert.True(_cache.TryGet(new NamespacedName("db", "a"), out _));
        await _stop.CancelAsync();
        await run;
    }

    [Fact]
    public async Task A_failing_watch_is_retried_after_a_backoff_from_the_same_resource_version()
    {
        var stream = await StartAsync();
        await stream.Writer.WriteAsync(new InvalidOperationException("connection reset"));
        var (rv, _) = await AdvanceUntilAsync(_source.Watches.Reader.ReadAsync(_stop.Token).AsTask());
        Assert.Equal("100", rv);
        Assert.Equal(1, _source.ListCalls.Reader.Count); // no re-list for a transient error
    }

    [Fact]
    public async Task A_silent_watch_is_abandoned_and_replaced_by_a_relist()
    {
        await StartAsync();
        await _source.ListCalls.Reader.ReadAsync(_stop.Token);
        _time.Advance(Stall / 2);
        Assert.Equal(0, _source.ListCalls.Reader.Count);
        Assert.Equal("100", await AdvanceUntilAsync(_source.ListCalls.Reader.ReadAsync(_stop.Token).AsTask(), TimeSpan.FromSeconds(30)));
    }

    // Timers are registered on the fake clock by the informer's own thread: move the clock in small
    // steps until the awaited effect shows, bounded by the test's deadline.
    private async Task<T> AdvanceUntilAsync<T>(Task<T> effect, TimeSpan? step = null)
    {
        while (!effect.IsCompleted)
        {
            _stop.Token.ThrowIfCancellationRequested();
            _time.Advance(step ?? TimeSpan.FromMilliseconds(250));
            await Task.WhenAny(effect, Task.Delay(TimeSpan.FromMilliseconds(5), _stop.Token));
        }

        return await effect;
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        if (_run is not null)
        {
            await _run;
        }

        _stop.Dispose();
    }
}
