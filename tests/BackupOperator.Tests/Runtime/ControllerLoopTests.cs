using System.Collections.Concurrent;
using BackupOperator.Entities;
using BackupOperator.Operator.Runtime;
using k8s;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using static BackupOperator.Tests.Runtime.ResourceCacheTests;

namespace BackupOperator.Tests.Runtime;

public sealed class ControllerLoopTests
{
    private readonly FakeTimeProvider _time = new(DateTimeOffset.Parse("2026-11-24T12:00:00Z", System.Globalization.CultureInfo.InvariantCulture));

    private sealed class RecordingHandler : IEntityController<V1alpha1ClusterBackupNow>
    {
        private int _running;
        public ConcurrentQueue<string> Calls { get; } = new();
        public int MaxConcurrentForOneKey { get; private set; }
        public Func<V1alpha1ClusterBackupNow, Task<ReconcileOutcome>> Behaviour { get; set; } = _ => Task.FromResult(ReconcileOutcome.Done);
        public SemaphoreSlim Reconciled { get; } = new(0);

        public CancellationToken LastToken { get; private set; }

        public async Task<ReconcileOutcome> ReconcileAsync(V1alpha1ClusterBackupNow resource, CancellationToken cancellationToken)
        {
            LastToken = cancellationToken;
            MaxConcurrentForOneKey = Math.Max(MaxConcurrentForOneKey, Interlocked.Increment(ref _running));
            try
            {
                Calls.Enqueue(resource.Metadata.Name);
                return await Behaviour(resource);
            }
            finally
            {
                Interlocked.Decrement(ref _running);
                Reconciled.Release();
            }
        }

        public Task DeletedAsync(NamespacedName key, CancellationToken cancellationToken)
        {
            Calls.Enqueue("deleted:" + key.Name);
            Reconciled.Release();
            return Task.CompletedTask;
        }
    }

    private sealed class ManualLeadership : ILeadershipGate
    {
        private readonly TaskCompletionSource<CancellationToken> _leading = new();
        public bool IsLeader => _leading.Task.IsCompleted;
        public event Action? LeadershipLost;
        public void Lead() => _leading.TrySetResult(CancellationToken.None);
        public Task<CancellationToken> WaitForLeadershipAsync(CancellationToken cancellationToken) => _leading.Task.WaitAsync(cancellationToken);
        public void Lose() => LeadershipLost?.Invoke();
    }

    private (ControllerLoop<V1alpha1ClusterBackupNow> Loop, FakeWatchSource Source, ResourceCache<V1alpha1ClusterBackupNow> Cache, ControllerQueue<V1alpha1ClusterBackupNow> Queue) Build(
        RecordingHandler handler, ILeadershipGate leadership, params V1alpha1ClusterBackupNow[] items) =>
        Build(handler, leadership, [], items);

    private (ControllerLoop<V1alpha1ClusterBackupNow> Loop, FakeWatchSource Source, ResourceCache<V1alpha1ClusterBackupNow> Cache, ControllerQueue<V1alpha1ClusterBackupNow> Queue) Build(
        RecordingHandler handler, ILeadershipGate leadership, IControllerWatch<V1alpha1ClusterBackupNow>[] watches, params V1alpha1ClusterBackupNow[] items) =>
        Build(handler, leadership, new ControllerOptions { MaxConcurrentReconciles = 4 }, watches, items);

    private (ControllerLoop<V1alpha1ClusterBackupNow> Loop, FakeWatchSource Source, ResourceCache<V1alpha1ClusterBackupNow> Cache, ControllerQueue<V1alpha1ClusterBackupNow> Queue) Build(
        RecordingHandler handler, ILeadershipGate leadership, ControllerOptions options, IControllerWatch<V1alpha1ClusterBackupNow>[] watches, params V1alpha1ClusterBackupNow[] items)
    {
        var source = new FakeWatchSource();
        source.Lists.Enqueue((items, "1"));
        var cache = new ResourceCache<V1alpha1ClusterBackupNow>();
        var queue = new ControllerQueue<V1alpha1ClusterBackupNow>(_time);
        var informer = new ResourceInformer<V1alpha1ClusterBackupNow>(source, cache, _time, TimeSpan.FromMinutes(6), NullLogger.Instance);
        var loop = new ControllerLoop<V1alpha1ClusterBackupNow>(new InformerSet<V1alpha1ClusterBackupNow>([informer]), cache, queue, handler,
            leadership, Options.Create(options), _time, NullLogger<ControllerLoop<V1alpha1ClusterBackupNow>>.Instance, watches);
        return (loop, source, cache, queue);
    }

    private static async Task WaitReconciledAsync(RecordingHandler handler, int times = 1)
    {
        for (var i = 0; i < times; i++)
        {
            Assert.True(await handler.Reconciled.WaitAsync(TimeSpan.FromSeconds(10)), "no reconcile happened");
        }
    }

