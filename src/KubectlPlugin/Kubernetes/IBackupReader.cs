using BackupOperator.Entities;
using k8s;

namespace BackupOperator.KubectlPlugin.Kubernetes;

/// <summary>What waiting for a backup needs of the API server.</summary>
public interface IBackupReader
{
    /// <summary>The backup, or null when it does not exist (404).</summary>
    Task<V1alpha1ClusterBackupNow?> GetBackupAsync(string ns, string name, CancellationToken ct);

    /// <summary>
    /// Changes of one backup after <paramref name="resourceVersion"/>, until the server ends the
    /// watch (after at most <paramref name="timeoutSeconds"/>) or it fails.
    /// </summary>
    IAsyncEnumerable<(WatchEventType Type, V1alpha1ClusterBackupNow? Backup)> WatchBackupAsync(
        string ns, string name, string? resourceVersion, int timeoutSeconds, CancellationToken ct);
}
