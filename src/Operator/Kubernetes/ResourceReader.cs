using System.Net;
using BackupOperator.KubeClient;
using BackupOperator.Operator.Runtime;

namespace BackupOperator.Operator.Kubernetes;

/// <summary>A live read by name, for the rare decision the cache's slim copy of an object cannot carry.</summary>
public sealed class ResourceReader<T>(KubeApiClient client) : IResourceReader<T>
    where T : class
{
    private static readonly ResourcePath Path = ResourcePath.Of<T>();

    public async Task<T?> ReadAsync(NamespacedName key, CancellationToken cancellationToken)
    {
        try
        {
            // A cluster-scoped object's key has no namespace.
            return await client.GetAsync<T>(Path.For(key.Namespace, key.Name), cancellationToken);
        }
        catch (KubeApiException e) when (e.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }
    }
}
