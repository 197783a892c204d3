using System.Net;
using System.Runtime.CompilerServices;
using System.Text.Json;
using BackupOperator.KubeClient;
using k8s;
using k8s.Models;

namespace BackupOperator.Operator.Runtime;

/// <summary>List + watch of a custom resource, cluster-wide or in one namespace, over the API's HTTP stream.</summary>
public sealed partial class CustomResourceWatchSource<T>(KubeApiClient client, string? ns, int watchTimeoutSeconds, ILogger logger) : IWatchSource<T>
    where T : IKubernetesObject<V1ObjectMeta>
{
    private const int PageSize = 500;

    private static readonly ResourcePath Path = ResourcePath.Of<T>();

    private bool _listed;

    /// <summary>
    /// The first list of the process comes whole from the API server's watch cache (resourceVersion=0,
    /// as client-go's reflector lists), read and handed on 500 objects at a time as it arrives: the
    /// watch cache answers from memory, where a paginated list reads every page from etcd and decodes
    /// it again, which with a long history was most of the time to ready. A re-list (after a 410, a
    /// stalled watch) reads etcd page by page, consistent, as before: a watch cache behind the
    /// resourceVersion that just expired would only answer with another expired one.
    /// </summary>
    public async IAsyncEnumerable<ListPage<T>> ListAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        string? continueToken = null;
        if (!_listed)
        {
            _listed = true;
            KubeList? last = null;
            await foreach (var chunk in client.ListChunksAsync(Path.ListFromCache(ns), PageSize, cancellationToken))
            {
                last = chunk;
                yield return Page(chunk);
            }

            continueToken = Checked(last!).Metadata?.ContinueProperty;

            // A watch cache that paged after all: the rest, to the last page, or the cache would be synced without it.
            if (string.IsNullOrEmpty(continueToken))
            {
                yield break;
            }
        }

        do
        {
            var list = Checked(await client.GetStreamingAsync<KubeList>(Path.List(ns, PageSize, continueToken), cancellationToken));
            continueToken = list.Metadata?.ContinueProperty;
            yield return Page(list);
        }
        while (!string.IsNullOrEmpty(continueToken));
    }

    /// <summary>
    /// Every list answer ends with its resourceVersion: without one it is a failure written as a list
    /// (a 200 Status), which read as a list would make the cache ready without the backups, and a watch from "" start from now.
    /// </summary>
    private static KubeList Checked(KubeList list) =>
        string.IsNullOrEmpty(list.Metadata?.ResourceVersion)
            ? throw new JsonException($"a list of {Path.Plural} without a resourceVersion: a failure, not a list")
            : list;

    private ListPage<T> Page(KubeList list)
    {
        var items = new List<T>(list.Items?.Count ?? 0);
        foreach (var item in list.Items ?? [])
        {
            if (TryRead(item, out var resource))
            {
                items.Add(resource!);
            }
        }

        return new ListPage<T>(items, list.Metadata?.ResourceVersion ?? "");
    }

    public async IAsyncEnumerable<WatchEvent<T>> WatchAsync(string resourceVersion, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await using var enumerator = client.WatchAsync(Path.Watch(ns, resourceVersion, watchTimeoutSeconds), cancellationToken).GetAsyncEnumerator(cancellationToken);
        while (true)
        {
            WatchLine line;
            try
            {
                if (!await enumerator.MoveNextAsync())
                {
                    yield break;
                }

                line = enumerator.Current;
            }
            catch (KubeApiException e) when (e.StatusCode == HttpStatusCode.Gone)
            {
                throw new WatchExpiredException($"watch from resourceVersion {resourceVersion} expired", e);
            }

            if (ToEvent(line, resourceVersion) is { } watchEvent)
            {
                yield return watchEvent;
            }
        }
    }

    /// <summary>
    /// One line of the stream as an event: BOOKMARK carries only a resourceVersion; ERROR 410 (the
    /// resourceVersion is too old) is <see cref="WatchExpiredException"/>, any other ERROR ends the watch;
    /// an object that cannot be read is skipped (null).
    /// </summary>
    internal WatchEvent<T>? ToEvent(WatchLine line, string resourceVersion)
    {
        switch (line.Type)
        {
            case "BOOKMARK":
                return new WatchEvent<T>(WatchEventType.Bookmark, default, ResourceVersionOf(line.Body));
            case "ERROR":
                var code = line.Body.ValueKind == JsonValueKind.Object && line.Body.TryGetProperty("code", out var c) && c.TryGetInt32(out var n) ? n : 0;
                var message = line.Body.ValueKind == JsonValueKind.Object && line.Body.TryGetProperty("message", out var m) ? m.GetString() : line.Body.GetRawText();
                throw code == (int)HttpStatusCode.Gone
                    ? new WatchExpiredException($"watch from resourceVersion {resourceVersion} expired: {message}")
                    : new InvalidOperationException($"watch error {code}: {message}");
            case "ADDED" or "MODIFIED" or "DELETED":
                var type = line.Type switch { "ADDED" => WatchEventType.Added, "MODIFIED" => WatchEventType.Modified, _ => WatchEventType.Deleted };
                return TryRead(line.Body, out var resource) ? new WatchEvent<T>(type, resource, resource!.Metadata.ResourceVersion) : null;
            default:
                LogUnknownEvent(logger, line.Type);
                return null;
        }
    }

    private bool TryRead(JsonElement element, out T? resource)
    {
        try
        {
            resource = client.Deserialize<T>(element);
            return resource.Metadata?.Name is not null;
        }
        catch (JsonException e)
        {
            // One malformed object must not blind the operator to all others.
            LogUnreadableObject(logger, NameOf(element), ResourceVersionOf(element) ?? "?", e.Message);
            resource = default;
            return false;
        }
    }

    private static string? ResourceVersionOf(JsonElement element) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty("metadata", out var md) && md.TryGetProperty("resourceVersion", out var rv)
            ? rv.GetString()
            : null;

    /// <summary>namespace/name of an object that could not be read, so the log says which one was skipped.</summary>
    private static string NameOf(JsonElement element) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty("metadata", out var md) && md.ValueKind == JsonValueKind.Object
            ? $"{Text(md, "namespace")}/{Text(md, "name")}"
            : "?";

    private static string Text(JsonElement md, string field) =>
        md.TryGetProperty(field, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString()! : "";

    [LoggerMessage(1005, LogLevel.Warning, "Skipped an unreadable object {Object} at resourceVersion {ResourceVersion}: {Error}")]
    private static partial void LogUnreadableObject(ILogger logger, string @object, string resourceVersion, string error);

    [LoggerMessage(1012, LogLevel.Warning, "Skipped a watch event of unknown type {Type}")]
    private static partial void LogUnknownEvent(ILogger logger, string type);
}
