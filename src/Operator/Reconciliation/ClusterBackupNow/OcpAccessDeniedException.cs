namespace BackupOperator.Operator.Reconciliation.ClusterBackupNow;

/// <summary>
/// The backup may not use its OCP connection or Secret, or not for its cluster: final, nothing is
/// sent. The message names the connection or Secret and the rule. <paramref name="mayPass"/>: the
/// API server's 403 on a Secret read, which an API server still filling its RBAC caches also gives;
/// confirmed before it fails a backup (<see cref="ReconcileOptions.DenialConfirmation"/>).
/// </summary>
public sealed class OcpAccessDeniedException(string message, bool mayPass = false) : Exception(message)
{
    public bool MayPass { get; } = mayPass;
}
