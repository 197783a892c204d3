using BackupOperator.Entities;
using BackupOperator.Operator.Ocp;

namespace BackupOperator.Operator.Reconciliation.ClusterBackupNow;

/// <summary>
/// The reconciler's door to the outside: the OCP client for a resource (from its Secret or the
/// default connection) and the object-store key its storage needs.
/// Throws <see cref="OcpConfigurationException"/> when a Secret is missing or malformed.
/// </summary>
public interface IOcpConnector
{
    Task<IOcpApi> ConnectAsync(V1alpha1ClusterBackupNow resource, CancellationToken cancellationToken);

    Task<AccessKeyDto?> GetStorageAccessKeyAsync(V1alpha1ClusterBackupNow resource, CancellationToken cancellationToken);
}
