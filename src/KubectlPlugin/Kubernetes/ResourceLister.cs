using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text.Json;
using System.Text.Json.Nodes;
using BackupOperator.KubeClient;
using BackupOperator.KubectlPlugin.Output;
using k8s;
using k8s.Models;

namespace BackupOperator.KubectlPlugin.Kubernetes;

/// <summary>The objects of a list, typed and as sent, and the resourceVersion a watch goes on from.</summary>
public sealed record ListPage<T>(IReadOnlyList<Listed<T>> Items, string? ResourceVersion)
    where T : IKubernetesObject<V1ObjectMeta>;

/// <summary>Any kind's list (in pages, with a label selector the API server applies) and its watch: thin, no decisions.</summary>
public sealed class ResourceLister(KubeApiClient client)
{
    /// <summary>The objects of one namespace, or of all when <paramref name="ns"/> is null.</summary>
    public async Task<ListPage<T>> ListAsync<T>(string? ns, string? selector, CancellationToken ct)
        where T : IKubernetesObject<V1ObjectMeta>
    {
        var path = ResourcePath.Of<T>();
        var items = new List<Listed<T>>();
        string? continueToken = null;
        string? resourceVersion;
        do
        {
            var list = await client.GetStreamingAsync<KubeList>(path.List(ns, 500, continueToken) + Selector(selector), ct);
            items.AddRange((list.Items ?? []).Select(Listed<T>));
            continueToken = list.Metadata?.ContinueProperty;
            resourceVersion = list.Metadata?.ResourceVersion;
        }
        while (!string.IsNullOrEmpty(continueToken));

        return new ListPage<T>(items, resourceVersion);
    }

    /// <summary>
    /// The changes after <paramref name="resourceVersion"/>, as (ADDED|MODIFIED|DELETED, object), until the server ends the
    /// watch after about <paramref name="timeoutSeconds"/>; an ERROR event (410 Gone) ends it too. Bookmarks are skipped.
    /// </summary>
    public async IAsyncEnumerable<(string Type, Listed<T>? Object)> WatchAsync<T>(
        string? ns, string? selector, string resourceVersion, int timeoutSeconds, [EnumeratorCancellation] CancellationToken ct)
        where T : IKubernetesObject<V1ObjectMeta>
    {
        var query = ResourcePath.Of<T>().For(ns) + string.Create(CultureInfo.InvariantCulture,
            $"?watch=true&resourceVersion={Uri.EscapeDataString(resourceVersion)}&timeoutSeconds={timeoutSeconds}") + Selector(selector);
        await foreach (var line in client.WatchAsync(query, ct))
        {
            if (line.Type == "ERROR")
            {
                yield return (line.Type, null);
                yield break;
            }

            if (line.Type != "BOOKMARK")
            {
                yield return (line.Type, Listed<T>(line.Body));
            }
        }
    }

    private Listed<T> Listed<T>(JsonElement element)
        where T : IKubernetesObject<V1ObjectMeta> =>
        new(client.Deserialize<T>(element), JsonNode.Parse(element.GetRawText())?.AsObject() ?? throw new JsonException("an item that is not an object"));

    private static string Selector(string? selector) =>
        selector is null ? "" : "&labelSelector=" + Uri.EscapeDataString(selector);
}
