using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Nodes;
using BackupOperator.E2E.Infrastructure;
using BackupOperator.Entities;
using k8s;
using k8s.Models;

namespace BackupOperator.Bench;

/// <summary>
/// One real kube-apiserver + etcd, the OCP simulator in zero-latency mode, and the operator's
/// service account with exactly config/rbac. Starts the operator and the minimal host on demand.
/// </summary>
internal sealed class BenchEnvironment : IAsyncDisposable
{
    public const string Namespace = "bench";

    /// <summary>The floor's resources live apart, in a namespace the throughput operator does not watch.</summary>
    public const string FloorNamespace = "bench-floor";

    /// <summary>The client-go peer's throughput resources, apart from the operator's too.</summary>
    public const string PeerNamespace = "bench-peer";
    private readonly string _logDirectory;
    private KubeApiServer? _api;
    private SimulatorHandle? _simulator;
    private int _starts;

    private BenchEnvironment(string logDirectory) => _logDirectory = logDirectory;

    public IKubernetes Admin { get; private set; } = null!;
    public SimulatorHandle Simulator => _simulator!;
    public KubeApiServer Api => _api!;
    public string OperatorKubeconfig => Path.Combine(Api.Directory, "operator.kubeconfig");

    /// <summary>The client-go peer's: its own ServiceAccount (bench/peer-go/rbac.yaml), not admin.</summary>
    public string PeerKubeconfig => Path.Combine(Api.Directory, "peer-go.kubeconfig");

    /// <summary>The OCP connection Secret, in the operator's namespace and in the peer's.</summary>
    public const string OcpSecret = "ocp-credentials";

    private const string PeerServiceAccount = "peer-go";

    public static async Task<BenchEnvironment> StartAsync(string logDirectory, CancellationToken ct)
    {
        var env = new BenchEnvironment(logDirectory);
        try
        {
            env._api = await KubeApiServer.StartAsync(ct);
            env.Admin = env.Api.AdminClient();
            await Manifests.ApplyAsync(env.Admin, RepoPaths.Config("crds"), null, ct);
            await Manifests.ApplyAsync(env.Admin, RepoPaths.Config("rbac"), null, ct);
            foreach (var ns in new[] { Namespace, FloorNamespace, PeerNamespace })
            {
                await env.Admin.CoreV1.CreateNamespaceAsync(new V1Namespace { Metadata = new V1ObjectMeta { Name = ns } }, cancellationToken: ct);
            }

            env._simulator = await SimulatorHandle.StartAsync(ct);
            await env.Simulator.ConfigureAsync(new { taskDurationMs = 0 }, ct);
            // The same OCP connection Secret for the operator (in bench) and the peer (in bench-peer).
            foreach (var ns in new[] { Namespace, PeerNamespace })
            {
                await env.Admin.CoreV1.CreateNamespacedSecretAsync(new V1Secret
                {
                    Metadata = new V1ObjectMeta { Name = OcpSecret },
                    StringData = new Dictionary<string, string>
                    {
                        ["url"] = env.Simulator.Url,
                        ["username"] = SimulatorHandle.User,
                        ["password"] = SimulatorHandle.Password,
                    },
                }, ns, cancellationToken: ct);
            }

            // Granted to the operator by its owner: without the grant the backup waits (SecretNotGranted).
            await SecretGrants.GrantAsync(env.Admin, Namespace, OcpSecret, ct);
            // The peer's ServiceAccount, its grants (the same things, the same shape) and its Secret grant.
            await Manifests.ApplyAsync(env.Admin, Path.Combine(RepoPaths.Root, "bench", "peer-go", "rbac.yaml"), PeerNamespace, ct);
            await env.WriteServiceAccountKubeconfigAsync(env.OperatorKubeconfig, "backup-operator", "backup-operator-system", ct);
            await env.WriteServiceAccountKubeconfigAsync(env.PeerKubeconfig, PeerServiceAccount, PeerNamespace, ct);
            return env;
        }
        catch
        {
            await env.DisposeAsync();
            throw;
        }
    }

    /// <summary>A kubeconfig with a TokenRequest token of the ServiceAccount (2 h, the API server's audience).</summary>
    private async Task WriteServiceAccountKubeconfigAsync(string path, string serviceAccount, string ns, CancellationToken ct)
    {
        var token = await Admin.CoreV1.CreateNamespacedServiceAccountTokenAsync(
            new Authenticationv1TokenRequest { Spec = new V1TokenRequestSpec { Audiences = ["https://kubernetes.default.svc"], ExpirationSeconds = 7200 } },
            serviceAccount, ns, cancellationToken: ct);
        Api.WriteKubeconfig(path, token.Status.Token);
    }

