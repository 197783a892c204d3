using k8s;
using k8s.Models;

namespace BackupOperator.Operator.Runtime;

/// <summary>
/// Keeps the cache equal to the API server: list, then watch from the list's resourceVersion
/// (with bookmarks); re-watch when the stream ends, re-list when the resourceVersion expired (410)
/// or the stream went silent for longer than <paramref name="stallTimeout"/>, back off on errors.
/// Every change is announced by key through <see cref="Changed"/>, and with the object (its last
/// state, for a deletion) through <see cref="ObjectChanged"/>, for controllers that map it to another key.
/// </summary>
public sealed partial class ResourceInformer<T>(
    IWatchSource<T> source, IResourceCache<T> cache, TimeProvider time, TimeSpan stallTimeout, ILogger logger, string? scope = null)
    where T : IKubernetesObject<V1ObjectMeta>
{
    private static readonly TimeSpan MaxBackoff = TimeSpan.FromSeconds(30);
    private readonly TaskCompletionSource _synced = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private long _lastEventTicks;

    public event Action<NamespacedName>? Changed;

    public event Action<T>? ObjectChanged;

    public bool HasSynced => _synced.Task.IsCompleted;

    public DateTimeOffset LastEventAt => new(Interlocked.Read(ref _lastEventTicks), TimeSpan.Zero);

    public Task WaitForSyncAsync(CancellationToken cancellationToken) => _synced.Task.WaitAsync(cancellationToken);

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        string? resourceVersion = null;
        var backoff = TimeSpan.FromSeconds(1);
        while (!cancellationToken.IsCancellationRequested)
        {
            using var watchCts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            try
            {
                resourceVersion ??= await RelistAsync(cancellationToken);
                Touch();
                using var stallCheck = time.CreateTimer(_ => CancelIfStalled(watchCts), null, stallTimeout / 4, stallTimeout / 4);
                await foreach (var e in source.WatchAsync(resourceVersion, watchCts.Token))
                {
                    Touch();
                    resourceVersion = e.ResourceVersion ?? resourceVersion;
                    Apply(e);
                }

                backoff = TimeSpan.FromSeconds(1);
            }
            catch (WatchExpiredException e)
            {
                LogWatchExpired(logger, typeof(T).Name, e.Message);
                resourceVersion = null;
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
            catch (OperationCanceledException)
            {
                LogWatchStalled(logger, typeof(T).Name, stallTimeout);
                resourceVersion = null;
            }
            catch (Exception e)
            {
                LogWatchFailed(logger, typeof(T).Name, backoff, e.Message);
                await Task.Delay(backoff, time, cancellationToken).ContinueWith(_ => { }, TaskScheduler.Default);
                backoff = backoff * 2 > MaxBackoff ? MaxBackoff : backoff * 2;
            }
        }
    }

    private async Task<string> RelistAsync(CancellationToken cancellationToken)
    {
        // Page by page into the cache: an object already there stays until the list ends, so a reconcile
        // during a re-list sees every object (some older), never a partial set.
        var present = new HashSet<NamespacedName>();
        var resourceVersion = "";
        await foreach (var page in source.ListAsync(cancellationToken))
        {
            resourceVersion = page.ResourceVersion;
            foreach (var item in page.Items)
            {
                var key = NamespacedName.From(item);
                present.Add(key);
                cache.Upsert(item);
                Changed?.Invoke(key);
                ObjectChanged?.Invoke(item);
            }
        }

        // Only this informer's namespace (all of them for a cluster-wide one): with several namespaces
        // configured, informers share the cache and must not prune each other's objects.
        foreach (var gone in cache.Keys()
            .Where(k => (scope is null || k.Namespace == scope) && !present.Contains(k)).ToList())
        {
            cache.TryGet(gone, out var last);
            cache.Remove(gone);
            Changed?.Invoke(gone);
            if (last is not null)
            {
                ObjectChanged?.Invoke(last);
            }
        }

        LogListed(logger, typeof(T).Name, present.Count, resourceVersion);
        _synced.TrySetResult();
        return resourceVersion;
    }

    private void Apply(WatchEvent<T> e)
    {
        if (e.Resource is null)
        {
            return; // a bookmark: only the resourceVersion moves
        }

        var key = NamespacedName.From(e.Resource);
        if (e.Type == WatchEventType.Deleted)
        {
            cache.Remove(key);
        }
        else
        {
            cache.Upsert(e.Resource);
        }

        Changed?.Invoke(key);
        ObjectChanged?.Invoke(e.Resource);
    }

    private void Touch() => Interlocked.Exchange(ref _lastEventTicks, time.GetUtcNow().UtcTicks);

    private void CancelIfStalled(CancellationTokenSource watch)
    {
        if (time.GetUtcNow() - LastEventAt > stallTimeout)
        {
            try
            {
                watch.Cancel();
            }
            catch (ObjectDisposedException)
            {
                // the watch already ended
            }
        }
    }

    [LoggerMessage(1001, LogLevel.Information, "Listed {Count} {Kind} at resourceVersion {ResourceVersion}")]
    private static partial void LogListed(ILogger logger, string kind, int count, string resourceVersion);

    [LoggerMessage(1002, LogLevel.Information, "Watch of {Kind} expired ({Error}); re-listing")]
    private static partial void LogWatchExpired(ILogger logger, string kind, string error);

    [LoggerMessage(1003, LogLevel.Warning, "Watch of {Kind} silent for more than {StallTimeout}; re-listing")]
    private static partial void LogWatchStalled(ILogger logger, string kind, TimeSpan stallTimeout);

    [LoggerMessage(1004, LogLevel.Warning, "Watch of {Kind} failed, retrying in {Backoff}: {Error}")]
    private static partial void LogWatchFailed(ILogger logger, string kind, TimeSpan backoff, string error);
}
