using System.Net;
using k8s;
using k8s.Autorest;

namespace BackupOperator.Operator.Kubernetes;

public sealed class NamespaceReader(IKubernetes client) : INamespaceReader
{
    public async Task<IDictionary<string, string>?> ReadLabelsAsync(string name, CancellationToken cancellationToken)
    {
        try
        {
            var ns = await client.CoreV1.ReadNamespaceAsync(name, cancellationToken: cancellationToken);
            return ns.Metadata?.Labels ?? new Dictionary<string, string>();
        }
        catch (HttpOperationException e) when (e.Response.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }
    }
}
