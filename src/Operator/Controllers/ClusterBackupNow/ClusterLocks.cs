using BackupOperator.Operator.Reconciliation.ClusterBackupNow;

namespace BackupOperator.Operator.Controllers.ClusterBackupNow;

/// <summary>
/// One reconcile at a time per OCP cluster (OCP endpoint and cluster id) in this process, so that two resources for one cluster
/// cannot both see it idle and both submit: the second sees the first's intent in the cache.
/// A cluster's lock exists only while someone holds or waits for it, so the set does not grow with
/// every cluster ever backed up.
/// </summary>
public sealed class ClusterLocks
{
    private readonly Dictionary<OcpCluster, Entry> _locks = [];
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

    public async Task<IDisposable> AcquireAsync(OcpCluster cluster, CancellationToken cancellationToken)
    {
        Entry entry;
        lock (_gate)
        {
            if (!_locks.TryGetValue(cluster, out entry!))
            {
                _locks[cluster] = entry = new Entry();
            }

            entry.Users++;
        }

        try
        {
            await entry.Gate.WaitAsync(cancellationToken);
        }
        catch
        {
            Leave(cluster, entry);
            throw;
        }

        return new ReleaseOnce(() =>
        {
            entry.Gate.Release();
            Leave(cluster, entry);
        });
    }

    private void Leave(OcpCluster cluster, Entry entry)
    {
        lock (_gate)
        {
            if (--entry.Users == 0)
            {
                _locks.Remove(cluster);
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
