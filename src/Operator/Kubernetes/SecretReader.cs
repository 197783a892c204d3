using System.Collections.Concurrent;
using System.Net;
using BackupOperator.Operator.KubeApi;
using k8s.Models;

namespace BackupOperator.Operator.Kubernetes;

/// <summary>
/// Secrets read by name when needed. A read is reused for <c>cacheDuration</c> (a failed read never
/// is), so a burst of backups in one namespace costs the API server one read, not three per backup.
/// </summary>
public sealed class SecretReader(KubeApiClient client, TimeProvider time, TimeSpan cacheDuration) : ISecretReader
{
    private const int PruneAbove = 256;
    private readonly ConcurrentDictionary<(string Namespace, string Name), (DateTimeOffset ReadAt, SecretContent Content)> _reads = new();

    public async Task<SecretContent> ReadContentAsync(string ns, string name, string field, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        if (_reads.TryGetValue((ns, name), out var cached) && now - cached.ReadAt < cacheDuration)
        {
            return cached.Content;
        }

        try
        {
            var secret = await client.GetAsync<V1Secret>($"api/v1/namespaces/{ResourcePath.Segment(ns)}/secrets/{ResourcePath.Segment(name)}", cancellationToken);
            var content = new SecretContent(secret.Data ?? new Dictionary<string, byte[]>(), secret.Metadata?.Labels ?? new Dictionary<string, string>());
            if (cacheDuration > TimeSpan.Zero)
            {
                _reads[(ns, name)] = (now, content);
                if (_reads.Count > PruneAbove)
                {
                    foreach (var stale in _reads.Where(r => now - r.Value.ReadAt >= cacheDuration).Select(r => r.Key).ToList())
                    {
                        _reads.TryRemove(stale, out _);
                    }
                }
            }

            return content;
        }
        catch (KubeApiException e) when (e.StatusCode == HttpStatusCode.NotFound)
        {
            throw new SecretUnavailableException($"Secret {ns}/{name} ({field}) not found");
        }
        catch (KubeApiException e) when (e.StatusCode == HttpStatusCode.Forbidden)
        {
            throw new SecretUnavailableException($"the operator may not read Secret {ns}/{name} ({field}): RBAC must grant 'get' on secrets", forbidden: true);
        }
    }
}
