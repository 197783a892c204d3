using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Threading.Channels;
using BackupOperator.E2E.Infrastructure;
using BackupOperator.Entities;
using k8s;
using k8s.Models;

namespace BackupOperator.Bench;

/// <summary>Latencies of one run, in milliseconds.</summary>
internal sealed record Latency(double P50, double P95, double P99)
{
    public static Latency Of(IReadOnlyList<double> ms) => new(
        Math.Round(Measure.Percentile(ms, 50), 1), Math.Round(Measure.Percentile(ms, 95), 1), Math.Round(Measure.Percentile(ms, 99), 1));
}

/// <summary>N resources from their first create until the last is terminal; Workers for the floor, OcpDelayMs for the operator.</summary>
internal sealed record RunResult(string Kind, int N, double Seconds, double PerSecond, int Succeeded, Latency ToRunning, Latency ToDone, int Workers = 0, int OcpDelayMs = 0)
{
    /// <summary>Where the run's CPU went, per backup.</summary>
    public CpuPerBackup? Cpu { get; init; }

    /// <summary>
    /// The controller's own CPU per backup from the run's start until its events were all written (ours
    /// trail the run at Events:Qps 20): what each backup cost the controller in the end.
    /// </summary>
    public double? ControllerCpuWithEvents { get; init; }

    /// <summary>The operator's build (JIT or AOT); empty for the floor.</summary>
    public string Build { get; init; } = "";
}

/// <summary>The writes a backup needs, done by the floor client or by the operator, timed by the same tracker.</summary>
internal sealed class Workloads(BenchEnvironment env, PhaseTracker tracker, BenchOptions options)
{
    private long _nextCluster = 1;
    private int _run;

    /// <summary>A distinct OCP cluster per resource, so no backup waits for another on the same cluster.</summary>
    public V1alpha1ClusterBackupNow NewBackup(string name, string ns) => Backups.Nfs(name, Interlocked.Increment(ref _nextCluster), ns: ns);

    private IReadOnlyList<JsonObject>? _statusWrites;

    /// <summary>The operator does the work: the harness only creates and waits.</summary>
    public async Task<RunResult> OperatorAsync(int n, CancellationToken ct)
    {
        var result = await ControllerAsync("operator", "op", BenchEnvironment.Namespace, n, ct);
        _statusWrites ??= tracker.StatusWrites(BackupPhase.Succeeded);
        return result;
    }

    /// <summary>The same for the client-go peer (bench/peer-go), in its own namespace.</summary>
    public Task<RunResult> PeerAsync(int n, CancellationToken ct) => ControllerAsync("peer-go", "peer", BenchEnvironment.PeerNamespace, n, ct);

    private async Task<RunResult> ControllerAsync(string kind, string prefix, string ns, int n, CancellationToken ct)
    {
        var starts = new System.Collections.Concurrent.ConcurrentDictionary<string, long>();
        tracker.Reset(n);
        var clock = Stopwatch.StartNew();
        await CreateAllAsync(n, $"{prefix}{Interlocked.Increment(ref _run)}-", ns, starts, _ => { }, ct);
        await tracker.WaitAllAsync(TimeSpan.FromMinutes(20), ct);
        return Result(kind, n, clock.Elapsed, starts);
    }

    /// <summary>
    /// The floor: the same creates, then the status patches the operator wrote to one of its
    /// resources (the same bodies, in the same order, with the resourceVersion precondition), by as
    /// <paramref name="workers"/> concurrent patchers, and no logic at all.
    /// </summary>
    public async Task<RunResult> FloorAsync(int n, int workers, CancellationToken ct)
    {
        var templates = _statusWrites ?? throw new InvalidOperationException("run the operator first: the floor writes what it wrote");
        var starts = new System.Collections.Concurrent.ConcurrentDictionary<string, long>();
        var prefix = $"floor{Interlocked.Increment(ref _run)}-";
        var created = Channel.CreateUnbounded<V1alpha1ClusterBackupNow>();
        tracker.Reset(n);
        var clock = Stopwatch.StartNew();
        var patchers = Enumerable.Range(0, workers).Select(_ => Task.Run(async () =>
        {
            await foreach (var backup in created.Reader.ReadAllAsync(ct))
            {
                var resourceVersion = backup.Metadata.ResourceVersion;
                JsonObject? previous = null;
                foreach (var template in templates)
                {
                    var patch = new JsonObject
                    {
                        ["metadata"] = new JsonObject { ["resourceVersion"] = resourceVersion },
                        ["status"] = StatusPatch(previous, template),
                    };
                    var stored = (JsonElement)await env.Admin.CustomObjects.PatchNamespacedCustomObjectStatusAsync(
                        new V1Patch(patch.ToJsonString(), V1Patch.PatchType.MergePatch),
                        V1alpha1ClusterBackupNow.ApiGroup, V1alpha1ClusterBackupNow.Version, BenchEnvironment.FloorNamespace,
                        V1alpha1ClusterBackupNow.Plural, backup.Metadata.Name, cancellationToken: ct);
                    resourceVersion = KubernetesJson.Deserialize<V1alpha1ClusterBackupNow>(stored.GetRawText()).Metadata.ResourceVersion;
                    previous = template;
                }
            }
        }, ct)).ToArray();
        await CreateAllAsync(n, prefix, BenchEnvironment.FloorNamespace, starts, b => created.Writer.TryWrite(b), ct);
        created.Writer.Complete();
        await Task.WhenAll(patchers);
        await tracker.WaitAllAsync(TimeSpan.FromMinutes(5), ct);
        return Result("floor", n, clock.Elapsed, starts) with { Workers = workers };
    }

