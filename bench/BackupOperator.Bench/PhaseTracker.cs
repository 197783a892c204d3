using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Nodes;
using BackupOperator.Entities;
using k8s;

namespace BackupOperator.Bench;

/// <summary>
/// Watches the bench namespaces and notes, for each resource, when it was first seen started in OCP
/// (task ids in status: Running, or already terminal when OCP finished before the first read) and
/// when it was first seen terminal. The same observer runs for the floor and for the operator, so
/// both are timed the same way. Keeps the statuses the operator wrote, in order, as the floor's.
/// </summary>
internal sealed class PhaseTracker : IAsyncDisposable
{
    private readonly ConcurrentDictionary<string, long> _running = new();
    private readonly ConcurrentDictionary<string, (long At, string Phase)> _done = new();
    private readonly ConcurrentDictionary<string, List<JsonObject>> _writes = new();
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;
    private int _expected = int.MaxValue;
    private TaskCompletionSource _all = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private PhaseTracker(IKubernetes client, string resourceVersion) => _loop = Task.Run(() => WatchAsync(client, resourceVersion));

    public static async Task<PhaseTracker> StartAsync(IKubernetes client, CancellationToken ct)
    {
        var list = await client.CustomObjects.ListClusterCustomObjectAsync(
            V1alpha1ClusterBackupNow.ApiGroup, V1alpha1ClusterBackupNow.Version, V1alpha1ClusterBackupNow.Plural,
            limit: 1, cancellationToken: ct);
        return new PhaseTracker(client, ((JsonElement)list).GetProperty("metadata").GetProperty("resourceVersion").GetString()!);
    }

    /// <summary>The statuses written to one finished resource, in order (the last is terminal).</summary>
    public IReadOnlyList<JsonObject> StatusWrites(string phase) =>
        _writes.Values.Select(w => { lock (w) { return w.ToList(); } })
            .FirstOrDefault(w => w.Count > 0 && w[^1]["phase"]?.GetValue<string>() == phase)
        ?? throw new InvalidOperationException($"no resource seen reaching {phase} yet");

    /// <summary>Forgets what was seen; completes <see cref="WaitAllAsync"/> once <paramref name="expected"/> resources are terminal.</summary>
    public void Reset(int expected)
    {
        _running.Clear();
        _done.Clear();
        _writes.Clear();
        _all = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        Volatile.Write(ref _expected, expected);
    }

    public Task WaitAllAsync(TimeSpan timeout, CancellationToken ct) => _all.Task.WaitAsync(timeout, ct);

    public int RunningCount => _running.Count;

    public IReadOnlyDictionary<string, long> Running => _running;

    public IReadOnlyDictionary<string, (long At, string Phase)> Done => _done;

    private async Task WatchAsync(IKubernetes client, string resourceVersion)
    {
        while (!_stop.IsCancellationRequested)
        {
            try
            {
                var watch = client.CustomObjects.WatchListClusterCustomObjectAsync(
                    V1alpha1ClusterBackupNow.ApiGroup, V1alpha1ClusterBackupNow.Version, V1alpha1ClusterBackupNow.Plural,
                    resourceVersion: resourceVersion, allowWatchBookmarks: true, timeoutSeconds: 600, cancellationToken: _stop.Token);
                await foreach (var (type, item) in watch)
                {
                    if (item is not JsonElement json || type is WatchEventType.Error)
                    {
                        continue;
                    }

                    resourceVersion = json.GetProperty("metadata").GetProperty("resourceVersion").GetString() ?? resourceVersion;
                    if (type is WatchEventType.Added or WatchEventType.Modified)
                    {
                        Observe(json);
                    }
                }
            }
            catch (OperationCanceledException) when (_stop.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e) when (e is HttpRequestException or IOException or k8s.Autorest.HttpOperationException)
            {
                Console.Error.WriteLine($"tracker: watch ended ({e.Message}); re-watching");
                await Task.Delay(TimeSpan.FromMilliseconds(200));
            }
        }
    }

    private void Observe(JsonElement json)
    {
        var now = Stopwatch.GetTimestamp();
        var name = json.GetProperty("metadata").GetProperty("name").GetString()!;
        if (!json.TryGetProperty("status", out var status) || !status.TryGetProperty("phase", out var phaseElement))
        {
            return;
        }

        var phase = phaseElement.GetString() ?? "";
        var writes = _writes.GetOrAdd(name, _ => []);
        lock (writes)
        {
            if (writes.Count < 8)
            {
                writes.Add(JsonNode.Parse(status.GetRawText())!.AsObject());
            }
        }

        if (status.TryGetProperty("taskIds", out var ids) && ids.ValueKind == JsonValueKind.Array && ids.GetArrayLength() > 0)
        {
            _running.TryAdd(name, now);
        }

        if (phase is BackupPhase.Succeeded or BackupPhase.Failed && _done.TryAdd(name, (now, phase)) && _done.Count >= Volatile.Read(ref _expected))
        {
            _all.TrySetResult();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        try
        {
            await _loop;
        }
        catch (OperationCanceledException)
        {
            // stopped
        }

        _stop.Dispose();
    }
}
