using BackupOperator.Entities;
using BackupOperator.Operator.Kubernetes;
using BackupOperator.Operator.Ocp;
using BackupOperator.Operator.Reconciliation.ClusterBackupNow;
using BackupOperator.Operator.Reconciliation.ClusterOcpConnection;
using BackupOperator.Operator.Runtime;
using Microsoft.Extensions.Options;

namespace BackupOperator.Operator.Controllers.ClusterBackupNow;

/// <summary>
/// A backup's OCP connection: its namespace's own Secret (ocpSecretRef, used once the namespace
/// granted the operator's ServiceAccount 'get' on it by name), or a ClusterOcpConnection that grants
/// its namespace and cluster (ocpConnectionRef; its credentials Secret is read only in
/// Ocp:CredentialsNamespace). Secrets are read by GET through <see cref="ISecretReader"/> (by name,
/// reused for Ocp:SecretCacheDuration); a read the API server refuses is the missing grant.
/// </summary>
public sealed class OcpConnector(
    ISecretReader secrets,
    INamespaceReader namespaces,
    IResourceReader<V1alpha1ClusterOcpConnection> connections,
    IOcpClientFactory factory,
    IOptions<OcpOptions>? ocpOptions = null) : IOcpConnector
{
    /// <summary>The key that makes a Secret an OCP connection; such a Secret is never sent as object-store keys.</summary>
    public const string UrlKey = "url";

    private readonly OcpOptions _ocp = ocpOptions?.Value ?? new OcpOptions();

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
            await RequireGrantAsync(ns, secretName, "spec.ocpSecretRef", fresh: false, cancellationToken);
        }

        if (AccessKeyRef(resource) is { } keyRef)
        {
            await RequireGrantAsync(ns, keyRef.Name!, "accessKeySecretRef", fresh: false, cancellationToken);
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

            var credentialsNamespace = _ocp.CredentialsNamespaceInEffect();
            if (secretNs != credentialsNamespace)
            {
                // Checked before any read: a connection editor must not make the operator read (and send) another namespace's Secret.
                throw new OcpConfigurationException(
                    $"ClusterOcpConnection {connectionName}: {ConnectionCheck.CredentialsNamespaceRule(secretRef, credentialsNamespace)}",
                    OcpConfigurationException.SecretNamespaceNotAllowed);
            }

            var data = (await ReadCredentialsAsync(secretNs, secretName, $"ClusterOcpConnection {connectionName}", cancellationToken)).Data;
            return factory.Get(ConnectionSettings.From(connection, data));
        }

        if (spec.OcpSecretRef?.Name is { Length: > 0 } name)
        {
            var data = (await ReadGrantedAsync(ns, name, "spec.ocpSecretRef", fresh: false, cancellationToken)).Data;
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
        var data = (await ReadGrantedAsync(ns, keyRef.Name!, "accessKeySecretRef", fresh: false, cancellationToken)).Data;
        if (data.ContainsKey(UrlKey))
        {
            // Refused as NotAllowed before the intent; found only now, it was added since: still never sent.
            throw new OcpConfigurationException(UrlInAccessKey(ns, keyRef.Name!));
        }

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

    /// <summary>
    /// A Secret of the backup's namespace is used only when the namespace granted the operator 'get' on
    /// it: the GET itself is the check (a 403 is <see cref="OcpConfigurationException.SecretNotGranted"/>,
    /// a 404 a missing Secret; both may be fixed, so the backup waits). An object-store key Secret that
    /// holds an OCP url is refused (<see cref="OcpAccessDeniedException"/>). <paramref name="fresh"/>
    /// asks the API server even when a recent read is kept: the grant as it is now.
    /// </summary>
    public async Task<SecretContent> RequireGrantAsync(string ns, string name, string field, bool fresh, CancellationToken ct)
    {
        if (ns == _ocp.CredentialsNamespaceInEffect())
        {
            throw new OcpAccessDeniedException(InCredentialsNamespace(ns, name, field));
        }

        var content = await ReadGrantedAsync(ns, name, field, fresh, ct);
        if (field == "accessKeySecretRef" && content.Data.ContainsKey(UrlKey))
        {
            throw new OcpAccessDeniedException(UrlInAccessKey(ns, name));
        }

        return content;
    }

    // There config/rbac lets the operator read every Secret: whoever may only create backups there must not pick one.
    private static string InCredentialsNamespace(string ns, string name, string field) =>
        $"Secret {ns}/{name} ({field}) is in the credentials namespace, whose Secrets the operator reads for ClusterOcpConnections only: " +
        "a backup there names a ClusterOcpConnection (spec.ocpConnectionRef) and no Secret of its own";

    private static string UrlInAccessKey(string ns, string name) =>
        $"Secret {ns}/{name} (accessKeySecretRef) has a '{UrlKey}' key, so it is an OCP connection: OCP credentials are never sent as object-store keys; " +
        "name a Secret that holds only the object store's access key";

    private async Task<V1alpha1ClusterOcpConnection> ReadConnectionAsync(string name, CancellationToken ct) =>
        await connections.ReadAsync(new NamespacedName("", name), ct)
            ?? throw new OcpConfigurationException($"ClusterOcpConnection {name} (spec.ocpConnectionRef) not found");

    /// <summary>A team's Secret: a refused read is the grant its owner has not given, and the message says how to give it.</summary>
    private async Task<SecretContent> ReadGrantedAsync(string ns, string name, string field, bool fresh, CancellationToken ct)
    {
        if (!SecretGrant.IsValidName(name))
        {
            // Never read, and never put into the commands of the message.
            throw new OcpConfigurationException($"{field} is not a valid Secret name (a DNS-1123 subdomain)");
        }

        if (ns == _ocp.CredentialsNamespaceInEffect())
        {
            throw new OcpConfigurationException(InCredentialsNamespace(ns, name, field));
        }

        try
        {
            return fresh ? await secrets.ReadFreshAsync(ns, name, field, ct) : await secrets.ReadContentAsync(ns, name, field, ct);
        }
        catch (SecretUnavailableException e) when (e.Forbidden)
        {
            var (saNamespace, sa) = _ocp.ServiceAccountName();
            var commands = SecretGrant.Commands(ns, name, saNamespace, sa);
            throw new OcpConfigurationException(
                $"Secret {ns}/{name} ({field}) is not granted to the operator (ServiceAccount {saNamespace}:{sa} may not get it): " +
                $"grant it with `{commands[0]}` and `{commands[1]}` (or `kubectl ocp secret grant {name} -n {ns}`); nothing is sent until then",
                OcpConfigurationException.SecretNotGranted);
        }
        catch (SecretUnavailableException e)
        {
            throw new OcpConfigurationException(e.Message);
        }
    }

    /// <summary>A ClusterOcpConnection's credentials in the credentials namespace: a refused read is config/rbac's Role missing there.</summary>
    private async Task<SecretContent> ReadCredentialsAsync(string ns, string name, string field, CancellationToken ct)
    {
        try
        {
            return await secrets.ReadContentAsync(ns, name, field, ct);
        }
        catch (SecretUnavailableException e) when (e.Forbidden)
        {
            throw new OcpConfigurationException($"{e.Message} (config/rbac's Role backup-operator-credentials in namespace {ns})");
        }
        catch (SecretUnavailableException e)
        {
            throw new OcpConfigurationException(e.Message);
        }
    }
}
