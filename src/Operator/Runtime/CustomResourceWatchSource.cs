using System.Net;
using System.Reflection;
using System.Runtime.CompilerServices;
using System.Text.Json;
using k8s;
using k8s.Autorest;
using k8s.Models;

namespace BackupOperator.Operator.Runtime;

/// <summary>List + watch of a custom resource, cluster-wide or in one namespace, over KubernetesClient.</summary>
public sealed partial class CustomResourceWatchSource<T>(IKubernetes client, string? ns, int watchTimeoutSeconds, ILogger logger) : IWatchSource<T>
    where T : IKubernetesObject<V1ObjectMeta>
{
    private static readonly KubernetesEntityAttribute Entity = typeof(T).GetCustomAttribute<KubernetesEntityAttribute>()
        ?? throw new InvalidOperationException($"{typeof(T).Name} has no [KubernetesEntity]");

    public async Task<(IReadOnlyList<T> Items, string ResourceVersion)> ListAsync(CancellationToken cancellationToken)
    {
        var items = new List<T>();
        string? continueToken = null;
        string resourceVersion;
        do
        {
            using var response = ns is null
                ? await client.CustomObjects.ListClusterCustomObjectWithHttpMessagesAsync(
                    Entity.Group, Entity.ApiVersion, Entity.PluralName, continueParameter: continueToken, limit: 500, cancellationToken: cancellationToken)
                : await client.CustomObjects.ListNamespacedCustomObjectWithHttpMessagesAsync(
                    Entity.Group, Entity.ApiVersion, ns, Entity.PluralName, continueParameter: continueToken, limit: 500, cancellationToken: cancellationToken);
            var list = (JsonElement)response.Body;
            var metadata = list.GetProperty("metadata");
            resourceVersion = metadata.TryGetProperty("resourceVersion", out var rv) ? rv.GetString() ?? "" : "";
            continueToken = metadata.TryGetProperty("continue", out var c) ? c.GetString() : null;
            foreach (var item in list.GetProperty("items").EnumerateArray())
            {
                if (TryRead(item, out var resource))
                {
                    items.Add(resource!);
                }
            }
        }
        while (!string.IsNullOrEmpty(continueToken));

        return (items, resourceVersion);
    }

    public async IAsyncEnumerable<WatchEvent<T>> WatchAsync(string resourceVersion, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        Exception? streamError = null;
        void OnError(Exception e) => streamError ??= e;
        var stream = ns is null
            ? client.CustomObjects.WatchListClusterCustomObjectAsync(
                Entity.Group, Entity.ApiVersion, Entity.PluralName, allowWatchBookmarks: true, resourceVersion: resourceVersion,
                timeoutSeconds: watchTimeoutSeconds, onError: OnError, cancellationToken: cancellationToken)
            : client.CustomObjects.WatchListNamespacedCustomObjectAsync(
                Entity.Group, Entity.ApiVersion, ns, Entity.PluralName, allowWatchBookmarks: true, resourceVersion: resourceVersion,
                timeoutSeconds: watchTimeoutSeconds, onError: OnError, cancellationToken: cancellationToken);

        await using var enumerator = stream.GetAsyncEnumerator(cancellationToken);
        while (true)
        {
            (WatchEventType Type, object Object) current;
            try
            {
                if (!await enumerator.MoveNextAsync())
                {
                    break;
                }

                current = enumerator.Current;
            }
            catch (HttpOperationException e) when (e.Response.StatusCode == HttpStatusCode.Gone)
            {
                throw new WatchExpiredException($"watch from resourceVersion {resourceVersion} expired", e);
            }

            var element = current.Object is JsonElement je ? je : JsonSerializer.SerializeToElement(current.Object);
            switch (current.Type)
            {
                case WatchEventType.Bookmark:
                    yield return new WatchEvent<T>(WatchEventType.Bookmark, default, ResourceVersionOf(element));
                    break;
                case WatchEventType.Error:
                    var code = element.TryGetProperty("code", out var codeProperty) && codeProperty.TryGetInt32(out var n) ? n : 0;
                    var message = element.TryGetProperty("message", out var m) ? m.GetString() : element.GetRawText();
                    if (code == (int)HttpStatusCode.Gone)
                    {
                        throw new WatchExpiredException($"watch expired: {message}");
                    }

                    throw new InvalidOperationException($"watch error {code}: {message}");
                default:
                    if (TryRead(element, out var resource))
                    {
                        yield return new WatchEvent<T>(current.Type, resource, resource!.Metadata.ResourceVersion);
                    }

                    break;
            }
        }

        if (streamError is not null)
        {
            throw IsExpired(streamError)
                ? new WatchExpiredException($"watch from resourceVersion {resourceVersion} expired: {streamError.Message}", streamError)
                : new InvalidOperationException($"watch stream failed: {streamError.Message}", streamError);
        }
    }

    // 410 Gone reaches the client in three shapes: an HTTP status, a Status object in an ERROR
    // event, or a KubernetesException raised by the watcher for that ERROR event.
    private static bool IsExpired(Exception e) => e switch
    {
        HttpOperationException h => h.Response.StatusCode == HttpStatusCode.Gone,
        KubernetesException k => k.Status?.Code == (int)HttpStatusCode.Gone
            || k.Message.Contains("too old resource version", StringComparison.OrdinalIgnoreCase),
        _ => false,
    };

    private bool TryRead(JsonElement element, out T? resource)
    {
        try
        {
            resource = KubernetesJson.Deserialize<T>(element.GetRawText());
            return resource?.Metadata?.Name is not null;
        }
        catch (JsonException e)
        {
            // One malformed object must not blind the operator to all others.
            LogUnreadableObject(logger, ResourceVersionOf(element) ?? "?", e.Message);
            resource = default;
            return false;
        }
    }

    private static string? ResourceVersionOf(JsonElement element) =>
        element.TryGetProperty("metadata", out var md) && md.TryGetProperty("resourceVersion", out var rv) ? rv.GetString() : null;

    [LoggerMessage(1005, LogLevel.Warning, "Skipped an unreadable object at resourceVersion {ResourceVersion}: {Error}")]
    private static partial void LogUnreadableObject(ILogger logger, string resourceVersion, string error);
}
