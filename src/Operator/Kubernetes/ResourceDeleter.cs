using System.Net;
using System.Text.Json;
using BackupOperator.Entities;
using BackupOperator.Operator.Controller;
using k8s;
using k8s.Autorest;
using k8s.Models;

namespace BackupOperator.Operator.Kubernetes;

public interface IResourceDeleter
{
    Task DeleteAsync(V1alpha1ClusterBackupNow resource, CancellationToken cancellationToken);
}

/// <summary>Deletes a finished ClusterBackupNow whose TTL passed; the uid precondition spares a re-created namesake.</summary>
public sealed class ResourceDeleter(IKubernetes client) : IResourceDeleter
{
    public async Task DeleteAsync(V1alpha1ClusterBackupNow resource, CancellationToken cancellationToken)
    {
        try
        {
            await client.CustomObjects.DeleteNamespacedCustomObjectAsync(
                V1alpha1ClusterBackupNow.ApiGroup, V1alpha1ClusterBackupNow.Version, resource.Metadata.NamespaceProperty,
                V1alpha1ClusterBackupNow.Plural, resource.Metadata.Name,
                new V1DeleteOptions { Preconditions = new V1Preconditions { Uid = resource.Metadata.Uid } },
                cancellationToken: cancellationToken);
        }
        catch (HttpOperationException e) when (e.Response.StatusCode is HttpStatusCode.NotFound or HttpStatusCode.Conflict)
        {
            // already gone, or a new resource of the same name: nothing to delete
        }
    }
}

public interface IResourceReader
{
    /// <summary>The object as the API server has it now; null when it is gone.</summary>
    Task<V1alpha1ClusterBackupNow?> ReadAsync(NamespacedName key, CancellationToken cancellationToken);
}

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
