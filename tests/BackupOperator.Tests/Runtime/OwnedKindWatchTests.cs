using System.Threading.Channels;
using BackupOperator.Entities;
using BackupOperator.Operator.Runtime;
using k8s;
using k8s.Models;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace BackupOperator.Tests.Runtime;

/// <summary>
/// Owns&lt;ClusterBackupNow&gt;() on the schedule's controller: every change of a child (deletions
/// included) wakes the schedule that controls it, and the child kind's cache is indexed by owner.
/// </summary>
public sealed class OwnedKindWatchTests : IAsyncDisposable
{
    private static readonly string Index = Owners.IndexName<V1alpha1ClusterBackupSchedule>();
    private readonly FakeTimeProvider _time = new(DateTimeOffset.Parse("2026-11-24T12:00:00Z", System.Globalization.CultureInfo.InvariantCulture));
    private readonly FakeWatchSource _source = new();
    private readonly ResourceCache<V1alpha1ClusterBackupNow> _cache = new();
    private readonly Channel<NamespacedName> _woken = Channel.CreateUnbounded<NamespacedName>();
    private readonly CancellationTokenSource _stop = new(TimeSpan.FromSeconds(30));
    private readonly ResourceInformer<V1alpha1ClusterBackupNow> _informer;
    private readonly OwnedKindWatch<V1alpha1ClusterBackupSchedule, V1alpha1ClusterBackupNow> _watch;
    private Task? _run;

    public OwnedKindWatchTests()
    {
        _informer = new ResourceInformer<V1alpha1ClusterBackupNow>(_source, _cache, _time, TimeSpan.FromMinutes(6), NullLogger.Instance);
        _watch = new OwnedKindWatch<V1alpha1ClusterBackupSchedule, V1alpha1ClusterBackupNow>(new InformerSet<V1alpha1ClusterBackupNow>([_informer]), _cache);
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        if (_run is not null)
        {
            await _run.ContinueWith(_ => { }, TaskScheduler.Default);
        }

        _stop.Dispose();
    }

    [Fact]
    public async Task A_childs_addition_change_and_deletion_each_wake_its_owner_and_the_index_follows()
    {
        var stream = await StartAsync();

        await stream.Writer.WriteAsync(Event(WatchEventType.Added, Child("nightly-1", "101", owner: "nightly")));
        Assert.Equal(new NamespacedName("db", "nightly"), await NextAsync());
        Assert.Equal(["nightly-1"], Owned("nightly"));

        await stream.Writer.WriteAsync(Event(WatchEventType.Modified, Child("nightly-1", "102", owner: "nightly", phase: BackupPhase.Succeeded)));
        Assert.Equal(new NamespacedName("db", "nightly"), await NextAsync());

        await stream.Writer.WriteAsync(Event(WatchEventType.Deleted, Child("nightly-1", "103", owner: "nightly", phase: BackupPhase.Succeeded)));
        Assert.Equal(new NamespacedName("db", "nightly"), await NextAsync());
        Assert.Empty(Owned("nightly"));
    }

    [Fact]
    public async Task Objects_without_a_controller_reference_of_the_owners_kind_are_ignored()
    {
        var stream = await StartAsync();
        var notController = Child("loose-1", "101", owner: "nightly");
        notController.Metadata.OwnerReferences[0].Controller = false;
        var otherKind = Child("loose-2", "102", owner: "nightly");
        otherKind.Metadata.OwnerReferences[0].Kind = "CronJob";
        var otherVersion = Child("loose-3", "103", owner: "nightly");
        otherVersion.Metadata.OwnerReferences[0].ApiVersion = "ocp.oceanbase.com/v1beta1";
        var labelledOnly = Child("loose-4", "104", owner: null);
        labelledOnly.Metadata.Labels = new Dictionary<string, string> { [V1alpha1ClusterBackupSchedule.ScheduleLabel] = "nightly" };

        foreach (var ignored in new[] { notController, otherKind, otherVersion, labelledOnly, Child("loose-5", "105", owner: null) })
        {
            await stream.Writer.WriteAsync(Event(WatchEventType.Added, ignored));
        }

        await stream.Writer.WriteAsync(Event(WatchEventType.Added, Child("weekly-1", "106", owner: "weekly")));

        // Events are applied in order: the first owner woken is the last child's.
        Assert.Equal(new NamespacedName("db", "weekly"), await NextAsync());
        Assert.False(_woken.Reader.TryRead(out var extra), $"woken: {extra}");
        Assert.Empty(Owned("nightly"));
        Assert.Equal(6, _cache.List().Count);
    }

    [Fact]
    public async Task Children_listed_before_the_watch_started_are_indexed_and_a_child_gone_while_the_watch_was_expired_wakes_its_owner()
    {
        _cache.Upsert(Child("nightly-0", "90", owner: "nightly"));
        var stream = await StartAsync(Child("nightly-0", "90", owner: "nightly"), Child("nightly-1", "95", owner: "nightly"));
        Assert.Equal(["nightly-0", "nightly-1"], Owned("nightly"));
        await NextAsync();
        await NextAsync();

        _source.Lists.Enqueue(([Child("nightly-1", "200", owner: "nightly")], "200"));
        _source.Lists.Dequeue();
        await stream.Writer.WriteAsync(new WatchExpiredException("too old resource version"));

        Assert.Equal(new NamespacedName("db", "nightly"), await NextAsync());
        Assert.Equal(new NamespacedName("db", "nightly"), await NextAsync());
        Assert.Equal(["nightly-1"], Owned("nightly"));
    }

    [Fact]
    public async Task Its_sync_is_the_child_informers_sync()
    {
        _watch.Start(k => _woken.Writer.TryWrite(k));
        var sync = _watch.WaitForSyncAsync(_stop.Token);
        Assert.False(sync.IsCompleted);

        _source.Lists.Enqueue(([], "1"));
        _run = _informer.RunAsync(_stop.Token);

        await sync.WaitAsync(_stop.Token);
    }

    private async Task<Channel<object>> StartAsync(params V1alpha1ClusterBackupNow[] listed)
    {
        _watch.Start(k => _woken.Writer.TryWrite(k));
        _source.Lists.Enqueue((listed, "100"));
        _run = _informer.RunAsync(_stop.Token);
        await _watch.WaitForSyncAsync(_stop.Token);
        var (_, stream) = await _source.Watches.Reader.ReadAsync(_stop.Token);
        return stream;
    }

    private async Task<NamespacedName> NextAsync() => await _woken.Reader.ReadAsync(_stop.Token);

    private IEnumerable<string> Owned(string owner) =>
        _cache.ListByIndex(Index, $"db/{owner}").Select(c => c.Metadata.Name).Order(StringComparer.Ordinal);

    private static WatchEvent<V1alpha1ClusterBackupNow> Event(WatchEventType type, V1alpha1ClusterBackupNow child) =>
        new(type, child, child.Metadata.ResourceVersion);

    private static V1alpha1ClusterBackupNow Child(string name, string rv, string? owner, string? phase = null) => new()
    {
        Metadata = new V1ObjectMeta
        {
            Name = name,
            NamespaceProperty = "db",
            ResourceVersion = rv,
            Uid = "uid-" + name,
            OwnerReferences = owner is null
                ? null
                : [new V1OwnerReference { ApiVersion = "ocp.oceanbase.com/v1alpha1", Kind = "ClusterBackupSchedule", Name = owner, Uid = "uid-" + owner, Controller = true }],
        },
        Status = phase is null ? null : new ClusterBackupNowStatus { Phase = phase },
    };
}
