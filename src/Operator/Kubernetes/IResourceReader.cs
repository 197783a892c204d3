using BackupOperator.Entities;
using BackupOperator.Operator.Controller;

namespace BackupOperator.Operator.Kubernetes;

/// <summary>Reads one ClusterBackupNow from the API server, past the cache.</summary>
public interface IResourceReader
{
    /// <summary>The object as the API server has it now; null when it is gone.</summary>
    Task<V1alpha1ClusterBackupNow?> ReadAsync(NamespacedName key, CancellationToken cancellationToken);
}
