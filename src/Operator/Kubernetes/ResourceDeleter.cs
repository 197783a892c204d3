using System.Net;
using k8s;
using k8s.Autorest;
using k8s.Models;

namespace BackupOperator.Operator.Kubernetes;

/// <summary>Deletes an object (e.g. a finished backup whose TTL passed); the uid precondition spares a re-created namesake.</summary>
public sealed class ResourceDeleter<T>(IKubernetes client) : IResourceDeleter<T>
    where T : IKubernetesObject<V1ObjectMeta>
{
    public async Task DeleteAsync(T resource, CancellationToken cancellationToken)
    {
        var kind = EntityKind<T>.Attribute;
        try
        {
            await client.CustomObjects.DeleteNamespacedCustomObjectAsync(
                kind.Group, kind.ApiVersion, resource.Metadata.NamespaceProperty, kind.PluralName, resource.Metadata.Name,
                new V1DeleteOptions { Preconditions = new V1Preconditions { Uid = resource.Metadata.Uid } },
                cancellationToken: cancellationToken);
        }
        catch (HttpOperationException e) when (e.Response.StatusCode is HttpStatusCode.NotFound or HttpStatusCode.Conflict)
        {
            // already gone, or a new resource of the same name: nothing to delete
        }
    }
}
