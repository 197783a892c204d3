using BackupOperator.Entities;
using BackupOperator.Operator.Kubernetes;
using BackupOperator.Operator.Ocp;
using BackupOperator.Operator.Reconciliation.ClusterBackupNow;
using BackupOperator.Operator.Reconciliation.ClusterOcpConnection;
using BackupOperator.Operator.Runtime;
using Microsoft.Extensions.Options;

namespace BackupOperator.Operator.Controllers.ClusterBackupNow;

/// <summary>
/// A backup's OCP connection: its namespace's own Secret (ocpSecretRef, opened to backups by the
/// Secret's owner with a label), or a ClusterOcpConnection that grants its namespace and cluster
/// (ocpConnectionRef; the credentials Secret is read only in the namespace the connection names).
/// Secrets are read through <see cref="ISecretReader"/> (by name, reused for Ocp:SecretCacheDuration).
/// The OCP a backup reaches is its connection's normalised url; once recorded with the intent,
/// credentials go nowhere else.
/// </summary>
public sealed class OcpConnector(
    ISecretReader secrets,
    INamespaceReader namespaces,
    IResourceReader<V1alpha1ClusterOcpConnection> connections,
    IOcpClientFactory factory,
    IOptions<OcpOptions>? options = null) : IOcpConnector
{
    private readonly bool _allowNamespaceSecrets = options?.Value.AllowNamespaceSecrets ?? true;

    public async Task<OcpTarget> ResolveAsync(V1alpha1ClusterBackupNow resource, CancellationToken cancellationToken)
    {
        var spec = resource.Spec;
        if (spec.OcpConnectionRef?.Name is { Length: > 0 } connectionName)
        {
            var connection = await ReadConnectionAsync(connectionName, cancellationToken);
            return new OcpTarget(EndpointOf(connection.Spec.Url, $"ClusterOcpConnection {connectionName}"), connection.Metadata.Uid);
        }

        if (spec.OcpSecretRef?.Name is { Length: > 0 } name)
        {
            RequireNamespaceSecretsAllowed(resource);
            var ns = resource.Metadata.NamespaceProperty;
            var data = (await ReadSecretAsync(ns, name, "spec.ocpSecretRef", cancellationToken)).Data;
            return new OcpTarget(EndpointOf(OcpConnectionSettings.Value(data, "url"), $"Secret {ns}/{name}"), null);
        }

        throw new OcpConfigurationException("the spec names no OCP connection: set spec.ocpConnectionRef or spec.ocpSecretRef");
    }

    public async Task AuthorizeAsync(V1alpha1ClusterBackupNow resource, OcpTarget? recorded, CancellationToken cancellationToken)
    {
        var ns = resource.Metadata.NamespaceProperty;
        var spec = resource.Spec;
        if (spec.OcpConnectionRef?.Name is { Length: > 0 } connectionName)
        {
            var connection = await ReadConnectionAsync(connectionName, cancellationToken);
            if (recorded is not null && connection.Metadata.Uid != recorded.ConnectionUid)
            {
                throw new OcpAccessDeniedException(
                    $"ClusterOcpConnection {connectionName} is not the one this backup was submitted through: it was deleted and created again " +
                    $"(uid {connection.Metadata.Uid}, recorded {recorded.ConnectionUid ?? "none"}), and a new connection's grant is not this backup's");
            }

            var labels = await namespaces.ReadLabelsAsync(ns, cancellationToken);
            if (ConnectionGrant.Denial(connection, ns, labels, spec.ClusterId) is { } denial)
            {
                throw new OcpAccessDeniedException(denial);
            }
        }
        else if (spec.OcpSecretRef?.Name is { Length: > 0 } secretName)
        {
            RequireNamespaceSecretsAllowed(resource);
            await RequireOptInAsync(ns, secretName, "spec.ocpSecretRef", cancellationToken);
        }

        if (AccessKeyRef(resource) is { } keyRef)
        {
            await RequireOptInAsync(ns, keyRef.Name!, "accessKeySecretRef", cancellationToken);
        }
    }

    public async Task<OcpSession> ConnectAsync(V1alpha1ClusterBackupNow resource, OcpTarget? recorded, CancellationToken cancellationToken)
    {
        var ns = resource.Metadata.NamespaceProperty;
        var spec = resource.Spec;
        OcpConnectionSettings settings;
        string? connectionUid = null;
        if (spec.OcpConnectionRef?.Name is { Length: > 0 } connectionName)
        {
            var connection = await ReadConnectionAsync(connectionName, cancellationToken);
            var secretRef = connection.Spec.CredentialsSecretRef;
            if (secretRef?.Namespace is not { Length: > 0 } secretNs || secretRef.Name is not { Length: > 0 } secretName)
            {
                throw new OcpConfigurationException($"ClusterOcpConnection {connectionName} has no spec.credentialsSecretRef");
            }

            // Where the credentials would go, before they are read.
            RequireSameOcp(recorded, EndpointOf(connection.Spec.Url, $"ClusterOcpConnection {connectionName}"), $"ClusterOcpConnection {connectionName}");
            var data = (await ReadSecretAsync(secretNs, secretName, $"ClusterOcpConnection {connectionName}", cancellationToken)).Data;
            settings = ConnectionSettings.From(connection, data);
            connectionUid = connection.Metadata.Uid;
        }
        else if (spec.OcpSecretRef?.Name is { Length: > 0 } name)
        {
            RequireNamespaceSecretsAllowed(resource);
            var data = (await ReadSecretAsync(ns, name, "spec.ocpSecretRef", cancellationToken)).Data;
            settings = OcpConnectionSettings.FromSecret($"Secret {ns}/{name}", data);
        }
        else
        {
            throw new OcpConfigurationException("the spec names no OCP connection: set spec.ocpConnectionRef or spec.ocpSecretRef");
        }

        var api = factory.Get(settings);
        var endpoint = EndpointOf(settings.Url, settings.Source);
        RequireSameOcp(recorded, endpoint, settings.Source);
        // A recorded intent keeps the connection it recorded; its uid is checked by AuthorizeAsync before any POST.
        return new OcpSession(api, recorded ?? new OcpTarget(endpoint, connectionUid));
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

    /// <summary>Credentials go only to the OCP recorded with the intent: a url edited since moves nothing.</summary>
    private static void RequireSameOcp(OcpTarget? recorded, string endpoint, string source)
    {
        if (recorded is not null && recorded.Endpoint != endpoint)
        {
            throw new OcpConfigurationException(
                $"{source} now points at OCP {endpoint}, but this backup was submitted to {recorded.Endpoint}: it stays with that OCP " +
                "(a url edited after submission moves nothing) and sends nothing elsewhere; restore the url to let it go on");
        }
    }

    private static string EndpointOf(string? url, string source)
    {
        var endpoint = OcpEndpoint.Normalize(OcpBaseUrl.Parse(url?.Trim(), source).OriginalString)
            ?? throw new OcpConfigurationException($"{source}: the OCP url is not an absolute http(s) URL with a host", OcpConfigurationException.InvalidUrl);
        // Recorded in status with the intent: one the API server would refuse to store is refused here, before anything is sent.
        return endpoint.Length <= OcpEndpoint.MaxLength
            ? endpoint
            : throw new OcpConfigurationException($"{source}: the OCP url is longer than {OcpEndpoint.MaxLength} characters", OcpConfigurationException.InvalidUrl);
    }

    private void RequireNamespaceSecretsAllowed(V1alpha1ClusterBackupNow resource)
    {
        if (!_allowNamespaceSecrets)
        {
            throw new OcpAccessDeniedException(
                $"spec.ocpSecretRef ({resource.Metadata.NamespaceProperty}/{resource.Spec.OcpSecretRef?.Name}) is not used: the administrator switched namespace Secrets off " +
                "(Ocp:AllowNamespaceSecrets=false); name a ClusterOcpConnection in spec.ocpConnectionRef");
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
