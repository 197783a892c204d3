using System.Net;
using System.Runtime.CompilerServices;
using System.Text.Json;
using System.Text.Json.Nodes;
using BackupOperator.Entities;
using BackupOperator.KubeClient;
using k8s;
using k8s.Models;

namespace BackupOperator.KubectlPlugin.Kubernetes;

/// <summary>ClusterBackupNow, ClusterBackupSchedule, ClusterOcpConnection and their events through the API server: thin, no decisions.</summary>
public sealed class BackupApi(KubeApiClient client) : IBackupReader
{
    private static readonly ResourcePath Backups = ResourcePath.Of<V1alpha1ClusterBackupNow>();
    private static readonly ResourcePath Schedules = ResourcePath.Of<V1alpha1ClusterBackupSchedule>();
    private static readonly ResourcePath Connections = ResourcePath.Of<V1alpha1ClusterOcpConnection>();

    public async Task<V1alpha1ClusterBackupNow?> GetBackupAsync(string ns, string name, CancellationToken ct) =>
        await GetAsync<V1alpha1ClusterBackupNow>(Backups.For(ns, name), ct);

    public async Task<V1alpha1ClusterBackupSchedule?> GetScheduleAsync(string ns, string name, CancellationToken ct) =>
        await GetAsync<V1alpha1ClusterBackupSchedule>(Schedules.For(ns, name), ct);

    /// <summary>Backups of one namespace, or of all when <paramref name="ns"/> is null; only those matching <paramref name="labelSelector"/> when given.</summary>
    public Task<IReadOnlyList<V1alpha1ClusterBackupNow>> ListBackupsAsync(string? ns, CancellationToken ct, string? labelSelector = null) =>
        ListAsync<V1alpha1ClusterBackupNow>(Backups, ns, labelSelector, ct);

    /// <summary>Schedules of one namespace, or of all when <paramref name="ns"/> is null.</summary>
    public Task<IReadOnlyList<V1alpha1ClusterBackupSchedule>> ListSchedulesAsync(string? ns, CancellationToken ct) =>
        ListAsync<V1alpha1ClusterBackupSchedule>(Schedules, ns, null, ct);

    /// <summary>A ClusterOcpConnection (cluster-scoped), or null when it does not exist.</summary>
    public async Task<V1alpha1ClusterOcpConnection?> GetConnectionAsync(string name, CancellationToken ct) =>
        await GetAsync<V1alpha1ClusterOcpConnection>(Connections.For(null, name), ct);

    public Task<IReadOnlyList<V1alpha1ClusterOcpConnection>> ListConnectionsAsync(CancellationToken ct) =>
        ListAsync<V1alpha1ClusterOcpConnection>(Connections, null, null, ct);

    /// <summary>
    /// Deletes the ClusterBackupNow; false when it does not exist. Only the resource: nothing is sent to OCP,
    /// and the operator holds no finalizer on it, so it is gone at once.
    /// </summary>
    public async Task<bool> DeleteBackupAsync(string ns, string name, CancellationToken ct)
    {
        try
        {
            await client.SendAsync(HttpMethod.Delete, Backups.For(ns, name), null, ct);
            return true;
        }
        catch (KubeApiException e) when (e.StatusCode == HttpStatusCode.NotFound && !ApiErrors.IsMissingResourceType(e))
        {
            return false;
        }
    }

    public Task<V1alpha1ClusterBackupNow> CreateBackupAsync(V1alpha1ClusterBackupNow backup, string ns, CancellationToken ct) =>
        client.SendAsync<V1alpha1ClusterBackupNow>(HttpMethod.Post, Backups.For(ns), client.JsonContent(backup), ct);

    /// <summary>A JSON merge patch of the schedule's annotations, as `kubectl annotate --overwrite` sends.</summary>
    public async Task AnnotateScheduleAsync(string ns, string name, string key, string value, CancellationToken ct)
    {
        var patch = new JsonObject { ["metadata"] = new JsonObject { ["annotations"] = new JsonObject { [key] = value } } };
        await client.SendAsync(HttpMethod.Patch, Schedules.For(ns, name), KubeApiClient.MergePatch(patch.ToJsonString()), ct);
    }

    /// <summary>The events about one object, as `kubectl describe` finds them.</summary>
    public async Task<IReadOnlyList<Corev1Event>> EventsAsync(string ns, string kind, string name, string? uid, CancellationToken ct)
    {
        var selector = Uri.EscapeDataString($"involvedObject.kind={kind},involvedObject.name={name}");
        var list = await client.GetAsync<Corev1EventList>($"{ResourcePath.CoreEvents.For(ns)}?fieldSelector={selector}", ct);
        return (list.Items ?? []).Where(e => uid is null || e.InvolvedObject?.Uid is null || e.InvolvedObject.Uid == uid).ToList();
    }

    public async IAsyncEnumerable<(WatchEventType Type, V1alpha1ClusterBackupNow? Backup)> WatchBackupAsync(
        string ns, string name, string? resourceVersion, int timeoutSeconds, [EnumeratorCancellation] CancellationToken ct)
    {
        var query = $"?watch=true&fieldSelector={Uri.EscapeDataString($"metadata.name={name}")}&timeoutSeconds={timeoutSeconds}"
            + (string.IsNullOrEmpty(resourceVersion) ? "" : $"&resourceVersion={Uri.EscapeDataString(resourceVersion)}");
        await foreach (var line in client.WatchAsync(Backups.For(ns) + query, ct))
        {
            var type = line.Type switch
            {
                "ADDED" => WatchEventType.Added,
                "MODIFIED" => WatchEventType.Modified,
                "DELETED" => WatchEventType.Deleted,
                "BOOKMARK" => WatchEventType.Bookmark,
                _ => WatchEventType.Error,
            };
            if (type is WatchEventType.Error or WatchEventType.Bookmark)
            {
                // An ERROR event (e.g. 410 Gone: the version is too old) ends this watch; the caller reads the object again.
                yield return (type, null);
                yield break;
            }

            yield return (type, client.Deserialize<V1alpha1ClusterBackupNow>(line.Body));
        }
    }

    /// <summary>Every object of a kind, page by page (500 a page, as kubectl asks).</summary>
    private async Task<IReadOnlyList<T>> ListAsync<T>(ResourcePath kind, string? ns, string? labelSelector, CancellationToken ct)
    {
        var items = new List<T>();
        var selector = labelSelector is null ? "" : "&labelSelector=" + Uri.EscapeDataString(labelSelector);
        string? continueToken = null;
        do
        {
            var list = await client.GetStreamingAsync<KubeList>(kind.List(ns, 500, continueToken) + selector, ct);
            items.AddRange((list.Items ?? []).Select(client.Deserialize<T>));
            continueToken = list.Metadata?.ContinueProperty;
        }
        while (!string.IsNullOrEmpty(continueToken));

        return items;
    }

    private async Task<T?> GetAsync<T>(string path, CancellationToken ct)
        where T : class
    {
        try
        {
            return await client.GetAsync<T>(path, ct);
        }
        catch (KubeApiException e) when (e.StatusCode == HttpStatusCode.NotFound && !ApiErrors.IsMissingResourceType(e))
        {
            return null;
        }
    }
}
