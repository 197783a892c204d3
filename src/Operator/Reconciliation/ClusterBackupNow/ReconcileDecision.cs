using BackupOperator.Entities;

namespace BackupOperator.Operator.Reconciliation.ClusterBackupNow;

/// <summary>What one reconcile decided: the status to write (null: unchanged), when to look again, what to tell.</summary>
public sealed record ReconcileDecision(ClusterBackupNowStatus? Status, TimeSpan? RequeueAfter, IReadOnlyList<BackupEvent> Events)
{
    /// <summary>The resource's ttlSecondsAfterFinished has passed: delete it (never the backup in OCP).</summary>
    public bool DeleteResource { get; init; }
}

/// <summary>A Kubernetes Event to record on the resource.</summary>
public sealed record BackupEvent(bool Warning, string Reason, string Note)
{
    public static BackupEvent Normal(string reason, string note) => new(false, reason, note);

    public static BackupEvent Warn(string reason, string note) => new(true, reason, note);
}
