using System.Net;
using BackupOperator.KubeClient;
using k8s.Models;

namespace BackupOperator.Operator.Kubernetes;

public sealed class NamespaceReader(KubeApiClient client) : INamespaceReader
{
    public async Task<IDictionary<string, string>?> ReadLabelsAsync(string name, CancellationToken cancellationToken)
    {
        try
        {
            var ns = await client.GetAsync<V1Namespace>(ResourcePath.Namespaces.For(null, name), cancellationToken);
            return ns.Metadata?.Labels ?? new Dictionary<string, string>();
        }
        catch (KubeApiException e) when (e.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }
    }
}