    [Fact]
    public async Task Every_listed_resource_is_reconciled_and_a_requeue_after_comes_back_on_time()
    {
        var handler = new RecordingHandler { Behaviour = _ => Task.FromResult(ReconcileOutcome.Requeue(TimeSpan.FromSeconds(10))) };
        var (loop, _, _, queue) = Build(handler, new AlwaysLeader(), Resource("a", "1"), Resource("b", "1", uid: "u2"));
        await loop.StartAsync(CancellationToken.None);
        await WaitReconciledAsync(handler, 2);
        Assert.Equal(["a", "b"], handler.Calls.Order());
        await Eventually.TrueAsync(() => queue.DelayedCount == 2);
        _time.Advance(TimeSpan.FromSeconds(9));
        Assert.Equal(2, handler.Calls.Count);
        _time.Advance(TimeSpan.FromSeconds(1));
        await WaitReconciledAsync(handler, 2);
        Assert.Equal(4, handler.Calls.Count);
        await loop.StopAsync(CancellationToken.None);
        Assert.Equal(0, queue.Count);
    }

    [Fact]
    public async Task A_failing_reconcile_is_retried_with_backoff()
    {
        var attempts = 0;
        var handler = new RecordingHandler
        {
            Behaviour = _ => ++attempts < 3 ? throw new InvalidOperationException("boom") : Task.FromResult(ReconcileOutcome.Done),
        };
        var (loop, _, _, queue) = Build(handler, new AlwaysLeader(), Resource("a", "1"));
        await loop.StartAsync(CancellationToken.None);
        await WaitReconciledAsync(handler);
        await Eventually.TrueAsync(() => queue.DelayedCount == 1);
        Assert.Equal(1, queue.Failures(new NamespacedName("db", "a")));
        _time.Advance(TimeSpan.FromSeconds(1));
        await WaitReconciledAsync(handler);
        await Eventually.TrueAsync(() => queue.DelayedCount == 1);
        Assert.Equal(2, queue.Failures(new NamespacedName("db", "a")));
        _time.Advance(TimeSpan.FromSeconds(2));
        await WaitReconciledAsync(handler);
        await Eventually.TrueAsync(() => queue.Failures(new NamespacedName("db", "a")) == 0);
        Assert.Equal(3, attempts);
        Assert.Equal(0, queue.Failures(new NamespacedName("db", "a"))); // success forgets the failures
        await loop.StopAsync(CancellationToken.None);
    }

    [Fact]
    public async Task Events_pouring_in_never_run_one_key_twice_at_once()
    {
        var gate = new TaskCompletionSource();
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var handler = new RecordingHandler
        {
            Behaviour = async _ =>
            {
                started.TrySetResult();
                await gate.Task;
                return ReconcileOutcome.Done;
            },
        };
        var (loop, source, _, _) = Build(handler, new AlwaysLeader(), Resource("a", "1"));
        await loop.StartAsync(CancellationToken.None);
        var (_, stream) = await source.Watches.Reader.ReadAsync();
        await started.Task.WaitAsync(TimeSpan.FromSeconds(10)); // the first reconcile is running: now the events pour in
        for (var i = 2; i < 20; i++)
        {
            await stream.Writer.WriteAsync(new WatchEvent<V1alpha1ClusterBackupNow>(WatchEventType.Modified, Resource("a", $"{i}"), $"{i}"));
        }

        gate.SetResult();
        await WaitReconciledAsync(handler, 2); // the one running, then one more for everything that came meanwhile
        Assert.Equal(1, handler.MaxConcurrentForOneKey);
        await loop.StopAsync(CancellationToken.None);
    }

    [Fact]
    public async Task With_default_settings_backups_waiting_on_OCP_do_not_hold_up_the_others()
    {
        // 40 backups of different clusters, each reconcile waiting on a slow OCP answer: with the
        // defaults they all wait at once, so OCP's latency does not cap how many start per second.
        const int backups = 40;
        var ocpAnswers = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var waiting = 0;
        var handler = new RecordingHandler
        {
            Behaviour = async _ =>
            {
                Interlocked.Increment(ref waiting);
                await ocpAnswers.Task;
                return ReconcileOutcome.Done;
            },
        };
        var items = Enumerable.Range(0, backups).Select(i => Resource($"b{i}", "1", uid: $"u{i}")).ToArray();
        var (loop, _, _, _) = Build(handler, new AlwaysLeader(), new ControllerOptions(), [], items);
        await loop.StartAsync(CancellationToken.None);

        await Eventually.TrueAsync(() => Volatile.Read(ref waiting) == backups);
        ocpAnswers.SetResult();
        await WaitReconciledAsync(handler, backups);
        await loop.StopAsync(CancellationToken.None);
    }

