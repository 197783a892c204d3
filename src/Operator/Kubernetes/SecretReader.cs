using System.Collections.Concurrent;
using System.Net;
using BackupOperator.KubeClient;
using k8s.Models;

namespace BackupOperator.Operator.Kubernetes;

/// <summary>
/// Secrets read by GET, by name, when needed. A read is reused for <c>cacheDuration</c>, so a burst of
/// backups in one namespace costs the API server one read, not three per backup. A failed read is
/// never reused and drops what was kept: a revoked grant or a deleted Secret counts at once.
/// </summary>
public sealed class SecretReader(KubeApiClient client, TimeProvider time, TimeSpan cacheDuration) : ISecretReader
{
    private const int PruneAbove = 256;
    private readonly ConcurrentDictionary<(string Namespace, string Name), (DateTimeOffset ReadAt, SecretContent Content)> _reads = new();

    public Task<SecretContent> ReadContentAsync(string ns, string name, string field, CancellationToken cancellationToken) =>
        _reads.TryGetValue((ns, name), out var cached) && time.GetUtcNow() - cached.ReadAt < cacheDuration
            ? Task.FromResult(cached.Content)
            : ReadFreshAsync(ns, name, field, cancellationToken);

    public async Task<SecretContent> ReadFreshAsync(string ns, string name, string field, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        try
        {
            var secret = await client.GetAsync<V1Secret>(ResourcePath.Secrets.For(ns, name), cancellationToken);
            var content = new SecretContent(secret.Data ?? new Dictionary<string, byte[]>());
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
            _reads.TryRemove((ns, name), out _);
            throw new SecretUnavailableException($"Secret {ns}/{name} ({field}) not found");
        }
        catch (KubeApiException e) when (e.StatusCode == HttpStatusCode.Forbidden)
        {
            _reads.TryRemove((ns, name), out _);
            throw new SecretUnavailableException($"the operator may not read Secret {ns}/{name} ({field}): RBAC must grant its ServiceAccount 'get' on it", forbidden: true);
        }
    }
}
