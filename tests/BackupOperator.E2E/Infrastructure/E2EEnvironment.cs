using System.Diagnostics;
using System.Text;
using System.Text.Json;
using BackupOperator.Entities;
using k8s;
using k8s.Models;

namespace BackupOperator.E2E.Infrastructure;

/// <summary>
/// One real API server, one OCP simulator and one operator running with exactly the permissions
/// of config/rbac, shared by the end-to-end tests of a collection.
/// </summary>
public sealed class E2EEnvironment : IAsyncLifetime
{
    public const string Namespace = "e2e";
    public const string OperatorNamespace = "backup-operator-system";
    public const string OperatorServiceAccount = "backup-operator";

    private KubeApiServer? _api;
    private SimulatorHandle? _simulator;
    private OperatorProcess? _operator;
    private TcpProxy? _proxy;
    private string? _operatorToken;
    private int _operatorStarts;

    internal KubeApiServer Api => _api!;
    internal SimulatorHandle Simulator => _simulator!;
    internal OperatorProcess Operator => _operator!;
    public IKubernetes Admin { get; private set; } = null!;
    public string OperatorKubeconfig => Path.Combine(Api.Directory, "operator.kubeconfig");

    /// <summary>The shared operator's way to the API server when it runs behind <see cref="OperatorProxy"/>.</summary>
    public string ProxiedOperatorKubeconfig => Path.Combine(Api.Directory, "operator-proxied.kubeconfig");

    /// <summary>A partitionable link between the shared operator and the API server, when started with it.</summary>
    internal TcpProxy OperatorProxy => _proxy!;

    /// <summary>Every log line every operator process of this environment wrote.</summary>
    public string AllOperatorLogs => string.Join('\n',
        Directory.GetFiles(E2ERun.LogDirectory, "operator-*.log").Select(f => File.ReadAllText(f, Encoding.UTF8)));

