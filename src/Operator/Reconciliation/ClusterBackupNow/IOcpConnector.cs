using BackupOperator.Entities;
using BackupOperator.Operator.Ocp;

namespace BackupOperator.Operator.Reconciliation.ClusterBackupNow;

/// <summary>
/// The reconciler's door to the outside: whether a resource may use its connection at all, the OCP
/// client for it (its namespace's Secret, or a granted ClusterOcpConnection) and the object-store
/// key its storage needs. Throws <see cref="OcpConfigurationException"/> when something it needs is
/// missing or malformed (it may appear later).
/// </summary>
public interface IOcpConnector
{
    /// <summary>
    /// Before anything is sent for a backup: throws <see cref="OcpAccessDeniedException"/> when its
    /// namespace may not use the connection, the connection does not allow its cluster, or a Secret
    /// it names has not been opened to backups by its owner. Not asked again once submitted.
    /// </summary>
    Task AuthorizeAsync(V1alpha1ClusterBackupNow resource, CancellationToken cancellationToken);

    Task<IOcpApi> ConnectAsync(V1alpha1ClusterBackupNow resource, CancellationToken cancellationToken);

    Task<AccessKeyDto?> GetStorageAccessKeyAsync(V1alpha1ClusterBackupNow resource, CancellationToken cancellationToken);
}
