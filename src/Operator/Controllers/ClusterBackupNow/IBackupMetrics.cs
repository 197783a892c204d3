namespace BackupOperator.Operator.Controllers.ClusterBackupNow;

/// <summary>What the ClusterBackupNow controller reports; implemented by the operator's metrics.</summary>
public interface IBackupMetrics
{
    /// <summary>A backup entered <paramref name="phase"/>; its cluster is (<paramref name="ocpEndpoint"/>, <paramref name="clusterId"/>), the endpoint null before an intent recorded it.</summary>
    void PhaseEntered(string phase, string? ocpEndpoint, long clusterId, DateTimeOffset now);
}