    public async Task InitializeAsync()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromMinutes(15));
        var ct = cts.Token;
        _api = await KubeApiServer.StartAsync(ct);
        Admin = Api.AdminClient();
        await Manifests.ApplyAsync(Admin, RepoPaths.Config("crds"), null, ct);
        await Manifests.ApplyAsync(Admin, RepoPaths.Config("rbac"), null, ct);
        await Admin.CoreV1.CreateNamespaceAsync(new V1Namespace { Metadata = new V1ObjectMeta { Name = Namespace } }, cancellationToken: ct);
        _simulator = await SimulatorHandle.StartAsync(ct);
        await CreateSecretAsync("ocp-credentials", new()
        {
            ["url"] = Simulator.Url,
            ["username"] = SimulatorHandle.User,
            ["password"] = SimulatorHandle.Password,
        }, ct);
        await CreateSecretAsync("ocp-aksk", new()
        {
            ["url"] = Simulator.Url,
            ["accessKeyId"] = SimulatorHandle.AccessKeyId,
            ["accessKeySecret"] = SimulatorHandle.AccessKeySecret,
        }, ct);
        await SampleConnectionAsync(ct);
        var token = await Admin.CoreV1.CreateNamespacedServiceAccountTokenAsync(
            new Authenticationv1TokenRequest { Spec = new V1TokenRequestSpec { Audiences = ["https://kubernetes.default.svc"], ExpirationSeconds = 7200 } },
            OperatorServiceAccount, OperatorNamespace, cancellationToken: ct);
        _operatorToken = token.Status.Token;
        Api.WriteKubeconfig(OperatorKubeconfig, _operatorToken);
        _proxy = TcpProxy.Start(Api.Port);
        WriteOperatorKubeconfig(ProxiedOperatorKubeconfig, _proxy.Port);
        _operator = await StartOperatorAsync(ct);
    }

    /// <summary>
    /// The samples' ClusterOcpConnection (config/samples), pointed at the simulator and granted to the
    /// test namespace, with its credentials in the credentials namespace (the operator's, made by config/rbac).
    /// </summary>
    private async Task SampleConnectionAsync(CancellationToken ct)
    {
        var sample = Manifests.Load(RepoPaths.Config("samples")).OfType<V1alpha1ClusterOcpConnection>().Single();
        var secret = sample.Spec.CredentialsSecretRef!;
        if (secret.Namespace != OperatorNamespace)
        {
            throw new InvalidOperationException($"the sample connection's credentials must live in the credentials namespace {OperatorNamespace}, not {secret.Namespace}");
        }

        await CreateSecretAsync(secret.Name!, new() { ["username"] = SimulatorHandle.User, ["password"] = SimulatorHandle.Password }, ct, secret.Namespace!, openToBackups: false);
        sample.Spec.Url = Simulator.Url;
        sample.Spec.Namespaces = [Namespace];
        await Manifests.CreateAsync(Admin, sample, null, ct);
    }

    /// <summary>A kubeconfig with the operator's own token for an API server reached through <paramref name="port"/> (a proxy).</summary>
    internal void WriteOperatorKubeconfig(string path, int port) => Api.WriteKubeconfig(path, _operatorToken!, port);

    internal async Task<OperatorProcess> StartOperatorAsync(CancellationToken ct, IDictionary<string, string?>? extra = null, bool waitReady = true, string? kubeconfig = null)
    {
        var n = Interlocked.Increment(ref _operatorStarts);
        var settings = OperatorProcess.TestSettings(kubeconfig ?? OperatorKubeconfig, $"e2e-operator-{n}");
        foreach (var (k, v) in extra ?? new Dictionary<string, string?>())
        {
            settings[k] = v;
        }

        return await OperatorProcess.StartAsync(Path.Combine(E2ERun.LogDirectory, $"operator-{n}.log"), settings, ct, waitReady);
    }

    /// <summary>
    /// Replaces the shared operator (after a test killed it), with <paramref name="extra"/> settings if given;
    /// <paramref name="throughProxy"/> routes it via <see cref="OperatorProxy"/>.
    /// </summary>
    internal async Task RestartOperatorAsync(CancellationToken ct, IDictionary<string, string?>? extra = null, bool throughProxy = false)
    {
        _operator?.Dispose();
        _operator = null;
        _operator = await StartOperatorAsync(ct, extra, kubeconfig: throughProxy ? ProxiedOperatorKubeconfig : null);
    }

    /// <summary>
    /// A Secret in the test namespace; opened to backups (its namespace grants the operator 'get' on it by
    /// name, a Role and a RoleBinding) unless <paramref name="openToBackups"/> is false.
    /// </summary>
    public async Task CreateSecretAsync(string name, Dictionary<string, string> data, CancellationToken ct, string ns = Namespace, bool openToBackups = true)
    {
        await Admin.CoreV1.CreateNamespacedSecretAsync(new V1Secret { Metadata = new V1ObjectMeta { Name = name }, StringData = data }, ns, cancellationToken: ct);
        if (openToBackups)
        {
            await SecretGrants.GrantAsync(Admin, ns, name, ct);
        }
    }

    /// <summary>A new ServiceAccount <paramref name="name"/> in the test namespace, bound there to <paramref name="clusterRole"/> when given; its token (an hour).</summary>
    public async Task<string> ServiceAccountTokenAsync(string name, string? clusterRole, CancellationToken ct)
    {
        await Admin.CoreV1.CreateNamespacedServiceAccountAsync(new V1ServiceAccount { Metadata = new V1ObjectMeta { Name = name } }, Namespace, cancellationToken: ct);
        if (clusterRole is not null)
        {
            await Admin.RbacAuthorizationV1.CreateNamespacedRoleBindingAsync(new V1RoleBinding
            {
                Metadata = new V1ObjectMeta { Name = name },
                RoleRef = new V1RoleRef { ApiGroup = "rbac.authorization.k8s.io", Kind = "ClusterRole", Name = clusterRole },
                Subjects = [new Rbacv1Subject { Kind = "ServiceAccount", Name = name, NamespaceProperty = Namespace }],
            }, Namespace, cancellationToken: ct);
        }

        var token = await Admin.CoreV1.CreateNamespacedServiceAccountTokenAsync(
            new Authenticationv1TokenRequest { Spec = new V1TokenRequestSpec { Audiences = ["https://kubernetes.default.svc"], ExpirationSeconds = 3600 } }, name, Namespace, cancellationToken: ct);
        return token.Status.Token;
    }

    public Task<V1alpha1ClusterBackupNow> CreateBackupAsync(V1alpha1ClusterBackupNow backup, CancellationToken ct) =>
        Manifests.CreateBackupAsync(Admin, backup, backup.Metadata.NamespaceProperty ?? Namespace, ct);

    public async Task<V1alpha1ClusterBackupNow> GetBackupAsync(string name, CancellationToken ct, string ns = Namespace)
    {
        var obj = await Admin.CustomObjects.GetNamespacedCustomObjectAsync(
            V1alpha1ClusterBackupNow.ApiGroup, V1alpha1ClusterBackupNow.Version, ns, V1alpha1ClusterBackupNow.Plural, name, ct);
        return KubernetesJson.Deserialize<V1alpha1ClusterBackupNow>(((JsonElement)obj).GetRawText());
    }

    /// <summary>Polls until the backup reaches one of <paramref name="phases"/>; fails with its last status and the operator's log.</summary>
    public async Task<V1alpha1ClusterBackupNow> WaitForPhaseAsync(string name, string[] phases, TimeSpan timeout, CancellationToken ct, string ns = Namespace)
    {
        var clock = Stopwatch.StartNew();
        V1alpha1ClusterBackupNow? last = null;
        while (clock.Elapsed < timeout)
        {
            last = await GetBackupAsync(name, ct, ns);
            if (last.Status?.Phase is { } phase && phases.Contains(phase))
            {
                return last;
            }

            await Task.Delay(TimeSpan.FromMilliseconds(200), ct);
        }

        throw new TimeoutException(
            $"{ns}/{name} did not reach {string.Join("|", phases)} within {timeout}; status: {(last?.Status is null ? "(none)" : KubernetesJson.Serialize(last.Status))}\noperator log tail:\n{OperatorProcess.Tail(_operator?.Log ?? "")}");
    }

    /// <summary>
    /// Polls <paramref name="condition"/> until it holds; after <paramref name="timeout"/> fails with
    /// <paramref name="what"/> and the log tail of <paramref name="logOf"/> (the shared operator unless named).
    /// </summary>
    internal async Task UntilAsync(Func<Task<bool>> condition, TimeSpan timeout, string what, CancellationToken ct, OperatorProcess? logOf = null)
    {
        var clock = Stopwatch.StartNew();
        while (!await condition())
        {
            if (clock.Elapsed > timeout)
            {
                throw new TimeoutException($"{what} not reached within {timeout}\noperator log tail:\n{OperatorProcess.Tail((logOf ?? _operator)?.Log ?? "")}");
            }

            await Task.Delay(TimeSpan.FromMilliseconds(200), ct);
        }
    }

    /// <summary>Events are written right after the status: wait (bounded) until one matches.</summary>
    public async Task<Eventsv1Event> WaitForEventAsync(string name, Func<Eventsv1Event, bool> match, CancellationToken ct, string ns = Namespace)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            var events = await EventsForAsync(name, ct, ns);
            if (events.FirstOrDefault(match) is { } found)
            {
                return found;
            }

            if (clock.Elapsed > TimeSpan.FromSeconds(15))
            {
                throw new TimeoutException($"no matching event for {ns}/{name}; events: {string.Join(" | ", events.Select(e => $"{e.Type} {e.Reason}: {e.Note}"))}");
            }

            await Task.Delay(TimeSpan.FromMilliseconds(200), ct);
        }
    }

    public async Task<IReadOnlyList<Eventsv1Event>> EventsForAsync(string name, CancellationToken ct, string ns = Namespace)
    {
        var list = await Admin.EventsV1.ListNamespacedEventAsync(ns, cancellationToken: ct);
        return list.Items.Where(e => e.Regarding?.Name == name).ToList();
    }

    public async Task DisposeAsync()
    {
        _operator?.Dispose();
        if (_proxy is not null)
        {
            await _proxy.DisposeAsync();
        }

        if (_simulator is not null)
        {
            await _simulator.DisposeAsync();
        }

        _api?.Dispose();
    }
}

[CollectionDefinition(Name)]
public sealed class E2ECollection : ICollectionFixture<E2EEnvironment>
{
    public const string Name = "e2e";
}
