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
            var data = (await ReadGrantedAsync(ns, name, "spec.ocpSecretRef", fresh: false, cancellationToken)).Data;
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
            await ConsentAsync(ns, secretName, "spec.ocpSecretRef", recorded, cancellationToken);
        }

        if (AccessKeyRef(resource) is { } keyRef)
        {
            await ConsentAsync(ns, keyRef.Name!, "accessKeySecretRef", recorded, cancellationToken);
        }
    }

    /// <summary>
    /// A team's Secret consent, read afresh before a POST (<paramref name="recorded"/> set): a grant
    /// withdrawn since the intent is a denial then, not a wait; before the intent it is a wait.
    /// </summary>
    private async Task ConsentAsync(string ns, string name, string field, OcpTarget? recorded, CancellationToken ct)
    {
        try
        {
            await RequireGrantAsync(ns, name, field, fresh: recorded is not null, ct);
        }
        catch (OcpConfigurationException e) when (recorded is not null && e.Reason == OcpConfigurationException.SecretNotGranted)
        {
            throw new OcpAccessDeniedException($"Secret {ns}/{name} ({field}) is no longer granted to the operator", mayPass: true);
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

            var credentialsNamespace = _ocp.CredentialsNamespaceInEffect();
            if (secretNs != credentialsNamespace)
            {
                // Checked before any read: a connection editor must not make the operator read (and send) another namespace's Secret.
                throw new OcpConfigurationException(
                    $"ClusterOcpConnection {connectionName}: {ConnectionCheck.CredentialsNamespaceRule(secretRef, credentialsNamespace)}",
                    OcpConfigurationException.SecretNamespaceNotAllowed);
            }

            // Where the credentials would go, before they are read.
            RequireSameOcp(recorded, EndpointOf(connection.Spec.Url, $"ClusterOcpConnection {connectionName}"), $"ClusterOcpConnection {connectionName}");
            var data = (await ReadCredentialsAsync(secretNs, secretName, $"ClusterOcpConnection {connectionName}", cancellationToken)).Data;
            settings = ConnectionSettings.From(connection, data);
            connectionUid = connection.Metadata.Uid;
        }
        else if (spec.OcpSecretRef?.Name is { Length: > 0 } name)
        {
            RequireNamespaceSecretsAllowed(resource);
            var data = (await ReadGrantedAsync(ns, name, "spec.ocpSecretRef", fresh: false, cancellationToken)).Data;
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
        return new OcpSession(api, recorded ?? new OcpTarget(endpoint, connectionUid), settings.UsesAccessKey ? null : settings.Username);
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
        if (!_ocp.AllowNamespaceSecrets)
        {
            throw new OcpAccessDeniedException(
                $"spec.ocpSecretRef ({resource.Metadata.NamespaceProperty}/{resource.Spec.OcpSecretRef?.Name}) is not used: the administrator switched namespace Secrets off " +
                "(Ocp:AllowNamespaceSecrets=false); name a ClusterOcpConnection in spec.ocpConnectionRef");
        }
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
