using System.Net;
using BackupOperator.KubeClient;
using k8s;
using k8s.Models;

namespace BackupOperator.Operator.Kubernetes;

/// <summary>Deletes an object (e.g. a finished backup whose TTL passed); the uid precondition spares a re-created namesake.</summary>
public sealed class ResourceDeleter<T>(KubeApiClient client) : IResourceDeleter<T>
    where T : IKubernetesObject<V1ObjectMeta>
{
    private static readonly ResourcePath Path = ResourcePath.Of<T>();

    public async Task DeleteAsync(T resource, CancellationToken cancellationToken)
    {
        try
        {
            var options = new V1DeleteOptions { ApiVersion = "v1", Kind = "DeleteOptions", Preconditions = new V1Preconditions { Uid = resource.Metadata.Uid } };
            await client.SendAsync(HttpMethod.Delete, Path.For(resource.Metadata.NamespaceProperty, resource.Metadata.Name),
                client.JsonContent(options), cancellationToken);
        }
        catch (KubeApiException e) when (e.StatusCode is HttpStatusCode.NotFound or HttpStatusCode.Conflict)
        {
            // already gone, or a new resource of the same name: nothing to delete
        }
    }
}
