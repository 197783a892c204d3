namespace BackupOperator.Operator.Runtime;

/// <summary>Whether a controller's cache holds a complete list yet; readiness waits for every one.</summary>
public interface ICacheSyncStatus
{
    bool HasSynced { get; }
}