    [Fact]
    public async Task Nothing_is_reconciled_before_this_replica_leads()
    {
        var handler = new RecordingHandler();
        var leadership = new ManualLeadership();
        var (loop, source, _, _) = Build(handler, leadership, Resource("a", "1"));
        await loop.StartAsync(CancellationToken.None);
        await source.Watches.Reader.ReadAsync(); // the standby keeps its cache warm
        Assert.Empty(handler.Calls);
        leadership.Lead();
        await WaitReconciledAsync(handler);
        Assert.Equal(["a"], handler.Calls);
        await loop.StopAsync(CancellationToken.None);
    }

    [Fact]
    public async Task A_deleted_resource_is_reported_to_the_handler()
    {
        var handler = new RecordingHandler();
        var (loop, source, _, _) = Build(handler, new AlwaysLeader(), Resource("a", "1"));
        await loop.StartAsync(CancellationToken.None);
        await WaitReconciledAsync(handler);
        var (_, stream) = await source.Watches.Reader.ReadAsync();
        await stream.Writer.WriteAsync(new WatchEvent<V1alpha1ClusterBackupNow>(WatchEventType.Deleted, Resource("a", "2"), "2"));
        await WaitReconciledAsync(handler);
        Assert.Contains("deleted:a", handler.Calls);
        await loop.StopAsync(CancellationToken.None);
    }

    private sealed class TermLeadership : ILeadershipGate, IDisposable
    {
        private TaskCompletionSource<CancellationToken> _leading = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private CancellationTokenSource _term = new();
        public bool IsLeader => _leading.Task.IsCompleted;
        public event Action? LeadershipLost;
        public Task<CancellationToken> WaitForLeadershipAsync(CancellationToken cancellationToken) => _leading.Task.WaitAsync(cancellationToken);
        public void Lead() => _leading.TrySetResult(_term.Token);

        public void Lose()
        {
            _leading = new TaskCompletionSource<CancellationToken>(TaskCreationOptions.RunContinuationsAsynchronously);
            _term.Cancel();
            _term = new CancellationTokenSource();
            LeadershipLost?.Invoke();
        }

        public void Dispose() => _term.Dispose();
    }

    [Fact]
    public async Task Losing_leadership_mid_reconcile_stops_it_and_the_key_is_reconciled_again_when_leading_again()
    {
        using var leadership = new TermLeadership();
        var first = true;
        var blocked = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var handler = new RecordingHandler();
        handler.Behaviour = async _ =>
        {
            if (!first)
            {
                return ReconcileOutcome.Done;
            }

            first = false;
            blocked.TrySetResult();
            try
            {
                await Task.Delay(Timeout.InfiniteTimeSpan, handler.LastToken);
            }
            catch (OperationCanceledException)
            {
                throw new HttpRequestException("connection closed"); // how an aborted HTTP call may surface
            }

            return ReconcileOutcome.Done;
        };
        var (loop, _, _, _) = Build(handler, leadership, Resource("a", "1"));
        await loop.StartAsync(CancellationToken.None);
        leadership.Lead();
        await blocked.Task.WaitAsync(TimeSpan.FromSeconds(10));
        leadership.Lose(); // the running reconcile is cancelled; some clients surface that as a non-cancellation exception
        await WaitReconciledAsync(handler);
        Assert.Single(handler.Calls);

        leadership.Lead();
        await WaitReconciledAsync(handler);
        Assert.Equal(["a", "a"], handler.Calls);
        await loop.StopAsync(CancellationToken.None);
    }

    /// <summary>Another kind's watch (Owns): its sync is awaited, its keys are enqueued.</summary>
    private sealed class ManualWatch : IControllerWatch<V1alpha1ClusterBackupNow>
    {
        public TaskCompletionSource Synced { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
        public Action<NamespacedName>? Enqueue { get; private set; }

        public void Start(Action<NamespacedName> enqueue) => Enqueue = enqueue;

        public Task WaitForSyncAsync(CancellationToken cancellationToken) => Synced.Task.WaitAsync(cancellationToken);
    }

    [Fact]
    public async Task Nothing_is_reconciled_before_the_owned_kinds_cache_has_synced_and_its_keys_wake_the_owner()
    {
        var handler = new RecordingHandler();
        var watch = new ManualWatch();
        var (loop, source, _, _) = Build(handler, new AlwaysLeader(), [watch], Resource("a", "1"));
        await loop.StartAsync(CancellationToken.None);
        await source.Watches.Reader.ReadAsync(); // its own kind has listed and synced
        Assert.NotNull(watch.Enqueue); // started before the wait

        Assert.False(await handler.Reconciled.WaitAsync(TimeSpan.FromMilliseconds(300)), "reconciled on a half-listed owned kind");
        Assert.Empty(handler.Calls);

        watch.Synced.SetResult();
        await WaitReconciledAsync(handler);
        Assert.Equal(["a"], handler.Calls);

        watch.Enqueue!(new NamespacedName("db", "a")); // a child of "a" changed
        await WaitReconciledAsync(handler);
        Assert.Equal(["a", "a"], handler.Calls);
        await loop.StopAsync(CancellationToken.None);
    }
}
