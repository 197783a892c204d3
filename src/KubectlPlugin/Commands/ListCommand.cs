using BackupOperator.KubectlPlugin.Cli;
using BackupOperator.KubectlPlugin.Kubernetes;
using BackupOperator.KubectlPlugin.Output;
using k8s;
using k8s.Models;

namespace BackupOperator.KubectlPlugin.Commands;

/// <summary>
/// Any list command, as `kubectl get` runs one: the list (with the API server applying -l), printed in the -o format;
/// with -w, then each change as it comes (a row, a name or the object), the watch resumed from the last version seen
/// and the list read again when the server says the version is too old (410), until Ctrl-C.
/// </summary>
public sealed class ListCommand(PluginConsole console)
{
    /// <summary>How long one watch request lasts before the server ends it and it is made again.</summary>
    public const int WatchSeconds = 300;

    /// <param name="view">The kind's columns for a time (AGE is counted from it).</param>
    /// <param name="ns">The namespace, or null for all (-A).</param>
    /// <param name="shownNamespace">The namespace named when nothing is found.</param>
    public async Task<int> RunAsync<T>(ResourceLister lister, Func<DateTimeOffset, ListView<T>> view, string? ns, string shownNamespace, ListRequest request, CancellationToken ct)
        where T : IKubernetesObject<V1ObjectMeta>
    {
        var page = await lister.ListAsync<T>(ns, request.Selector, ct);
        if (!request.WatchOnly)
        {
            if (page.Items.Count == 0 && request.Format.Output is not (OutputFormat.Json or OutputFormat.Yaml))
            {
                await console.Error.WriteLineAsync(ns is null ? "No resources found" : $"No resources found in {shownNamespace} namespace.");
            }
            else
            {
                await console.Out.WriteAsync(ListOutput.Render(view(console.Time.GetUtcNow()), page.Items, request.Format));
            }
        }

        if (!request.Watch)
        {
            return ExitCodes.Ok;
        }

        var version = page.ResourceVersion ?? "";
        while (true)
        {
            var expired = false;
            await foreach (var (_, listed) in lister.WatchAsync<T>(ns, request.Selector, version, WatchSeconds, ct))
            {
                if (listed is null)
                {
                    expired = true; // 410 Gone: the version is too old
                    break;
                }

                version = listed.Item.Metadata.ResourceVersion ?? version;
                await console.Out.WriteAsync(ListOutput.Event(view(console.Time.GetUtcNow()), listed, request.Format));
            }

            if (expired)
            {
                version = (await lister.ListAsync<T>(ns, request.Selector, ct)).ResourceVersion ?? "";
            }
        }
    }
}