    /// <summary>The operator as shipped (Information logs, default intervals) unless <paramref name="overrides"/> say otherwise.</summary>
    public async Task<(OperatorProcess Process, double ReadyMs)> StartOperatorAsync(BuildUnderTest build, int? workers, IDictionary<string, string?>? overrides, CancellationToken ct)
    {
        var n = Interlocked.Increment(ref _starts);
        var settings = new Dictionary<string, string?>
        {
            ["KUBECONFIG"] = OperatorKubeconfig,
            ["DOTNET_ENVIRONMENT"] = "Production",
            ["Controller__MaxConcurrentReconciles"] = workers?.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["LeaderElection__LeaseNamespace"] = "backup-operator-system",
            ["LeaderElection__Identity"] = $"bench-operator-{n}",
        };
        foreach (var (k, v) in overrides ?? new Dictionary<string, string?>())
        {
            settings[k] = v;
        }

        var clock = Stopwatch.StartNew();
        var process = await OperatorProcess.StartAsync(Path.Combine(_logDirectory, $"operator-{build.Name}-{n}.log"), settings, ct, waitReady: false, dll: build.Operator);
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        while (clock.Elapsed < TimeSpan.FromSeconds(60))
        {
            if (process.HasExited)
            {
                throw new InvalidOperationException("operator exited during start:\n" + OperatorProcess.Tail(process.Log));
            }

            try
            {
                using var response = await http.GetAsync(new Uri(process.BaseUri, "/readyz"), ct);
                if (response.IsSuccessStatusCode)
                {
                    return (process, clock.Elapsed.TotalMilliseconds);
                }
            }
            catch (HttpRequestException)
            {
                // not listening yet
            }

            await Task.Delay(TimeSpan.FromMilliseconds(10), ct);
        }

        process.Dispose();
        throw new TimeoutException("operator not ready in 60 s");
    }

    /// <summary>The floor host of a build: list + watch, nothing else; ready when it prints READY.</summary>
    public async Task<(ChildProcess Process, double ReadyMs)> StartMinimalHostAsync(BuildUnderTest build, CancellationToken ct)
    {
        var n = Interlocked.Increment(ref _starts);
        var clock = Stopwatch.StartNew();
        var env = new Dictionary<string, string?> { ["KUBECONFIG"] = OperatorKubeconfig, ["DOTNET_ENVIRONMENT"] = "Production" };
        var log = Path.Combine(_logDirectory, $"minimal-{build.Name}-{n}.log");
        var process = build.Minimal is { } native
            ? ChildProcess.Start(native, [], log, env, Path.GetDirectoryName(native))
            : ChildProcess.Start("dotnet", [MinimalHostDll], log, env);
        while (clock.Elapsed < TimeSpan.FromSeconds(60))
        {
            if (process.ReadLog().Contains("READY", StringComparison.Ordinal))
            {
                return (process, clock.Elapsed.TotalMilliseconds);
            }

            if (process.HasExited)
            {
                throw new InvalidOperationException("minimal host exited:\n" + process.ReadLog());
            }

            await Task.Delay(TimeSpan.FromMilliseconds(10), ct);
        }

        process.Dispose();
        throw new TimeoutException("minimal host not ready in 60 s");
    }

    /// <summary>
    /// bench/peer-go, the client-go controller (issue 25), watching <paramref name="ns"/>; ready when its
    /// /readyz answers 200 (its informer synced). It runs as its own ServiceAccount (bench/peer-go/rbac.yaml)
    /// and reads the OCP connection Secret by GET before each backupNow, as the operator does.
    /// </summary>
    public async Task<(ChildProcess Process, Uri BaseUri, double ReadyMs)> StartPeerAsync(string binary, string ns, int workers, CancellationToken ct)
    {
        var n = Interlocked.Increment(ref _starts);
        var port = KubeApiServer.FreePort();
        var clock = Stopwatch.StartNew();
        var process = ChildProcess.Start(binary,
        [
            "--kubeconfig", PeerKubeconfig, "--namespace", ns, "--workers", workers.ToString(System.Globalization.CultureInfo.InvariantCulture),
            "--listen", $"127.0.0.1:{port}", "--ocp-secret", OcpSecret,
        ], Path.Combine(_logDirectory, $"peer-go-{n}.log"));
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        var baseUri = new Uri($"http://127.0.0.1:{port}/");
        var readyz = new Uri(baseUri, "readyz");
        while (clock.Elapsed < TimeSpan.FromSeconds(60))
        {
            if (process.HasExited)
            {
                throw new InvalidOperationException("peer-go exited during start:\n" + process.ReadLog());
            }

            try
            {
                using var response = await http.GetAsync(readyz, ct);
                if (response.IsSuccessStatusCode)
                {
                    return (process, baseUri, clock.Elapsed.TotalMilliseconds);
                }
            }
            catch (HttpRequestException)
            {
                // not listening yet
            }

            await Task.Delay(TimeSpan.FromMilliseconds(10), ct);
        }

        process.Dispose();
        throw new TimeoutException("peer-go not ready in 60 s");
    }

