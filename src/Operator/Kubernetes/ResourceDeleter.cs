using System.Net;
using BackupOperator.Entities;
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
