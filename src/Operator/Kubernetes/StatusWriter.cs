using System.Net;
using BackupOperator.KubeClient;
using k8s;
using k8s.Models;

namespace BackupOperator.Operator.Kubernetes;

/// <summary>
/// Replaces the status with a <see cref="StatusPatch"/> (merge patch with a resourceVersion
/// precondition): two writers can never both record an intent.
/// </summary>
public sealed class StatusWriter<TEntity, TStatus>(KubeApiClient client) : IStatusWriter<TEntity, TStatus>
    where TEntity : IKubernetesObject<V1ObjectMeta>, IStatus<TStatus?>
    where TStatus : class
{
    private static readonly ResourcePath Path = ResourcePath.Of<TEntity>();

    public async Task<TEntity> WriteAsync(TEntity resource, TStatus status, CancellationToken cancellationToken)
    {
        var patch = StatusPatch.Build(resource.Metadata.ResourceVersion, resource.Status, status, client.TypeInfo<TStatus>());
        try
        {
            // A cluster-scoped object has no namespace.
            return await client.SendAsync<TEntity>(HttpMethod.Patch, Path.For(resource.Metadata.NamespaceProperty, resource.Metadata.Name, "status"),
                KubeApiClient.MergePatch(patch), cancellationToken);
        }
        catch (KubeApiException e) when (e.StatusCode is HttpStatusCode.NotFound)
        {
            throw new ResourceGoneException(
                $"status of {resource.Metadata.NamespaceProperty}/{resource.Metadata.Name} was not written: the resource was deleted", e);
        }
        catch (KubeApiException e) when (e.StatusCode is HttpStatusCode.Conflict)
        {
            throw new StatusConflictException(
                $"status of {resource.Metadata.NamespaceProperty}/{resource.Metadata.Name} was not written: {e.StatusCode} (resourceVersion {resource.Metadata.ResourceVersion})", e);
        }
    }
}
