using System.Net;
using System.Text.Json;
using k8s;
using k8s.Autorest;
using k8s.Models;

namespace BackupOperator.Operator.Kubernetes;

/// <summary>Creates a namespaced custom resource: AlreadyExists is an answer (null), not an error.</summary>
public sealed class ResourceCreator<T>(IKubernetes client) : IResourceCreator<T>
    where T : IKubernetesObject<V1ObjectMeta>
{
    public async Task<T?> CreateAsync(T resource, CancellationToken cancellationToken)
    {
        var kind = EntityKind<T>.Attribute;
        try
        {
            var stored = await client.CustomObjects.CreateNamespacedCustomObjectAsync(
                resource, kind.Group, kind.ApiVersion, resource.Metadata.NamespaceProperty, kind.PluralName, cancellationToken: cancellationToken);
            return KubernetesJson.Deserialize<T>(((JsonElement)stored).GetRawText());
        }
        catch (HttpOperationException e) when (e.Response.StatusCode == HttpStatusCode.Conflict && Reason(e) is null or "AlreadyExists")
        {
            return default;
        }
        catch (HttpOperationException e)
        {
            throw new ResourceNotCreatedException(
                $"{kind.Kind} {resource.Metadata.NamespaceProperty}/{resource.Metadata.Name} was not created: {(int)e.Response.StatusCode} {Message(e)}",
                e.Response.StatusCode, e);
        }
    }

    private static string? Reason(HttpOperationException e) => Status(e)?.Reason;

    private static string Message(HttpOperationException e) => Status(e)?.Message ?? e.Response.ReasonPhrase ?? e.Message;

    private static V1Status? Status(HttpOperationException e)
    {
        try
        {
            return string.IsNullOrEmpty(e.Response.Content) ? null : KubernetesJson.Deserialize<V1Status>(e.Response.Content);
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
