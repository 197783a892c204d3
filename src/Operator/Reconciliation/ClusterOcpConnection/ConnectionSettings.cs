using BackupOperator.Entities;
using BackupOperator.Operator.Ocp;

namespace BackupOperator.Operator.Reconciliation.ClusterOcpConnection;

/// <summary>
/// The OCP connection of a ClusterOcpConnection: the URL from spec.url, the credentials (username +
/// password, or accessKeyId + accessKeySecret, optional caBundle) from its Secret. A 'url' key in the
/// Secret is ignored.
/// </summary>
public static class ConnectionSettings
{
    public static OcpConnectionSettings From(V1alpha1ClusterOcpConnection connection, IDictionary<string, byte[]> secretData)
    {
        var secret = connection.Spec.CredentialsSecretRef;
        return OcpConnectionSettings.FromSecret(
            $"Secret {secret?.Namespace}/{secret?.Name} ({ConnectionCheck.SecretField} of ClusterOcpConnection {connection.Metadata.Name})",
            secretData,
            connection.Spec.Url?.Trim() ?? "");
    }
}
