using System.Diagnostics;
using System.Text.Json;
using BackupOperator.Entities;
using k8s;
using k8s.Autorest;
using k8s.Models;

namespace BackupOperator.E2E.Infrastructure;

/// <summary>
/// Teams and administrators of an organisation with several OCPs: a namespace per team, a team's own
/// OCP Secret, ClusterOcpConnections with their credentials where the operator reads them, and the raw
/// status of a backup (fields a newer operator writes that the test's entity types may not know).
/// </summary>
internal static class Tenants
{
    /// <summary>
    /// Where the administrators keep ClusterOcpConnection credentials: the operator's own namespace
    /// (the only one a connection may name once the operator reads no Secret it was not given).
    /// </summary>
    public const string CredentialsNamespace = E2EEnvironment.OperatorNamespace;

    public static async Task<string> NamespaceAsync(this E2EEnvironment env, string prefix, CancellationToken ct)
    {
        var name = $"{prefix}-{Guid.NewGuid().ToString("N")[..6]}";
        await env.Admin.CoreV1.CreateNamespaceAsync(new V1Namespace { Metadata = new V1ObjectMeta { Name = name } }, cancellationToken: ct);
        return name;
    }

    /// <summary>A team's own OCP Secret in its namespace, opened to backups (through the one method that knows how).</summary>
    public static Task TeamSecretAsync(this E2EEnvironment env, string ns, string name, string url, CancellationToken ct) =>
        env.CreateSecretAsync(name, new() { ["url"] = url, ["username"] = SimulatorHandle.User, ["password"] = SimulatorHandle.Password }, ct, ns);

    /// <summary>Points a team's Secret at another OCP (only its url changes).</summary>
    public static async Task SetSecretUrlAsync(this E2EEnvironment env, string ns, string name, string url, CancellationToken ct)
    {
        var patch = new V1Patch(JsonSerializer.Serialize(new { stringData = new { url } }), V1Patch.PatchType.MergePatch);
        await env.Admin.CoreV1.PatchNamespacedSecretAsync(patch, name, ns, cancellationToken: ct);
    }

    /// <summary>
    /// The administrator's side: a credentials Secret (made once per name) in <see cref="CredentialsNamespace"/>,
    /// and a ClusterOcpConnection to <paramref name="url"/> granting <paramref name="namespaces"/>. Returns its uid.
    /// </summary>
    public static async Task<string> ConnectionAsync(this E2EEnvironment env, string name, string url, IList<string> namespaces, CancellationToken ct,
        IList<long>? clusters = null, string credentials = "multi-ocp-credentials")
    {
        try
        {
            await env.CreateSecretAsync(credentials, new() { ["username"] = SimulatorHandle.User, ["password"] = SimulatorHandle.Password }, ct,
                CredentialsNamespace, openToBackups: false);
        }
        catch (HttpOperationException e) when (e.Response.StatusCode == System.Net.HttpStatusCode.Conflict)
        {
            // made by an earlier test
        }

        var created = await Manifests.CreateConnectionAsync(env.Admin, new V1alpha1ClusterOcpConnection
        {
            Metadata = new V1ObjectMeta { Name = name },
            Spec = new ClusterOcpConnectionSpec
            {
                Url = url,
                CredentialsSecretRef = new SecretReference { Namespace = CredentialsNamespace, Name = credentials },
                Namespaces = namespaces,
                AllowedClusterIds = clusters,
            },
        }, ct);
        return created.Metadata.Uid;
    }

    /// <summary>Deletes a connection and waits until the API server no longer has it (a re-create then gets a new uid).</summary>
    public static async Task DeleteConnectionAsync(this E2EEnvironment env, string name, CancellationToken ct)
    {
        await env.Admin.CustomObjects.DeleteClusterCustomObjectAsync(V1alpha1ClusterOcpConnection.ApiGroup, V1alpha1ClusterOcpConnection.Version,
            V1alpha1ClusterOcpConnection.Plural, name, cancellationToken: ct);
        await env.UntilAsync(async () =>
        {
            try
            {
                await env.Admin.CustomObjects.GetClusterCustomObjectAsync(V1alpha1ClusterOcpConnection.ApiGroup, V1alpha1ClusterOcpConnection.Version,
                    V1alpha1ClusterOcpConnection.Plural, name, ct);
                return false;
            }
            catch (HttpOperationException e) when (e.Response.StatusCode == System.Net.HttpStatusCode.NotFound)
            {
                return true;
            }
        }, TimeSpan.FromSeconds(30), $"ClusterOcpConnection {name} gone", ct);
    }

    public static async Task PatchConnectionAsync(this E2EEnvironment env, string name, object spec, CancellationToken ct)
    {
        var patch = new V1Patch(JsonSerializer.Serialize(new { spec }), V1Patch.PatchType.MergePatch);
        await env.Admin.CustomObjects.PatchClusterCustomObjectAsync(patch, V1alpha1ClusterOcpConnection.ApiGroup, V1alpha1ClusterOcpConnection.Version,
            V1alpha1ClusterOcpConnection.Plural, name, cancellationToken: ct);
    }

    /// <summary>A backup of <paramref name="clusterId"/> through the ClusterOcpConnection <paramref name="connection"/>.</summary>
    public static V1alpha1ClusterBackupNow Through(string name, long clusterId, string ns, string connection)
    {
        var backup = Backups.Nfs(name, clusterId, ns: ns);
        backup.Spec.OcpSecretRef = null;
        backup.Spec.OcpConnectionRef = new OcpConnectionReference { Name = connection };
        return backup;
    }

