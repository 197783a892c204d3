namespace BackupOperator.Operator.Controllers.ClusterBackupNow;

/// <summary>What the ClusterBackupNow controller reports; implemented by the operator's metrics.</summary>
public interface IBackupMetrics
{
    void PhaseEntered(string phase, long clusterId, DateTimeOffset now);
}
