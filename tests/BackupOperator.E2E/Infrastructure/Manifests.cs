using System.Net;
using System.Text.Json;
using BackupOperator.Entities;
using k8s;
using k8s.Autorest;
using k8s.Models;

namespace BackupOperator.E2E.Infrastructure;

/// <summary>Applies the repository's YAML manifests with the typed client, as `kubectl apply -f` would.</summary>
internal static class Manifests
{
    private static readonly Dictionary<string, Type> Types = new()
    {
        [$"{V1alpha1ClusterBackupNow.ApiGroup}/{V1alpha1ClusterBackupNow.Version}/{V1alpha1ClusterBackupNow.EntityKind}"] = typeof(V1alpha1ClusterBackupNow),
        [$"{V1alpha1ClusterOcpConnection.ApiGroup}/{V1alpha1ClusterOcpConnection.Version}/{V1alpha1ClusterOcpConnection.EntityKind}"] = typeof(V1alpha1ClusterOcpConnection),
        [$"{V1alpha1ClusterBackupSchedule.ApiGroup}/{V1alpha1ClusterBackupSchedule.Version}/{V1alpha1ClusterBackupSchedule.EntityKind}"] = typeof(V1alpha1ClusterBackupSchedule),
    };

    public static IReadOnlyList<object> Load(string fileOrDirectory)
    {
        IEnumerable<string> files = Directory.Exists(fileOrDirectory)
            ? Directory.GetFiles(fileOrDirectory, "*.yaml").Order(StringComparer.Ordinal)
            : [fileOrDirectory];
        return files.SelectMany(f => KubernetesYaml.LoadAllFromString(File.ReadAllText(f), Types)).ToList();
    }

    public static async Task ApplyAsync(IKubernetes client, string fileOrDirectory, string? defaultNamespace, CancellationToken ct)
    {
        foreach (var obj in Load(fileOrDirectory))
        {
            await CreateAsync(client, obj, defaultNamespace, ct);
        }
    }

    public static async Task CreateAsync(IKubernetes client, object obj, string? defaultNamespace, CancellationToken ct)
    {
        try
        {
            switch (obj)
            {
                case V1CustomResourceDefinition crd:
                    await client.ApiextensionsV1.CreateCustomResourceDefinitionAsync(crd, cancellationToken: ct);
                    await WaitEstablishedAsync(client, crd.Metadata.Name, ct);
                    break;
                case V1Namespace ns:
                    await client.CoreV1.CreateNamespaceAsync(ns, cancellationToken: ct);
                    break;
                case V1ServiceAccount sa:
                    await client.CoreV1.CreateNamespacedServiceAccountAsync(sa, sa.Metadata.NamespaceProperty ?? defaultNamespace, cancellationToken: ct);
                    break;
                case V1Secret secret:
                    await client.CoreV1.CreateNamespacedSecretAsync(secret, secret.Metadata.NamespaceProperty ?? defaultNamespace, cancellationToken: ct);
                    break;
                case V1ClusterRole role:
                    await client.RbacAuthorizationV1.CreateClusterRoleAsync(role, cancellationToken: ct);
                    break;
                case V1ClusterRoleBinding binding:
                    await client.RbacAuthorizationV1.CreateClusterRoleBindingAsync(binding, cancellationToken: ct);
                    break;
                case V1Role role:
                    await client.RbacAuthorizationV1.CreateNamespacedRoleAsync(role, role.Metadata.NamespaceProperty ?? defaultNamespace, cancellationToken: ct);
                    break;
                case V1RoleBinding binding:
                    await client.RbacAuthorizationV1.CreateNamespacedRoleBindingAsync(binding, binding.Metadata.NamespaceProperty ?? defaultNamespace, cancellationToken: ct);
                    break;
                case V1Deployment deployment:
                    await client.AppsV1.CreateNamespacedDeploymentAsync(deployment, deployment.Metadata.NamespaceProperty ?? defaultNamespace, cancellationToken: ct);
                    break;
                case V1alpha1ClusterBackupNow backup:
                    await CreateBackupAsync(client, backup, backup.Metadata.NamespaceProperty ?? defaultNamespace!, ct);
                    break;
                case V1alpha1ClusterOcpConnection connection:
                    await CreateConnectionAsync(client, connection, ct);
                    break;
                case V1alpha1ClusterBackupSchedule schedule:
                    await CreateScheduleAsync(client, schedule, schedule.Metadata.NamespaceProperty ?? defaultNamespace!, ct);
                    break;
                default:
                    throw new NotSupportedException($"no apply for {obj.GetType().Name}");
            }
        }
        catch (HttpOperationException e) when (e.Response.StatusCode == HttpStatusCode.Conflict)
        {
            // already there: apply is idempotent
        }
    }

    public static async Task<V1alpha1ClusterBackupNow> CreateBackupAsync(IKubernetes client, V1alpha1ClusterBackupNow backup, string ns, CancellationToken ct)
    {
        backup.Metadata.NamespaceProperty = ns;
        var created = await client.CustomObjects.CreateNamespacedCustomObjectAsync(
            backup, V1alpha1ClusterBackupNow.ApiGroup, V1alpha1ClusterBackupNow.Version, ns, V1alpha1ClusterBackupNow.Plural, cancellationToken: ct);
        return KubernetesJson.Deserialize<V1alpha1ClusterBackupNow>(((JsonElement)created).GetRawText());
    }

    public static async Task<V1alpha1ClusterBackupSchedule> CreateScheduleAsync(IKubernetes client, V1alpha1ClusterBackupSchedule schedule, string ns, CancellationToken ct)
    {
        schedule.Metadata.NamespaceProperty = ns;
        var created = await client.CustomObjects.CreateNamespacedCustomObjectAsync(
            schedule, V1alpha1ClusterBackupSchedule.ApiGroup, V1alpha1ClusterBackupSchedule.Version, ns, V1alpha1ClusterBackupSchedule.Plural, cancellationToken: ct);
        return KubernetesJson.Deserialize<V1alpha1ClusterBackupSchedule>(((JsonElement)created).GetRawText());
    }

    /// <summary>A ClusterOcpConnection is cluster-scoped: no namespace.</summary>
    public static async Task<V1alpha1ClusterOcpConnection> CreateConnectionAsync(IKubernetes client, V1alpha1ClusterOcpConnection connection, CancellationToken ct)
    {
        var created = await client.CustomObjects.CreateClusterCustomObjectAsync(
            connection, V1alpha1ClusterOcpConnection.ApiGroup, V1alpha1ClusterOcpConnection.Version, V1alpha1ClusterOcpConnection.Plural, cancellationToken: ct);
        return KubernetesJson.Deserialize<V1alpha1ClusterOcpConnection>(((JsonElement)created).GetRawText());
    }

    private static async Task WaitEstablishedAsync(IKubernetes client, string name, CancellationToken ct)
    {
        for (var i = 0; i < 100; i++)
        {
            var crd = await client.ApiextensionsV1.ReadCustomResourceDefinitionAsync(name, cancellationToken: ct);
            if (crd.Status?.Conditions?.Any(c => c.Type == "Established" && c.Status == "True") == true)
            {
                return;
            }

            await Task.Delay(TimeSpan.FromMilliseconds(100), ct);
        }

        throw new TimeoutException($"CRD {name} not established");
    }
}