    /// <summary>Creates <paramref name="n"/> resources with the configured number of concurrent creators.</summary>
    public async Task CreateAllAsync(int n, string prefix, string ns, IDictionary<string, long>? starts, Action<V1alpha1ClusterBackupNow> created, CancellationToken ct)
    {
        var next = -1;
        await Task.WhenAll(Enumerable.Range(0, options.Creators).Select(_ => Task.Run(async () =>
        {
            int i;
            while ((i = Interlocked.Increment(ref next)) < n)
            {
                var backup = NewBackup($"{prefix}{i:D5}", ns);
                if (starts is not null)
                {
                    starts[backup.Metadata.Name] = Stopwatch.GetTimestamp();
                }

                created(await Manifests.CreateBackupAsync(env.Admin, backup, ns, ct));
            }
        }, ct)));
    }

    /// <summary>History: resources that finished long ago, written directly (the operator is not running).</summary>
    public async Task CreateFinishedAsync(int n, CancellationToken ct)
    {
        var succeeded = (_statusWrites ?? throw new InvalidOperationException("run the operator first"))[^1];
        var patchers = Channel.CreateUnbounded<V1alpha1ClusterBackupNow>();
        var workers = Enumerable.Range(0, options.Creators).Select(_ => Task.Run(async () =>
        {
            await foreach (var backup in patchers.Reader.ReadAllAsync(ct))
            {
                var patch = new JsonObject { ["status"] = succeeded.DeepClone() };
                await env.Admin.CustomObjects.PatchNamespacedCustomObjectStatusAsync(
                    new V1Patch(patch.ToJsonString(), V1Patch.PatchType.MergePatch),
                    V1alpha1ClusterBackupNow.ApiGroup, V1alpha1ClusterBackupNow.Version, BenchEnvironment.Namespace,
                    V1alpha1ClusterBackupNow.Plural, backup.Metadata.Name, cancellationToken: ct);
            }
        }, ct)).ToArray();
        await CreateAllAsync(n, "history-", BenchEnvironment.Namespace, null, b => patchers.Writer.TryWrite(b), ct);
        patchers.Writer.Complete();
        await Task.WhenAll(workers);
    }

    private RunResult Result(string kind, int n, TimeSpan elapsed, IReadOnlyDictionary<string, long> starts)
    {
        var toRunning = new List<double>();
        var toDone = new List<double>();
        var succeeded = 0;
        foreach (var (name, start) in starts)
        {
            if (tracker.Running.TryGetValue(name, out var running))
            {
                toRunning.Add(Stopwatch.GetElapsedTime(start, running).TotalMilliseconds);
            }

            if (tracker.Done.TryGetValue(name, out var done))
            {
                toDone.Add(Stopwatch.GetElapsedTime(start, done.At).TotalMilliseconds);
                succeeded += done.Phase == BackupPhase.Succeeded ? 1 : 0;
            }
        }

        return new RunResult(kind, n, Math.Round(elapsed.TotalSeconds, 2), Math.Round(n / elapsed.TotalSeconds, 1), succeeded,
            Latency.Of(toRunning), Latency.Of(toDone));
    }

    /// <summary>As the operator's StatusWriter: the whole new status, with fields it no longer has sent as null.</summary>
    private static JsonObject StatusPatch(JsonObject? previous, JsonObject next)
    {
        var patch = (JsonObject)next.DeepClone();
        foreach (var (key, _) in previous ?? [])
        {
            if (!patch.ContainsKey(key))
            {
                patch[key] = null;
            }
        }

        return patch;
    }
}