    private static string MinimalHostDll => RepoPaths.Built(Path.Combine("bench", "MinimalHost"), "MinimalHost");

    public async Task<string> MetricsAsync(OperatorProcess process, CancellationToken ct)
    {
        using var http = new HttpClient();
        return await http.GetStringAsync(new Uri(process.BaseUri, "/metrics"), ct);
    }

    /// <summary>The peer's counters (status patches, conflicts, events, reconciles).</summary>
    public static async Task<JsonObject> PeerStatsAsync(Uri baseUri, CancellationToken ct)
    {
        using var http = new HttpClient();
        return JsonNode.Parse(await http.GetStringAsync(new Uri(baseUri, "stats"), ct))!.AsObject();
    }

    /// <summary>
    /// Waits until the controller that just ran in <paramref name="ns"/> has written its events (each
    /// controller's are rate-limited, so they may trail its last status write): until the namespace
    /// holds <paramref name="expected"/>, or the count stayed the same for 3 s, at most 150 s (ours: the
    /// 2,000 events of N = 1,000 at Events:Qps 20 take ~90 s). So none of them lands in the next timed
    /// run, of either controller. Prints how long it waited.
    /// </summary>
    public async Task DrainEventsAsync(string ns, int expected, CancellationToken ct)
    {
        var clock = Stopwatch.StartNew();
        var count = -1;
        var changed = clock.Elapsed;
        string why;
        while (true)
        {
            var now = (await Admin.CoreV1.ListNamespacedEventAsync(ns, cancellationToken: ct)).Items.Count;
            if (now != count)
            {
                (count, changed) = (now, clock.Elapsed);
            }

            if (count >= expected)
            {
                why = "all written";
                break;
            }

            if (clock.Elapsed - changed >= TimeSpan.FromSeconds(3))
            {
                why = "unchanged for 3 s";
                break;
            }

            if (clock.Elapsed >= TimeSpan.FromSeconds(150))
            {
                why = "gave up after 150 s";
                break;
            }

            await Task.Delay(TimeSpan.FromMilliseconds(200), ct);
        }

        Console.WriteLine($"events in {ns}: {count} of {expected} expected, waited {clock.Elapsed.TotalMilliseconds:F0} ms ({why})");
    }

    private async Task<int> CountAsync(CancellationToken ct)
    {
        var list = await Admin.CustomObjects.ListClusterCustomObjectAsync(
            V1alpha1ClusterBackupNow.ApiGroup, V1alpha1ClusterBackupNow.Version, V1alpha1ClusterBackupNow.Plural, cancellationToken: ct);
        return ((JsonElement)list).GetProperty("items").GetArrayLength();
    }

    /// <summary>Deletes every ClusterBackupNow and event of the bench namespaces and waits until they are gone.</summary>
    public async Task ClearAsync(CancellationToken ct)
    {
        foreach (var ns in new[] { Namespace, FloorNamespace, PeerNamespace })
        {
            await Admin.CustomObjects.DeleteCollectionNamespacedCustomObjectAsync(
                V1alpha1ClusterBackupNow.ApiGroup, V1alpha1ClusterBackupNow.Version, ns, V1alpha1ClusterBackupNow.Plural, cancellationToken: ct);
            await Admin.EventsV1.DeleteCollectionNamespacedEventAsync(ns, cancellationToken: ct);
        }

        var clock = Stopwatch.StartNew();
        while (await CountAsync(ct) > 0)
        {
            if (clock.Elapsed > TimeSpan.FromMinutes(5))
            {
                throw new TimeoutException("resources not deleted in 5 minutes");
            }

            await Task.Delay(TimeSpan.FromMilliseconds(500), ct);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_simulator is not null)
        {
            await _simulator.DisposeAsync();
        }

        _api?.Dispose();
    }
}
