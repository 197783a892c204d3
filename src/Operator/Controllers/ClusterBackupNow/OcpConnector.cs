using BackupOperator.Entities;
using BackupOperator.Operator.Kubernetes;
using BackupOperator.Operator.Ocp;
using BackupOperator.Operator.Reconciliation.ClusterBackupNow;
using BackupOperator.Operator.Reconciliation.ClusterOcpConnection;
using BackupOperator.Operator.Runtime;

namespace BackupOperator.Operator.Controllers.ClusterBackupNow;

/// <summary>
/// A backup's OCP connection: its namespace's own Secret (ocpSecretRef, opened to backups by the
/// Secret's owner with a label), or a ClusterOcpConnection that grants its namespace and cluster
/// (ocpConnectionRef; the credentials Secret is read only in the namespace the connection names).
/// Secrets are read through <see cref="ISecretReader"/> (by name, reused for Ocp:SecretCacheDuration).
/// </summary>
public sealed class OcpConnector(
    ISecretReader secrets,
    INamespaceReader namespaces,
    IResourceReader<V1alpha1ClusterOcpConnection> connections,
    IOcpClientFactory factory) : IOcpConnector
{
    public async Task AuthorizeAsync(V1alpha1ClusterBackupNow resource, CancellationToken cancellationToken)
    {
        var ns = resource.Metadata.NamespaceProperty;
        var spec = resource.Spec;
        if (spec.OcpConnectionRef?.Name is { Length: > 0 } connectionName)
        {
            var connection = await ReadConnectionAsync(connectionName, cancellationToken);
            var labels = await namespaces.ReadLabelsAsync(ns, cancellationToken);
            if (ConnectionGrant.Denial(connection, ns, labels, spec.ClusterId) is { } denial)
            {
                throw new OcpAccessDeniedException(denial);
            }
        }
        else if (spec.OcpSecretRef?.Name is { Length: > 0 } secretName)
        {
            await RequireOptInAsync(ns, secretName, "spec.ocpSecretRef", cancellationToken);
        }

        if (AccessKeyRef(resource) is { } keyRef)
        {
            await RequireOptInAsync(ns, keyRef.Name!, "accessKeySecretRef", cancellationToken);
        }
    }

    public async Task<IOcpApi> ConnectAsync(V1alpha1ClusterBackupNow resource, CancellationToken cancellationToken)
    {
        var ns = resource.Metadata.NamespaceProperty;
        var spec = resource.Spec;
        if (spec.OcpConnectionRef?.Name is { Length: > 0 } connectionName)
        {
            var connection = await ReadConnectionAsync(connectionName, cancellationToken);
            var secretRef = connection.Spec.CredentialsSecretRef;
            if (secretRef?.Namespace is not { Length: > 0 } secretNs || secretRef.Name is not { Length: > 0 } secretName)
            {
                throw new OcpConfigurationException($"ClusterOcpConnection {connectionName} has no spec.credentialsSecretRef");
            }

            var data = (await ReadSecretAsync(secretNs, secretName, $"ClusterOcpConnection {connectionName}", cancellationToken)).Data;
            return factory.Get(ConnectionSettings.From(connection, data));
        }

        if (spec.OcpSecretRef?.Name is { Length: > 0 } name)
        {
            var data = (await ReadSecretAsync(ns, name, "spec.ocpSecretRef", cancellationToken)).Data;
            return factory.Get(OcpConnectionSettings.FromSecret($"Secret {ns}/{name}", data));
        }

        throw new OcpConfigurationException("the spec names no OCP connection: set spec.ocpConnectionRef or spec.ocpSecretRef");
    }

    public async Task<AccessKeyDto?> GetStorageAccessKeyAsync(V1alpha1ClusterBackupNow resource, CancellationToken cancellationToken)
    {
        if (AccessKeyRef(resource) is not { } keyRef)
        {
            return null;
        }

        var info = resource.Spec.ObBackupServiceStorageConfig!.ObBackupStorageBaseInfo!;
        var ns = resource.Metadata.NamespaceProperty;
        var data = (await ReadSecretAsync(ns, keyRef.Name!, "accessKeySecretRef", cancellationToken)).Data;
        var idKey = keyRef.AccessKeyIdKey ?? AccessKeySecretReference.DefaultIdKey;
        var secretKey = keyRef.AccessKeySecretKey ?? AccessKeySecretReference.DefaultSecretKey;
        var id = OcpConnectionSettings.Value(data, idKey);
        var secret = OcpConnectionSettings.Value(data, secretKey);
        if (string.IsNullOrEmpty(id) || string.IsNullOrEmpty(secret))
        {
            throw new OcpConfigurationException(
                $"Secret {ns}/{keyRef.Name} (accessKeySecretRef) lacks key '{(string.IsNullOrEmpty(id) ? idKey : secretKey)}'");
        }

        return new AccessKeyDto(id, secret, info.Endpoint, info.Region);
    }

    private static AccessKeySecretReference? AccessKeyRef(V1alpha1ClusterBackupNow resource)
    {
        var info = resource.Spec.ObBackupServiceStorageConfig?.ObBackupStorageBaseInfo;
        return info?.AccessKeySecretRef is { Name.Length: > 0 } keyRef && info.BackupStorageType != OcpValues.StorageFile ? keyRef : null;
    }

    /// <summary>A Secret of the backup's namespace is used only when its owner labelled it for backups.</summary>
    private async Task RequireOptInAsync(string ns, string name, string field, CancellationToken ct)
    {
        var content = await ReadSecretAsync(ns, name, field, ct);
        if (!content.Labels.TryGetValue(SecretUse.Label, out var value) || value != SecretUse.Value)
        {
            throw new OcpAccessDeniedException(
                $"Secret {ns}/{name} ({field}) is not labelled {SecretUse.Label}={SecretUse.Value}: " +
                "its owner has not allowed backups to use it, so the operator neither reads nor sends it");
        }
    }

    private async Task<V1alpha1ClusterOcpConnection> ReadConnectionAsync(string name, CancellationToken ct) =>
        await connections.ReadAsync(new NamespacedName("", name), ct)
            ?? throw new OcpConfigurationException($"ClusterOcpConnection {name} (spec.ocpConnectionRef) not found");

    private async Task<SecretContent> ReadSecretAsync(string ns, string name, string field, CancellationToken ct)
    {
        try
        {
            return await secrets.ReadContentAsync(ns, name, field, ct);
        }
        catch (SecretUnavailableException e)
        {
            throw new OcpConfigurationException(e.Message);
        }
    }
}
