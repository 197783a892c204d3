namespace BackupOperator.Operator.Reconciliation.ClusterBackupNow;

/// <summary>
/// The backup may not use its OCP connection or Secret, or not for its cluster: final, nothing is
/// sent. The message names the connection or Secret and the rule.
/// </summary>
public sealed class OcpAccessDeniedException(string message) : Exception(message);
