using System.Text;
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
        return new OcpConnectionSettings(
            $"Secret {secret?.Namespace}/{secret?.Name} ({ConnectionCheck.SecretField} of ClusterOcpConnection {connection.Metadata.Name})",
            connection.Spec.Url?.Trim(),
            Value(secretData, "username"),
            Value(secretData, "password"),
            Value(secretData, "accessKeyId"),
            Value(secretData, "accessKeySecret"),
            Value(secretData, "caBundle"));
    }

    // A value written with `kubectl create secret --from-file` often ends in a newline.
    private static string? Value(IDictionary<string, byte[]> data, string key) =>
        data.TryGetValue(key, out var bytes) ? Encoding.UTF8.GetString(bytes).TrimEnd('\r', '\n') : null;
}
