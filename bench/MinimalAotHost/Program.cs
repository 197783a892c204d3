using System.Diagnostics;
using System.Text.Json;
using BackupOperator.Entities;
using BackupOperator.KubeClient;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

// Lists, then watches, every ClusterBackupNow; prints "READY <ms since process start>" once the
// list is read (synced, as an informer means it), and otherwise keeps nothing: the least any
// operator of this resource must do, built as the operator is (NativeAOT, the same API client).
var builder = Host.CreateApplicationBuilder(args);
builder.Services.AddSingleton(_ => new KubeApiClient(
    (KubeConnection.IsInCluster() ? KubeConnection.InCluster() : Kubeconfig.Load()).CreateHttpClient(), [EntityJsonContext.Default]));
builder.Services.AddHostedService<ListWatch>();
await builder.Build().RunAsync();

internal sealed class ListWatch(KubeApiClient client) : BackgroundService
{
    private static readonly ResourcePath Path = new(V1alpha1ClusterBackupNow.ApiGroup, V1alpha1ClusterBackupNow.Version, V1alpha1ClusterBackupNow.Plural);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        string? continueToken = null;
        string resourceVersion;
        do
        {
            var page = await client.GetStreamingAsync<KubeList>(Path.List(null, 500, continueToken), stoppingToken);
            foreach (var item in page.Items ?? [])
            {
                _ = client.Deserialize<V1alpha1ClusterBackupNow>(item);
            }

            resourceVersion = page.Metadata!.ResourceVersion;
            continueToken = page.Metadata.ContinueProperty;
        }
        while (!string.IsNullOrEmpty(continueToken));

        var ms = (DateTime.Now - Process.GetCurrentProcess().StartTime).TotalMilliseconds;
        Console.WriteLine(FormattableString.Invariant($"READY {ms:F0}"));
        while (!stoppingToken.IsCancellationRequested)
        {
            await foreach (var line in client.WatchAsync(Path.Watch(null, resourceVersion, 300), stoppingToken))
            {
                if (line.Type is "ADDED" or "MODIFIED" or "DELETED" && line.Body.ValueKind == JsonValueKind.Object)
                {
                    resourceVersion = client.Deserialize<V1alpha1ClusterBackupNow>(line.Body).Metadata.ResourceVersion ?? resourceVersion;
                }
                else if (line.Type == "BOOKMARK")
                {
                    resourceVersion = line.Body.GetProperty("metadata").GetProperty("resourceVersion").GetString() ?? resourceVersion;
                }
            }
        }
    }
}
