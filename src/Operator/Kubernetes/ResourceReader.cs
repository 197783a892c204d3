using System.Net;
using System.Text.Json;
using BackupOperator.Entities;
using BackupOperator.Operator.Controller;
using k8s;
using k8s.Autorest;

namespace BackupOperator.Operator.Kubernetes;

/// <summary>A live read by name, for the rare decision the cache's slim copy of a finished backup cannot carry.</summary>
public sealed class ResourceReader(IKubernetes client) : IResourceReader
{
    public async Task<V1alpha1ClusterBackupNow?> ReadAsync(NamespacedName key, CancellationToken cancellationToken)
    {
        try
        {
            var obj = await client.CustomObjects.GetNamespacedCustomObjectAsync(
                V1alpha1ClusterBackupNow.ApiGroup, V1alpha1ClusterBackupNow.Version, key.Namespace,
                V1alpha1ClusterBackupNow.Plural, key.Name, cancellationToken);
            return KubernetesJson.Deserialize<V1alpha1ClusterBackupNow>(((JsonElement)obj).GetRawText());
        }
        catch (HttpOperationException e) when (e.Response.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }
    }
}
