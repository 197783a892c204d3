namespace BackupOperator.Operator.Reconciliation.ClusterBackupNow;

/// <summary>OCP's task status words.</summary>
public static class OcpTaskStatus
{
    public const string Running = "RUNNING";
    public const string Failed = "FAILED";
    public const string Successful = "SUCCESSFUL";
}
