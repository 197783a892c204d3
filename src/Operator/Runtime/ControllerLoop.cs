using k8s;
using k8s.Models;
using Microsoft.Extensions.Options;

namespace BackupOperator.Operator.Runtime;

/// <summary>
/// Informers feed keys into the work queue; while this replica leads, workers take keys and call
/// the handler with the cached object (or DeletedAsync when it is gone). Success forgets the key's
/// failures and honours RequeueAfter; an exception re-queues with per-key exponential backoff.
/// </summary>
public sealed partial class ControllerLoop<T>(
    InformerSet<T> informers,
    IResourceCache<T> cache,
    ControllerQueue<T> queue,
    IEntityController<T> handler,
    ILeadershipGate leadership,
    IOptions<ControllerOptions> options,
    TimeProvider time,
    ILogger<ControllerLoop<T>> logger,
    IEnumerable<IControllerWatch<T>> watches,
    IControllerMetrics? metrics = null) : BackgroundService
    where T : IKubernetesObject<V1ObjectMeta>
{
    private readonly CancellationTokenSource _reconcileCts = new();

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        stoppingToken.Register(() => _reconcileCts.CancelAfter(options.Value.ShutdownGrace));
        foreach (var informer in informers.All)
        {
            informer.Changed += queue.Add;
        }

        var watched = watches.ToList();
        foreach (var watch in watched)
        {
            watch.Start(queue.Add);
        }

        // Informers run on every replica so that a new leader starts with a warm cache.
        var informerTasks = informers.All.Select(i => Task.Run(() => i.RunAsync(stoppingToken), stoppingToken)).ToList();
        try
        {
            // Owned kinds too: a decision about children must not be taken on a half-listed cache.
            await informers.WaitForSyncAsync(stoppingToken);
            await Task.WhenAll(watched.Select(w => w.WaitForSyncAsync(stoppingToken)));
            _ = Task.Run(() => ReleaseStartupGarbageAsync(stoppingToken), CancellationToken.None);
            using var resync = time.CreateTimer(_ => EnqueueAll(), null, options.Value.ResyncPeriod, options.Value.ResyncPeriod);
            var workers = Enumerable.Range(0, options.Value.MaxConcurrentReconciles)
                .Select(_ => Task.Run(() => WorkAsync(stoppingToken), CancellationToken.None))
                .ToList();
            await Task.WhenAll(workers);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // stopping
        }
        finally
        {
            queue.ShutDown();
            await Task.WhenAll(informerTasks).ContinueWith(_ => { }, TaskScheduler.Default);
        }
    }

    /// <summary>
    /// The first list and the first pass over every object allocate far more than the cache keeps,
    /// and the GC would keep that memory committed for good. Once the queue has drained (or after two
    /// minutes, e.g. on a standby), one compacting collection returns it to the system.
    /// </summary>
    private async Task ReleaseStartupGarbageAsync(CancellationToken stoppingToken)
    {
        try
        {
            // At least a second after the sync: a blocking collection must not hold up the first readiness probe.
            var deadline = time.GetUtcNow() + TimeSpan.FromMinutes(2);
            do
            {
                await Task.Delay(TimeSpan.FromSeconds(1), time, stoppingToken);
            }
            while (queue.Count > 0 && time.GetUtcNow() < deadline);

            GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true);
        }
        catch (OperationCanceledException)
        {
            // stopping
        }
    }

    private void EnqueueAll()
    {
        foreach (var key in cache.Keys())
        {
            queue.Add(key);
        }
    }

    private async Task WorkAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            NamespacedName key;
            CancellationTokenSource reconcileScope;
            try
            {
                var term = await leadership.WaitForLeadershipAsync(stoppingToken);
                using var taking = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken, term);
                (key, var shutDown) = await queue.GetAsync(taking.Token);
                if (shutDown)
                {
                    return;
                }

                // A reconcile stops when leadership is lost or a graceful stop runs out of time.
                reconcileScope = CancellationTokenSource.CreateLinkedTokenSource(_reconcileCts.Token, term);
            }
            catch (OperationCanceledException) when (!stoppingToken.IsCancellationRequested)
            {
                // Leadership lost while waiting: leave the thread that cancelled, then wait to lead again.
                await Task.Yield();
                continue;
            }
            catch (OperationCanceledException)
            {
                return;
            }

            var reconcileToken = reconcileScope.Token;
            var started = System.Diagnostics.Stopwatch.GetTimestamp();
            var result = "done";
            try
            {
                LogReconciling(logger, key.ToString());
                if (cache.TryGet(key, out var resource) && resource is not null)
                {
                    var outcome = await handler.ReconcileAsync(resource, reconcileToken);
                    queue.Forget(key);
                    if (outcome.RequeueAfter is { } after)
                    {
                        result = "requeue";
                        queue.AddAfter(key, after);
                    }
                }
                else
                {
                    await handler.DeletedAsync(key, reconcileToken);
                    queue.Forget(key);
                }
            }
            catch (Exception) when (reconcileToken.IsCancellationRequested)
            {
                // Stopped mid-reconcile (leadership lost, or shutting down), whatever the exception's
                // type: the key is looked at again by whoever leads next. A worker never dies of it.
                queue.Add(key);
            }
            catch (Exception e)
            {
                result = "error";
                LogReconcileFailed(logger, e, key.ToString(), queue.Failures(key) + 1);
                queue.AddRateLimited(key);
            }
            finally
            {
                queue.Done(key);
                reconcileScope.Dispose();
                metrics?.Reconciled(result, System.Diagnostics.Stopwatch.GetElapsedTime(started));
            }
        }
    }

    public override void Dispose()
    {
        _reconcileCts.Dispose();
        base.Dispose();
    }

    [LoggerMessage(1006, LogLevel.Error, "Reconcile of {Key} failed (attempt {Attempt}), retrying with backoff")]
    private static partial void LogReconcileFailed(ILogger logger, Exception error, string key, int attempt);

    [LoggerMessage(1011, LogLevel.Trace, "Reconciling {Key}")]
    private static partial void LogReconciling(ILogger logger, string key);
}