    /// <summary>The backup's status as the API server stores it, every field included.</summary>
    public static async Task<JsonElement?> RawStatusAsync(this E2EEnvironment env, string name, string ns, CancellationToken ct)
    {
        var obj = (JsonElement)await env.Admin.CustomObjects.GetNamespacedCustomObjectAsync(
            V1alpha1ClusterBackupNow.ApiGroup, V1alpha1ClusterBackupNow.Version, ns, V1alpha1ClusterBackupNow.Plural, name, ct);
        return obj.TryGetProperty("status", out var status) ? status.Clone() : null;
    }

    /// <summary>A string field of the raw status; null when absent.</summary>
    public static string? Field(this JsonElement? status, string field) =>
        status is { ValueKind: JsonValueKind.Object } s && s.TryGetProperty(field, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

    /// <summary>The OCP a backup recorded with its intent (status.ocpEndpoint); null when absent.</summary>
    public static async Task<string?> OcpEndpointAsync(this E2EEnvironment env, string name, string ns, CancellationToken ct) =>
        (await env.RawStatusAsync(name, ns, ct)).Field("ocpEndpoint");

    /// <summary>
    /// Waits (bounded) until <paramref name="done"/> holds for the backup; returns it. Unlike
    /// <see cref="E2EEnvironment.WaitForPhaseAsync"/>, a timeout is a test failure naming <paramref name="what"/> and the last status.
    /// </summary>
    public static async Task<V1alpha1ClusterBackupNow> UntilBackupAsync(this E2EEnvironment env, string name, string ns,
        Func<V1alpha1ClusterBackupNow, Task<bool>> done, TimeSpan timeout, string what, CancellationToken ct)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            var backup = await env.GetBackupAsync(name, ct, ns);
            if (await done(backup))
            {
                return backup;
            }

            if (clock.Elapsed > timeout)
            {
                Assert.Fail($"{ns}/{name}: {what} not seen within {timeout}; it is {backup.Status?.Phase} {backup.Status?.Reason}: {backup.Status?.Message}");
            }

            await Task.Delay(TimeSpan.FromMilliseconds(200), ct);
        }
    }

    /// <summary>
    /// The team withdraws its consent to the operator's use of its Secret, whichever form it took: the
    /// opt-in label of operators before issue 23, or a Role granting <c>get</c> on the Secret by name and
    /// its RoleBindings. Fails when there was no consent to withdraw.
    /// </summary>
    public static async Task WithdrawSecretConsentAsync(this E2EEnvironment env, string ns, string name, CancellationToken ct)
    {
        const string optInLabel = "ocp.oceanbase.com/usable-by-backups";
        var withdrawn = new List<string>();
        var secret = await env.Admin.CoreV1.ReadNamespacedSecretAsync(name, ns, cancellationToken: ct);
        if (secret.Metadata.Labels?.Remove(optInLabel) == true)
        {
            await env.Admin.CoreV1.ReplaceNamespacedSecretAsync(secret, name, ns, cancellationToken: ct);
            withdrawn.Add($"label {optInLabel}");
        }

        var roles = (await env.Admin.RbacAuthorizationV1.ListNamespacedRoleAsync(ns, cancellationToken: ct)).Items
            .Where(r => r.Rules?.Any(rule => rule.Resources?.Contains("secrets") == true && rule.ResourceNames?.Contains(name) == true) == true)
            .Select(r => r.Metadata.Name)
            .ToHashSet();
        foreach (var binding in (await env.Admin.RbacAuthorizationV1.ListNamespacedRoleBindingAsync(ns, cancellationToken: ct)).Items
            .Where(b => b.RoleRef.Kind == "Role" && roles.Contains(b.RoleRef.Name)))
        {
            await env.Admin.RbacAuthorizationV1.DeleteNamespacedRoleBindingAsync(binding.Metadata.Name, ns, cancellationToken: ct);
            withdrawn.Add($"RoleBinding {binding.Metadata.Name}");
        }

        foreach (var role in roles)
        {
            await env.Admin.RbacAuthorizationV1.DeleteNamespacedRoleAsync(role, ns, cancellationToken: ct);
            withdrawn.Add($"Role {role}");
        }

        Assert.True(withdrawn.Count > 0, $"Secret {ns}/{name} carried no consent to withdraw (neither the label nor a Role naming it)");
    }

    /// <summary>Deletes every backup in <paramref name="namespaces"/>, so none of them keeps the shared operator busy after the test (best effort).</summary>
    public static async Task DeleteBackupsAsync(this E2EEnvironment env, params string[] namespaces)
    {
        foreach (var ns in namespaces)
        {
            try
            {
                await env.Admin.CustomObjects.DeleteCollectionNamespacedCustomObjectAsync(
                    V1alpha1ClusterBackupNow.ApiGroup, V1alpha1ClusterBackupNow.Version, ns, V1alpha1ClusterBackupNow.Plural);
            }
            catch (HttpOperationException)
            {
                // best effort: the test's own outcome is what matters
            }
        }
    }

    /// <summary>The normalised base URL the contract records (scheme, lower-case host, port, no trailing slash).</summary>
    public static string Endpoint(string url)
    {
        var uri = new Uri(url);
        return $"{uri.Scheme}://{uri.Host.ToLowerInvariant()}:{uri.Port}{uri.AbsolutePath.TrimEnd('/')}";
    }
}
