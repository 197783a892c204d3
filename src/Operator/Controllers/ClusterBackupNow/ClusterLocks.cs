namespace BackupOperator.Operator.Controllers.ClusterBackupNow;

/// <summary>
/// One reconcile at a time per OCP cluster in this process, so that two resources for one cluster
/// cannot both see it idle and both submit: the second sees the first's intent in the cache.
/// A cluster's lock exists only while someone holds or waits for it, so the set does not grow with
/// every cluster ever backed up.
/// </summary>
public sealed class ClusterLocks
{
    private readonly Dictionary<long, Entry> _locks = [];
    private readonly Lock _gate = new();

    /// <summary>Clusters whose lock is held or awaited right now.</summary>
    public int Count
    {
        get
        {
            lock (_gate)
            {
                return _locks.Count;
            }
        }
    }

    public async Task<IDisposable> AcquireAsync(long clusterId, CancellationToken cancellationToken)
    {
        Entry entry;
        lock (_gate)
        {
            if (!_locks.TryGetValue(clusterId, out entry!))
            {
                _locks[clusterId] = entry = new Entry();
            }

            entry.Users++;
        }

        try
        {
            await entry.Gate.WaitAsync(cancellationToken);
        }
        catch
        {
            Leave(clusterId, entry);
            throw;
        }

        return new ReleaseOnce(() =>
        {
            entry.Gate.Release();
            Leave(clusterId, entry);
        });
    }

    private void Leave(long clusterId, Entry entry)
    {
        lock (_gate)
        {
            if (--entry.Users == 0)
            {
                _locks.Remove(clusterId);
                entry.Gate.Dispose();
            }
        }
    }

    private sealed class Entry
    {
        public SemaphoreSlim Gate { get; } = new(1, 1);
        public int Users { get; set; }
    }
}
