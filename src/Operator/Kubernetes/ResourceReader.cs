using System.Net;
using System.Text.Json;
using BackupOperator.Operator.Runtime;
using k8s;
using k8s.Autorest;

namespace BackupOperator.Operator.Kubernetes;

/// <summary>A live read by name, for the rare decision the cache's slim copy of an object cannot carry.</summary>
public sealed class ResourceReader<T>(IKubernetes client) : IResourceReader<T>
    where T : class
{
    public async Task<T?> ReadAsync(NamespacedName key, CancellationToken cancellationToken)
    {
        var kind = EntityKind<T>.Attribute;
        try
        {
            // A cluster-scoped object's key has no namespace.
            var obj = string.IsNullOrEmpty(key.Namespace)
                ? await client.CustomObjects.GetClusterCustomObjectAsync(kind.Group, kind.ApiVersion, kind.PluralName, key.Name, cancellationToken)
                : await client.CustomObjects.GetNamespacedCustomObjectAsync(kind.Group, kind.ApiVersion, key.Namespace, kind.PluralName, key.Name, cancellationToken);
            return KubernetesJson.Deserialize<T>(((JsonElement)obj).GetRawText());
        }
        catch (HttpOperationException e) when (e.Response.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }
    }
}
