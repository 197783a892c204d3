using System.Net;
using System.Runtime.CompilerServices;
using System.Text.Json;
using BackupOperator.Entities;
using k8s;
using k8s.Autorest;
using k8s.Models;

namespace BackupOperator.KubectlPlugin.Kubernetes;

/// <summary>ClusterBackupNow, ClusterBackupSchedule and their events through the API server: thin, no decisions.</summary>
public sealed class BackupApi(IKubernetes client) : IBackupReader
{
    private const string Group = V1alpha1ClusterBackupNow.ApiGroup;
    private const string Version = V1alpha1ClusterBackupNow.Version;

    public async Task<V1alpha1ClusterBackupNow?> GetBackupAsync(string ns, string name, CancellationToken ct) =>
        await GetAsync<V1alpha1ClusterBackupNow>(ns, V1alpha1ClusterBackupNow.Plural, name, ct);

    public async Task<V1alpha1ClusterBackupSchedule?> GetScheduleAsync(string ns, string name, CancellationToken ct) =>
        await GetAsync<V1alpha1ClusterBackupSchedule>(ns, V1alpha1ClusterBackupSchedule.Plural, name, ct);

    /// <summary>Backups of one namespace, or of all when <paramref name="ns"/> is null.</summary>
    public async Task<IReadOnlyList<V1alpha1ClusterBackupNow>> ListBackupsAsync(string? ns, CancellationToken ct)
    {
        var items = new List<V1alpha1ClusterBackupNow>();
        string? continueToken = null;
        do
        {
            var list = (JsonElement)(ns is null
                ? await client.CustomObjects.ListClusterCustomObjectAsync(Group, Version, V1alpha1ClusterBackupNow.Plural,
                    continueParameter: continueToken, limit: 500, cancellationToken: ct)
                : await client.CustomObjects.ListNamespacedCustomObjectAsync(Group, Version, ns, V1alpha1ClusterBackupNow.Plural,
                    continueParameter: continueToken, limit: 500, cancellationToken: ct));
            items.AddRange(list.GetProperty("items").EnumerateArray().Select(Read<V1alpha1ClusterBackupNow>));
            continueToken = list.TryGetProperty("metadata", out var md) && md.TryGetProperty("continue", out var c) ? c.GetString() : null;
        }
        while (!string.IsNullOrEmpty(continueToken));

        return items;
    }

    public async Task<V1alpha1ClusterBackupNow> CreateBackupAsync(V1alpha1ClusterBackupNow backup, string ns, CancellationToken ct) =>
        Read<V1alpha1ClusterBackupNow>((JsonElement)await client.CustomObjects.CreateNamespacedCustomObjectAsync(
            backup, Group, Version, ns, V1alpha1ClusterBackupNow.Plural, cancellationToken: ct));

    /// <summary>A JSON merge patch of the schedule's annotations, as `kubectl annotate --overwrite` sends.</summary>
    public async Task AnnotateScheduleAsync(string ns, string name, string key, string value, CancellationToken ct)
    {
        var patch = new { metadata = new { annotations = new Dictionary<string, string> { [key] = value } } };
        await client.CustomObjects.PatchNamespacedCustomObjectAsync(
            new V1Patch(JsonSerializer.Serialize(patch), V1Patch.PatchType.MergePatch),
            Group, Version, ns, V1alpha1ClusterBackupSchedule.Plural, name, cancellationToken: ct);
    }

    /// <summary>The events about one object, as `kubectl describe` finds them.</summary>
    public async Task<IReadOnlyList<Corev1Event>> EventsAsync(string ns, string kind, string name, string? uid, CancellationToken ct)
    {
        var list = await client.CoreV1.ListNamespacedEventAsync(ns,
            fieldSelector: $"involvedObject.kind={kind},involvedObject.name={name}", cancellationToken: ct);
        return list.Items.Where(e => uid is null || e.InvolvedObject?.Uid is null || e.InvolvedObject.Uid == uid).ToList();
    }

    public async IAsyncEnumerable<(WatchEventType Type, V1alpha1ClusterBackupNow? Backup)> WatchBackupAsync(
        string ns, string name, string? resourceVersion, int timeoutSeconds, [EnumeratorCancellation] CancellationToken ct)
    {
        Exception? failure = null;
        var stream = client.CustomObjects.WatchListNamespacedCustomObjectAsync(Group, Version, ns, V1alpha1ClusterBackupNow.Plural,
            fieldSelector: $"metadata.name={name}", resourceVersion: resourceVersion, timeoutSeconds: timeoutSeconds,
            onError: e => failure ??= e, cancellationToken: ct);
        await foreach (var (type, obj) in stream.WithCancellation(ct))
        {
            var element = obj is JsonElement je ? je : JsonSerializer.SerializeToElement(obj);
            if (type is WatchEventType.Error or WatchEventType.Bookmark)
            {
                // An ERROR event (e.g. 410 Gone: the version is too old) ends this watch; the caller reads the object again.
                yield return (type, null);
                yield break;
            }

            yield return (type, Read<V1alpha1ClusterBackupNow>(element));
        }

        if (failure is not null)
        {
            throw new IOException($"the watch of {name} broke: {failure.Message}", failure);
        }
    }

    private async Task<T?> GetAsync<T>(string ns, string plural, string name, CancellationToken ct)
        where T : class
    {
        try
        {
            return Read<T>((JsonElement)await client.CustomObjects.GetNamespacedCustomObjectAsync(Group, Version, ns, plural, name, ct));
        }
        catch (HttpOperationException e) when (e.Response.StatusCode == HttpStatusCode.NotFound && !ApiErrors.IsMissingResourceType(e))
        {
            return null;
        }
    }

    private static T Read<T>(JsonElement element) => KubernetesJson.Deserialize<T>(element.GetRawText());
}
