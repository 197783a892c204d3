using System.Net;
using BackupOperator.Entities;
using BackupOperator.KubeClient;
using BackupOperator.KubectlPlugin.Kubernetes;
using k8s;

namespace BackupOperator.KubectlPlugin.Backups;

/// <summary>
/// Blocks until a backup is Succeeded or Failed, as `kubectl wait` does: read it, then watch it
/// from that resourceVersion; when the watch ends or breaks (timeout, 410 Gone, a dropped
/// connection, an API server restart) read it again and watch anew. A 403 or an unreachable API
/// server before the first read is an error; after it, connection trouble is waited out until the
/// timeout. A backup that does not exist is not waited for, unless told it is about to be created.
/// </summary>
public sealed class BackupWaiter(IBackupReader reader, TimeProvider time)
{
    /// <summary>
    /// The longest one watch request stays open; the server ends it and the loop reads again. Below
    /// the client's request timeout, so a quiet watch is ended by the server, not cut by the client.
    /// </summary>
    public static readonly TimeSpan WatchWindow = KubeSession.RequestTimeout - TimeSpan.FromSeconds(5);

    /// <summary>How often a backup that is not there yet is looked for, and the first wait after a failed request.</summary>
    public static readonly TimeSpan PollInterval = TimeSpan.FromSeconds(1);

    private static readonly TimeSpan MaxRetryInterval = TimeSpan.FromSeconds(5);

    /// <param name="timeout">null: no limit; zero: look once.</param>
    /// <param name="appearing">The backup is about to be created (a run-now child): wait for it to appear.</param>
    public async Task<WaitResult> WaitAsync(string ns, string name, TimeSpan? timeout, bool appearing, CancellationToken ct)
    {
        using var deadline = timeout is { } t && t > TimeSpan.Zero ? new CancellationTokenSource(t, time) : new CancellationTokenSource();
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(ct, deadline.Token);
        var token = linked.Token;
        V1alpha1ClusterBackupNow? last = null;
        var seenOnce = false;
        var retry = PollInterval;
        while (true)
        {
            try
            {
                var current = await reader.GetBackupAsync(ns, name, token);
                seenOnce = true;
                if (current is null)
                {
                    if (last is not null)
                    {
                        return new WaitResult(WaitEnd.Deleted, last);
                    }

                    if (!appearing)
                    {
                        return new WaitResult(WaitEnd.NotFound, null);
                    }

                    if (timeout == TimeSpan.Zero)
                    {
                        return new WaitResult(WaitEnd.TimedOut, null);
                    }

                    await Task.Delay(PollInterval, time, token);
                    continue;
                }

                last = current;
                if (BackupPhase.IsTerminal(current.Status?.Phase))
                {
                    return new WaitResult(WaitEnd.Finished, current);
                }

                if (timeout == TimeSpan.Zero)
                {
                    return new WaitResult(WaitEnd.TimedOut, current);
                }

                var window = (int)WatchWindow.TotalSeconds;
                var watchStarted = time.GetTimestamp();
                await foreach (var (type, backup) in reader.WatchBackupAsync(ns, name, current.Metadata.ResourceVersion, window, token))
                {
                    if (backup is null)
                    {
                        break; // an ERROR event: read again
                    }

                    if (type == WatchEventType.Deleted)
                    {
                        return BackupPhase.IsTerminal(backup.Status?.Phase) ? new WaitResult(WaitEnd.Finished, backup) : new WaitResult(WaitEnd.Deleted, backup);
                    }

                    last = backup;
                    if (BackupPhase.IsTerminal(backup.Status?.Phase))
                    {
                        return new WaitResult(WaitEnd.Finished, backup);
                    }
                }

                retry = PollInterval;

                // A watch the server ends at once (or an ERROR event) must not turn into a busy loop: at most one read a PollInterval.
                var rest = PollInterval - time.GetElapsedTime(watchStarted);
                if (rest > TimeSpan.Zero)
                {
                    await Task.Delay(rest, time, token);
                }
            }
            catch (OperationCanceledException) when (deadline.IsCancellationRequested && !ct.IsCancellationRequested)
            {
                return new WaitResult(WaitEnd.TimedOut, last);
            }
            catch (Exception e) when (seenOnce && IsTransient(e) && !token.IsCancellationRequested)
            {
                try
                {
                    await Task.Delay(retry, time, token);
                }
                catch (OperationCanceledException) when (deadline.IsCancellationRequested && !ct.IsCancellationRequested)
                {
                    return new WaitResult(WaitEnd.TimedOut, last);
                }

                retry = TimeSpan.FromTicks(Math.Min(retry.Ticks * 2, MaxRetryInterval.Ticks));
            }
        }
    }

    /// <summary>Trouble that passes: the connection, the API server restarting or overloaded, an expired watch.</summary>
    public static bool IsTransient(Exception e) => e switch
    {
        KubeApiException h => h.StatusCode is HttpStatusCode.Gone or HttpStatusCode.TooManyRequests or HttpStatusCode.RequestTimeout
            || (int)h.StatusCode >= 500,
        HttpRequestException or IOException or TimeoutException => true,
        TaskCanceledException => true, // HttpClient's own request timeout
        System.Text.Json.JsonException => true, // a watch stream cut mid-object
        _ => false,
    };
}
