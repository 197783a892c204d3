using BackupOperator.Entities;
using BackupOperator.Operator.FaultInjection;
using BackupOperator.Operator.Kubernetes;
using BackupOperator.Operator.Reconciliation.ClusterBackupNow;
using BackupOperator.Operator.Runtime;

namespace BackupOperator.Operator.Controllers.ClusterBackupNow;

/// <summary>
/// The edge around the reconciler: serializes per cluster, gives it the cluster's peers from the
/// cache, writes the status it decided (write-through to the cache) and records its events.
/// </summary>
public sealed partial class ClusterBackupNowController(
    BackupReconciler reconciler,
    IResourceCache<V1alpha1ClusterBackupNow> cache,
    IStatusWriter<V1alpha1ClusterBackupNow, ClusterBackupNowStatus> statusWriter,
    IEventRecorder events,
    ClusterLocks locks,
    IResourceDeleter<V1alpha1ClusterBackupNow> deleter,
    IResourceReader<V1alpha1ClusterBackupNow> reader,
    IEntityRequeue<V1alpha1ClusterBackupNow> requeue,
    IBackupMetrics metrics,
    TimeProvider time,
    Failpoints failpoints,
    ILogger<ClusterBackupNowController> logger) : IEntityController<V1alpha1ClusterBackupNow>
{
    /// <summary>The cache index the controller needs: backups by OCP cluster.</summary>
    /// <remarks>The submitted cluster once an intent exists: a later edit of spec.clusterId moves nothing.</remarks>
    public static string ClusterIndex(V1alpha1ClusterBackupNow backup) =>
        backup.Spec is null ? "" : backup.TargetClusterId.ToString(System.Globalization.CultureInfo.InvariantCulture);

    // A conflict means a newer object is on its way through the watch; look again soon.
    private static readonly TimeSpan ConflictRequeue = TimeSpan.FromMilliseconds(200);

    public async Task<ReconcileOutcome> ReconcileAsync(V1alpha1ClusterBackupNow resource, CancellationToken cancellationToken)
    {
        var key = NamespacedName.From(resource);
        var clusterId = resource.TargetClusterId;
        var held = await locks.AcquireAsync(clusterId, cancellationToken);
        // Under the lock, the cache may hold a newer version than the one this work item started with.
        var current = cache.TryGet(key, out var cached) && cached is not null ? cached : resource;
        if (current.TargetClusterId != clusterId)
        {
            // The newer version is about another cluster (its intent was cleared and the spec edited): take that lock.
            held.Dispose();
            clusterId = current.TargetClusterId;
            held = await locks.AcquireAsync(clusterId, cancellationToken);
            current = cache.TryGet(key, out cached) && cached is not null ? cached : current;
        }

        using var _ = held;
        // A finished backup decides alone; only an active one waits for, or wakes, the others of its cluster.
        var peers = current.Status?.IsDone == true ? ClusterPeers.None : PeersOf(current, key);

        var decision = await reconciler.ReconcileAsync(current, peers, cancellationToken);
        if (decision.Status is not null && SettledBackups.IsPartial(current))
        {
            // A partial view is never the base of a status write: decide again on the whole object.
            if (await reader.ReadAsync(key, cancellationToken) is not { } whole)
            {
                return ReconcileOutcome.Done;
            }

            current = whole;
            decision = await reconciler.ReconcileAsync(current, peers, cancellationToken);
        }

        var written = current;
        if (decision.Status is not null)
        {
            try
            {
                failpoints.BeforeStatusWrite(current, decision.Status);
                written = await statusWriter.WriteAsync(current, decision.Status, cancellationToken);
                failpoints.AfterStatusWrite(current, decision.Status);
                cache.Upsert(written);
            }
            catch (ResourceGoneException e)
            {
                // Deleted meanwhile: nothing to retry; the watch removes it from the cache.
                LogStatusConflict(logger, key.Namespace, key.Name, e.Message);
                return ReconcileOutcome.Done;
            }
            catch (StatusConflictException e)
            {
                LogStatusConflict(logger, key.Namespace, key.Name, e.Message);
                return ReconcileOutcome.Requeue(ConflictRequeue);
            }

            if (decision.Status.Phase != current.Status?.Phase)
            {
                metrics.PhaseEntered(decision.Status.Phase ?? "", written.TargetClusterId, time.GetUtcNow());
                LogPhaseChanged(logger, key.Namespace, key.Name, written.TargetClusterId, current.Status?.Phase ?? "(new)",
                    decision.Status.Phase ?? "", decision.Status.Reason ?? "", decision.Status.Message ?? "", string.Join(",", decision.Status.TaskIds ?? []),
                    decision.Status.TraceId ?? "");
            }
        }

        foreach (var e in decision.Events)
        {
            await events.RecordAsync(written, new ObjectEvent(e.Warning, e.Reason, e.Note), cancellationToken);
        }

        if (decision.Status?.IsDone == true && current.Status?.IsDone != true)
        {
            // The cluster is free: backups waiting for it need not wait for their next recheck.
            foreach (var waiting in peers.Objects.Where(p => p.Status?.Phase == BackupPhase.Pending))
            {
                requeue.Requeue(NamespacedName.From(waiting));
            }
        }

        if (decision.DeleteResource)
        {
            await deleter.DeleteAsync(written, cancellationToken);
            return ReconcileOutcome.Done;
        }

        return decision.RequeueAfter is { } after ? ReconcileOutcome.Requeue(after) : ReconcileOutcome.Done;
    }

    /// <summary>
    /// The other backups of the cluster: those kept whole as objects, the settled ones (kept compact) by
    /// their task ids only, so a reconcile costs the same with a cluster's history of ten or ten thousand.
    /// </summary>
    private ClusterPeers PeersOf(V1alpha1ClusterBackupNow current, NamespacedName key)
    {
        var (whole, compact) = cache.PartitionByIndex(ClusterIndex(current));
        return new ClusterPeers(
            whole.Where(p => p.Metadata.Uid != current.Metadata.Uid).ToList(),
            compact.OfType<SettledBackup>().Where(s => s.Key != key).SelectMany(s => s.TaskIds).ToList());
    }

    public Task DeletedAsync(NamespacedName key, CancellationToken cancellationToken)
    {
        // Deleting the resource never touches the backup in OCP: backup data outlives its request.
        LogDeleted(logger, key.Namespace, key.Name);
        return Task.CompletedTask;
    }

    [LoggerMessage(2003, LogLevel.Information, "Backup {Namespace}/{Name} of cluster {ClusterId}: {From} -> {To} ({Reason}: {Message}); taskIds [{TaskIds}] traceId {TraceId}")]
    private static partial void LogPhaseChanged(ILogger logger, string @namespace, string name, long clusterId, string from, string to, string reason, string message, string taskIds, string traceId);

    [LoggerMessage(2004, LogLevel.Debug, "Status of {Namespace}/{Name} not written, will re-read: {Error}")]
    private static partial void LogStatusConflict(ILogger logger, string @namespace, string name, string error);

    [LoggerMessage(2005, LogLevel.Information, "Backup {Namespace}/{Name} deleted; its backup in OCP is kept")]
    private static partial void LogDeleted(ILogger logger, string @namespace, string name);
}
