using System.Collections.Concurrent;
using System.Net;
using System.Text;
using BackupOperator.Entities;
using BackupOperator.Operator.Ocp;
using BackupOperator.Operator.Reconciliation;
using k8s;
using k8s.Autorest;
using k8s.Models;
using Microsoft.Extensions.Options;

namespace BackupOperator.Operator.Kubernetes;

/// <summary>
/// Builds the OCP connection from the resource's Secret (or the operator's default) and reads
/// object-store keys. Secrets are read by name when needed, never listed or watched; a read is
/// reused for Ocp:SecretCacheDuration (a failed read never is), so a burst of backups in one
/// namespace costs the API server one read, not three per backup.
/// </summary>
public sealed class SecretOcpConnector(IKubernetes client, IOcpClientFactory factory, IOptions<OcpOptions> options, TimeProvider time) : IOcpConnector
{
    private const int PruneAbove = 256;
    private readonly ConcurrentDictionary<(string Namespace, string Name), (DateTimeOffset ReadAt, IDictionary<string, byte[]> Data)> _reads = new();

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
        var now = time.GetUtcNow();
        var ttl = options.Value.SecretCacheDuration;
        if (_reads.TryGetValue((ns, name), out var cached) && now - cached.ReadAt < ttl)
        {
            return cached.Data;
        }

        try
        {
            var secret = await client.CoreV1.ReadNamespacedSecretAsync(name, ns, cancellationToken: ct);
            var data = secret.Data ?? new Dictionary<string, byte[]>();
            if (ttl > TimeSpan.Zero)
            {
                _reads[(ns, name)] = (now, data);
                if (_reads.Count > PruneAbove)
                {
                    foreach (var stale in _reads.Where(r => now - r.Value.ReadAt >= ttl).Select(r => r.Key).ToList())
                    {
                        _reads.TryRemove(stale, out _);
                    }
                }
            }

            return data;
        }
        catch (HttpOperationException e) when (e.Response.StatusCode == HttpStatusCode.NotFound)
        {
            throw new OcpConfigurationException($"Secret {ns}/{name} ({field}) not found");
        }
        catch (HttpOperationException e) when (e.Response.StatusCode == HttpStatusCode.Forbidden)
        {
            throw new OcpConfigurationException($"the operator may not read Secret {ns}/{name} ({field}): RBAC must grant 'get' on secrets");
        }
    }

    // A value written with `kubectl create secret --from-file` often ends in a newline.
    private static string? Value(IDictionary<string, byte[]> data, string key) =>
        data.TryGetValue(key, out var bytes) ? Encoding.UTF8.GetString(bytes).TrimEnd('\r', '\n') : null;
}
