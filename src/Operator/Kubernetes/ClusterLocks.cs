using System.Collections.Concurrent;

namespace BackupOperator.Operator.Kubernetes;

/// <summary>
/// One reconcile at a time per OCP cluster in this process, so that two resources for one cluster
/// cannot both see it idle and both submit: the second sees the first's intent in the cache.
/// </summary>
public sealed class ClusterLocks
{
    private readonly ConcurrentDictionary<long, SemaphoreSlim> _locks = new();

    public async Task<IDisposable> AcquireAsync(long clusterId, CancellationToken cancellationToken)
    {
        var gate = _locks.GetOrAdd(clusterId, _ => new SemaphoreSlim(1, 1));
        await gate.WaitAsync(cancellationToken);
        return new Release(gate);
    }

    private sealed class Release(SemaphoreSlim gate) : IDisposable
    {
        private int _released;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _released, 1) == 0)
            {
                gate.Release();
            }
        }
    }
}
