using System.Text;
using BackupOperator.Entities;
using BackupOperator.Operator.Kubernetes;
using BackupOperator.Operator.Ocp;
using BackupOperator.Operator.Reconciliation.ClusterBackupNow;
using Microsoft.Extensions.Options;

namespace BackupOperator.Operator.Controllers.ClusterBackupNow;

/// <summary>
/// Builds the OCP connection from the resource's Secret (or the operator's default) and reads
/// object-store keys, through <see cref="ISecretReader"/> (by name, reused for Ocp:SecretCacheDuration).
/// </summary>
public sealed class SecretOcpConnector(ISecretReader secrets, IOcpClientFactory factory, IOptions<OcpOptions> options) : IOcpConnector
{
    private readonly Lazy<string?> _defaultCaBundle = new(() =>
        string.IsNullOrEmpty(options.Value.CaBundlePath) ? null : File.ReadAllText(options.Value.CaBundlePath));

    public async Task<IOcpApi> ConnectAsync(V1alpha1ClusterBackupNow resource, CancellationToken cancellationToken)
    {
        var ns = resource.Metadata.NamespaceProperty;
        OcpConnectionSettings settings;
        if (resource.Spec.OcpSecretRef?.Name is { Length: > 0 } name)
        {
            var data = await ReadSecretAsync(ns, name, "spec.ocpSecretRef", cancellationToken);
            settings = new OcpConnectionSettings(
                $"Secret {ns}/{name}", Value(data, "url"), Value(data, "username"), Value(data, "password"),
                Value(data, "accessKeyId"), Value(data, "accessKeySecret"), Value(data, "caBundle"));
        }
        else
        {
            settings = options.Value.DefaultConnection(_defaultCaBundle.Value)
                ?? throw new OcpConfigurationException(
                    "no spec.ocpSecretRef and the operator has no default OCP connection (configuration Ocp:Url, Ocp:Username, ...)");
        }

        return factory.Get(settings);
    }

    public async Task<AccessKeyDto?> GetStorageAccessKeyAsync(V1alpha1ClusterBackupNow resource, CancellationToken cancellationToken)
    {
        var info = resource.Spec.ObBackupServiceStorageConfig?.ObBackupStorageBaseInfo;
        if (info?.AccessKeySecretRef?.Name is not { Length: > 0 } name || info.BackupStorageType == OcpValues.StorageFile)
        {
            return null;
        }

        var ns = resource.Metadata.NamespaceProperty;
        var data = await ReadSecretAsync(ns, name, "accessKeySecretRef", cancellationToken);
        var idKey = info.AccessKeySecretRef.AccessKeyIdKey ?? AccessKeySecretReference.DefaultIdKey;
        var secretKey = info.AccessKeySecretRef.AccessKeySecretKey ?? AccessKeySecretReference.DefaultSecretKey;
        var id = Value(data, idKey);
        var secret = Value(data, secretKey);
        if (string.IsNullOrEmpty(id) || string.IsNullOrEmpty(secret))
        {
            throw new OcpConfigurationException(
                $"Secret {ns}/{name} (accessKeySecretRef) lacks key '{(string.IsNullOrEmpty(id) ? idKey : secretKey)}'");
        }

        return new AccessKeyDto(id, secret, info.Endpoint, info.Region);
    }

    private async Task<IDictionary<string, byte[]>> ReadSecretAsync(string ns, string name, string field, CancellationToken ct)
    {
        try
        {
            return await secrets.ReadAsync(ns, name, field, ct);
        }
        catch (SecretUnavailableException e)
        {
            throw new OcpConfigurationException(e.Message);
        }
    }

    // A value written with `kubectl create secret --from-file` often ends in a newline.
    private static string? Value(IDictionary<string, byte[]> data, string key) =>
        data.TryGetValue(key, out var bytes) ? Encoding.UTF8.GetString(bytes).TrimEnd('\r', '\n') : null;
}
