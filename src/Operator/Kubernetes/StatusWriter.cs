using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using BackupOperator.Entities;
using k8s;
using k8s.Autorest;
using k8s.Models;

namespace BackupOperator.Operator.Kubernetes;

public interface IStatusWriter
{
    /// <summary>
    /// Writes <paramref name="status"/> to the status subresource, only if the resource is still at the
    /// resourceVersion it was read at; returns the stored object. Throws <see cref="StatusConflictException"/>
    /// when someone else wrote first, <see cref="ResourceGoneException"/> when the resource was deleted.
    /// </summary>
    Task<V1alpha1ClusterBackupNow> WriteAsync(V1alpha1ClusterBackupNow resource, ClusterBackupNowStatus status, CancellationToken cancellationToken);
}


/// <summary>
/// A JSON merge patch of the status subresource carrying metadata.resourceVersion, so the API
/// server refuses it (409) when the object changed since it was read: two writers can never both
/// record an intent. Fields the new status no longer has are sent as null, which merge patch
/// reads as "remove".
/// </summary>
public sealed class StatusWriter(IKubernetes client) : IStatusWriter
{
    public async Task<V1alpha1ClusterBackupNow> WriteAsync(V1alpha1ClusterBackupNow resource, ClusterBackupNowStatus status, CancellationToken cancellationToken)
    {
        var patch = new JsonObject
        {
            ["metadata"] = new JsonObject { ["resourceVersion"] = resource.Metadata.ResourceVersion },
            ["status"] = StatusPatch(resource.Status, status),
        };
        try
        {
            var stored = await client.CustomObjects.PatchNamespacedCustomObjectStatusAsync(
                new V1Patch(patch.ToJsonString(), V1Patch.PatchType.MergePatch),
                V1alpha1ClusterBackupNow.ApiGroup, V1alpha1ClusterBackupNow.Version, resource.Metadata.NamespaceProperty,
                V1alpha1ClusterBackupNow.Plural, resource.Metadata.Name, cancellationToken: cancellationToken);
            return KubernetesJson.Deserialize<V1alpha1ClusterBackupNow>(((JsonElement)stored).GetRawText());
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

    internal static JsonNode StatusPatch(ClusterBackupNowStatus? old, ClusterBackupNowStatus status)
    {
        var next = JsonNode.Parse(KubernetesJson.Serialize(status))!.AsObject();
        if (old is not null)
        {
            foreach (var (key, _) in JsonNode.Parse(KubernetesJson.Serialize(old))!.AsObject())
            {
                if (!next.ContainsKey(key))
                {
                    next[key] = null;
                }
            }
        }

        return next;
    }
}
