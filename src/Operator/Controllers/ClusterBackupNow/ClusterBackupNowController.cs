using BackupOperator.Entities;
using BackupOperator.Operator.FaultInjection;
using BackupOperator.Operator.Kubernetes;
using BackupOperator.Operator.Ocp;
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
    IOcpConnector connector,
    TimeProvider time,
    Failpoints failpoints,
    ILogger<ClusterBackupNowController> logger) : IEntityController<V1alpha1ClusterBackupNow>
{
    /// <summary>The cache index the controller needs: backups by OCP cluster (OCP endpoint and cluster id).</summary>
    /// <remarks>
    /// The recorded OCP and the submitted cluster once an intent exists: a later edit of spec.clusterId
    /// or of a url moves nothing. A backup without an intent is indexed under its cluster id with no OCP.
    /// </remarks>
    public static string ClusterIndex(V1alpha1ClusterBackupNow backup) =>
        backup.Spec is null ? "" : OcpCluster.RecordedBy(backup).IndexKey;

    // A conflict means a newer object is on its way through the watch; look again soon.
    private static readonly TimeSpan ConflictRequeue = TimeSpan.FromMilliseconds(200);

    public async Task<ReconcileOutcome> ReconcileAsync(V1alpha1ClusterBackupNow resource, CancellationToken cancellationToken)
    {
        var key = NamespacedName.From(resource);
        var cluster = await ClusterOfAsync(resource, null, cancellationToken);
        var held = await locks.AcquireAsync(cluster, cancellationToken);
        // Under the lock, the cache may hold a newer version than the one this work item started with.
        var current = cache.TryGet(key, out var cached) && cached is not null ? cached : resource;
        if (await ClusterOfAsync(current, (resource, cluster), cancellationToken) is var newer && newer != cluster)
        {
            // The newer version is about another cluster (its intent was cleared and the spec edited): take that lock.
            held.Dispose();
            cluster = newer;
            held = await locks.AcquireAsync(cluster, cancellationToken);
            current = cache.TryGet(key, out cached) && cached is not null ? cached : current;
        }

        using var _ = held;
        // A finished backup decides alone; only an active one waits for, or wakes, the others of its cluster.
        var peers = current.Status?.IsDone == true ? ClusterPeers.None : PeersOf(current, key, cluster);
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
                metrics.PhaseEntered(decision.Status.Phase ?? "", written.RecordedOcpEndpoint, written.TargetClusterId, time.GetUtcNow());
                LogPhaseChanged(logger, key.Namespace, key.Name, written.TargetClusterId, written.RecordedOcpEndpoint ?? "(none yet)", current.Status?.Phase ?? "(new)",
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
    /// The OCP cluster a backup is about: the one its intent recorded, else the one its connection
    /// reaches now (no OCP when that cannot be read: the reconcile then says why). <paramref name="known"/>
    /// is an earlier version's answer, reused when nothing it depends on changed.
    /// </summary>
    private async Task<OcpCluster> ClusterOfAsync(V1alpha1ClusterBackupNow backup, (V1alpha1ClusterBackupNow Backup, OcpCluster Cluster)? known, CancellationToken ct)
    {
        var recorded = OcpCluster.RecordedBy(backup);
        if (recorded.Endpoint.Length > 0 || backup.Status?.IsDone == true)
        {
            return recorded;
        }

        if (known is { } k && k.Backup.TargetClusterId == backup.TargetClusterId
            && k.Backup.EffectiveSpec.OcpConnectionRef?.Name == backup.EffectiveSpec.OcpConnectionRef?.Name
            && k.Backup.EffectiveSpec.OcpSecretRef?.Name == backup.EffectiveSpec.OcpSecretRef?.Name)
        {
            return k.Cluster;
        }

        // The connection the reconcile will use: the submitted spec's (kept after a busy refusal), never a later edit.
        var target = ReferenceEquals(backup.EffectiveSpec, backup.Spec)
            ? backup
            : new V1alpha1ClusterBackupNow { ApiVersion = backup.ApiVersion, Kind = backup.Kind, Metadata = backup.Metadata, Spec = backup.EffectiveSpec, Status = backup.Status };
        try
        {
            return recorded with { Endpoint = (await connector.ResolveAsync(target, ct)).Endpoint };
        }
        catch (Exception e) when (e is OcpConfigurationException or OcpAccessDeniedException)
        {
            return recorded;
        }
    }

    /// <summary>
    /// The other backups of the cluster: those kept whole as objects, the settled ones (kept compact) by
    /// their task ids only, so a reconcile costs the same with a cluster's history of ten or ten thousand.
    /// Backups of the cluster id with no OCP recorded yet come too: waiting ones to wake when it frees,
    /// and active ones of an operator that did not record the OCP (assumed this one's until they do).
    /// </summary>
    private ClusterPeers PeersOf(V1alpha1ClusterBackupNow current, NamespacedName key, OcpCluster cluster)
    {
        var (whole, compact) = cache.PartitionByIndex(cluster.IndexKey);
        var objects = whole.Where(p => p.Metadata.Uid != current.Metadata.Uid).ToList();
        if (cluster.Endpoint.Length > 0)
        {
            var (unrecorded, _) = cache.PartitionByIndex((cluster with { Endpoint = "" }).IndexKey);
            objects.AddRange(unrecorded.Where(p => p.Metadata.Uid != current.Metadata.Uid));
        }

        return new ClusterPeers(
            objects,
            compact.OfType<SettledBackup>().Where(s => s.Key != key).SelectMany(s => s.TaskIds).ToList(),
            cluster.Endpoint.Length > 0 ? cluster.Endpoint : null);
    }

    public Task DeletedAsync(NamespacedName key, CancellationToken cancellationToken)
    {
        // Deleting the resource never touches the backup in OCP: backup data outlives its request.
        LogDeleted(logger, key.Namespace, key.Name);
        return Task.CompletedTask;
    }

    [LoggerMessage(2003, LogLevel.Information, "Backup {Namespace}/{Name} of cluster {ClusterId} on {OcpEndpoint}: {From} -> {To} ({Reason}: {Message}); taskIds [{TaskIds}] traceId {TraceId}")]
    private static partial void LogPhaseChanged(ILogger logger, string @namespace, string name, long clusterId, string ocpEndpoint, string from, string to, string reason, string message, string taskIds, string traceId);

    [LoggerMessage(2004, LogLevel.Debug, "Status of {Namespace}/{Name} not written, will re-read: {Error}")]
    private static partial void LogStatusConflict(ILogger logger, string @namespace, string name, string error);

    [LoggerMessage(2005, LogLevel.Information, "Backup {Namespace}/{Name} deleted; its backup in OCP is kept")]
    private static partial void LogDeleted(ILogger logger, string @namespace, string name);
}
