using BackupOperator.Entities;

namespace BackupOperator.Operator.Reconciliation.ClusterBackupNow;

/// <summary>
/// The other backups of the cluster, as a reconcile of an active backup needs them: the objects that
/// may still act (to wait for a busy cluster), and the task ids every one of them recorded (never
/// adopted by this backup). A settled backup gives its task ids only, so a cluster with a long history
/// costs no object per settled backup and reconcile. <see cref="OcpEndpoint"/> is the OCP the peers
/// were gathered for (and whose cluster lock is held): an intent is recorded only for that OCP.
/// </summary>
public sealed record ClusterPeers(IReadOnlyCollection<V1alpha1ClusterBackupNow> Objects, IReadOnlyCollection<long> SettledTaskIds, string? OcpEndpoint = null)
{
    public static ClusterPeers None { get; } = new([], []);
}
