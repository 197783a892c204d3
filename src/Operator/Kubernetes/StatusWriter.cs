using System.Net;
using System.Text.Json;
using k8s;
using k8s.Autorest;
using k8s.Models;

namespace BackupOperator.Operator.Kubernetes;

/// <summary>
/// Replaces the status with a <see cref="StatusPatch"/> (merge patch with a resourceVersion
/// precondition): two writers can never both record an intent.
/// </summary>
public sealed class StatusWriter<TEntity, TStatus>(IKubernetes client) : IStatusWriter<TEntity, TStatus>
    where TEntity : IKubernetesObject<V1ObjectMeta>, IStatus<TStatus?>
    where TStatus : class
{
    public async Task<TEntity> WriteAsync(TEntity resource, TStatus status, CancellationToken cancellationToken)
    {
        var kind = EntityKind<TEntity>.Attribute;
        var patch = StatusPatch.Build(resource.Metadata.ResourceVersion, resource.Status, status);
        try
        {
            var body = new V1Patch(patch, V1Patch.PatchType.MergePatch);
            var stored = string.IsNullOrEmpty(resource.Metadata.NamespaceProperty)
                ? await client.CustomObjects.PatchClusterCustomObjectStatusAsync(
                    body, kind.Group, kind.ApiVersion, kind.PluralName, resource.Metadata.Name, cancellationToken: cancellationToken)
                : await client.CustomObjects.PatchNamespacedCustomObjectStatusAsync(
                    body, kind.Group, kind.ApiVersion, resource.Metadata.NamespaceProperty, kind.PluralName, resource.Metadata.Name,
                    cancellationToken: cancellationToken);
            return KubernetesJson.Deserialize<TEntity>(((JsonElement)stored).GetRawText());
        }
        catch (HttpOperationException e) when (e.Response.StatusCode is HttpStatusCode.NotFound)
        {
            throw new ResourceGoneException(
                $"status of {resource.Metadata.NamespaceProperty}/{resource.Metadata.Name} was not written: the resource was deleted", e);
        }
        catch (HttpOperationException e) when (e.Response.StatusCode is HttpStatusCode.Conflict)
        {
            throw new StatusConflictException(
                $"status of {resource.Metadata.NamespaceProperty}/{resource.Metadata.Name} was not written: {e.Response.StatusCode} (resourceVersion {resource.Metadata.ResourceVersion})", e);
        }
    }
}
