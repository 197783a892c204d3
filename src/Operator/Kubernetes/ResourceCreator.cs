using System.Net;
using BackupOperator.KubeClient;
using k8s;
using k8s.Models;

namespace BackupOperator.Operator.Kubernetes;

/// <summary>Creates a namespaced custom resource: AlreadyExists is an answer (null), not an error.</summary>
public sealed class ResourceCreator<T>(KubeApiClient client) : IResourceCreator<T>
    where T : IKubernetesObject<V1ObjectMeta>
{
    private static readonly ResourcePath Path = ResourcePath.Of<T>();

    public async Task<T?> CreateAsync(T resource, CancellationToken cancellationToken)
    {
        var kind = ResourcePath.KindOf<T>();
        try
        {
            return await client.SendAsync<T>(HttpMethod.Post, Path.For(resource.Metadata.NamespaceProperty), client.JsonContent(resource), cancellationToken);
        }
        catch (KubeApiException e) when (e.StatusCode == HttpStatusCode.Conflict && e.Reason is null or "AlreadyExists")
        {
            return default;
        }
        catch (KubeApiException e)
        {
            throw new ResourceNotCreatedException(
                $"{kind.Kind} {resource.Metadata.NamespaceProperty}/{resource.Metadata.Name} was not created: {(int)e.StatusCode} {e.Status?.Message ?? e.StatusCode.ToString()}",
                e.StatusCode, e);
        }
    }
}
