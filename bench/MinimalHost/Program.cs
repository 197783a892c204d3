using System.Diagnostics;
using System.Text.Json;
using BackupOperator.Entities;
using k8s;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

// Lists, then watches, every ClusterBackupNow; prints "READY <ms since process start>" once the
// list is read (synced, as an informer means it), and otherwise keeps nothing: the least any
// operator of this resource must do.
var builder = Host.CreateApplicationBuilder(args);
builder.Services.AddSingleton<IKubernetes>(_ => new Kubernetes(KubernetesClientConfiguration.BuildDefaultConfig()));
builder.Services.AddHostedService<ListWatch>();
await builder.Build().RunAsync();

internal sealed class ListWatch(IKubernetes client) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        string? continueToken = null;
        string resourceVersion;
        do
        {
            using var page = await client.CustomObjects.ListClusterCustomObjectWithHttpMessagesAsync(
                V1alpha1ClusterBackupNow.ApiGroup, V1alpha1ClusterBackupNow.Version, V1alpha1ClusterBackupNow.Plural,
                continueParameter: continueToken, limit: 500, cancellationToken: stoppingToken);
            var body = (JsonElement)page.Body;
            foreach (var item in body.GetProperty("items").EnumerateArray())
            {
                _ = KubernetesJson.Deserialize<V1alpha1ClusterBackupNow>(item.GetRawText());
            }

            var metadata = body.GetProperty("metadata");
            resourceVersion = metadata.GetProperty("resourceVersion").GetString()!;
            continueToken = metadata.TryGetProperty("continue", out var c) ? c.GetString() : null;
        }
        while (!string.IsNullOrEmpty(continueToken));

        var ms = (DateTime.Now - Process.GetCurrentProcess().StartTime).TotalMilliseconds;
        Console.WriteLine(FormattableString.Invariant($"READY {ms:F0}"));
        while (!stoppingToken.IsCancellationRequested)
        {
            var watch = client.CustomObjects.WatchListClusterCustomObjectAsync(
                V1alpha1ClusterBackupNow.ApiGroup, V1alpha1ClusterBackupNow.Version, V1alpha1ClusterBackupNow.Plural,
                resourceVersion: resourceVersion, allowWatchBookmarks: true, timeoutSeconds: 300,
                onError: _ => { }, cancellationToken: stoppingToken);
            await foreach (var (type, item) in watch)
            {
                if (type is not WatchEventType.Bookmark and not WatchEventType.Error && item is JsonElement json)
                {
                    resourceVersion = KubernetesJson.Deserialize<V1alpha1ClusterBackupNow>(json.GetRawText()).Metadata.ResourceVersion ?? resourceVersion;
                }
            }
        }
    }
}
