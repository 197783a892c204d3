using System.Net;
using System.Text;
using BackupOperator.Entities;
using BackupOperator.Operator.Controllers.ClusterBackupNow;
using BackupOperator.Operator.FaultInjection;
using BackupOperator.Operator.Kubernetes;
using BackupOperator.Operator.Ocp;
using BackupOperator.Operator.Reconciliation.ClusterBackupNow;
using BackupOperator.Operator.Runtime;
using BackupOperator.Tests.KubeClient;
using BackupOperator.Tests.Reconciliation.ClusterBackupNow;
using k8s;
using k8s.Models;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace BackupOperator.Tests.Controllers.ClusterBackupNow;

/// <summary>
/// Found by attacking (OCP, clusterId) at the controller's edge: the lock it resolves before the
/// reconcile, the connector's reads, and what the API server will store.
/// </summary>
public sealed class OcpIsolationAdversaryControllerTests
{
    private const string OcpOne = "https://ocp-one.example:443";
    private const string OcpThree = "https://ocp-three.example:443";

    private readonly FakeTimeProvider _time = new(TestResources.Start);
    private readonly ResourceCache<V1alpha1ClusterBackupNow> _cache = new(ClusterBackupNowController.ClusterIndex, compact: SettledBackups.Compact);
    private readonly ClusterLocks _locks = new();
    private readonly StatusWrites _writes = new();
    private readonly FakeOcpApi _ocp = new();

    // ADVERSARY: defect. A backup refused "busy" after its first POST goes back to Pending with its
    // submitted spec kept (the next intent is for the same spec). Its spec's ocpConnectionRef is then
    // edited: the controller locks and gathers peers for the connection named *now*, the reconciler
    // connects through the *submitted* one, sees peers of another OCP and records nothing, on every
    // reconcile: the backup never runs again and its status never says why.
    [Fact]
    public async Task A_backup_refused_busy_whose_connection_ref_was_then_edited_records_its_next_intent_for_the_submitted_connection()
    {
        var submitted = TestResources.Backup(clusterId: 8).Spec;
        submitted.OcpConnectionRef = new OcpConnectionReference { Name = "ocp-one" };
        var status = new ClusterBackupNowStatus { ObservedGeneration = 1, SubmittedGeneration = 1, SubmittedSpec = submitted }
            .SetPending("ClusterBusy", "OCP: a backup of cluster 8 is in progress; will submit when it is free");
        var backup = TestResources.Backup(clusterId: 8, generation: 2, status: status);
        backup.Spec.OcpConnectionRef = new OcpConnectionReference { Name = "ocp-three" };
        _cache.Upsert(backup);

        for (var i = 0; i < 3 && _writes.Last?.Status?.RequestId is null; i++)
        {
            await Controller().ReconcileAsync(_cache.TryGet(NamespacedName.From(backup), out var current) ? current! : backup, CancellationToken.None);
            _time.Advance(TimeSpan.FromSeconds(30));
        }

        var written = _writes.Last?.Status;
        Assert.NotNull(written?.RequestId);
        Assert.Equal(OcpOne, written!.OcpEndpoint);
    }

    // ADVERSARY: defect. The CRD stores status.ocpEndpoint up to 2048 characters. A team's Secret url
    // with a longer path gives an endpoint the API server refuses: the intent's status write fails on
    // every reconcile (each one reading OCP's task list first), and the backup never says why.
    [Fact]
    public async Task An_ocp_url_too_long_to_record_is_refused_as_InvalidUrl_before_anything_is_sent()
    {
        var api = new SecretsApi();
        api.Secrets[("db", "ocp")] = (Opened, new() { ["url"] = "https://ocp.example.com/" + new string('a', 2100), ["username"] = "admin", ["password"] = "pw" });
        var connector = Connector(api, TimeSpan.Zero);

        var e = await Assert.ThrowsAsync<OcpConfigurationException>(() => connector.ConnectAsync(OwnSecret(), null, CancellationToken.None));

        Assert.Equal("InvalidUrl", e.Reason);
    }

    // ADVERSARY: defect. IOcpConnector.AuthorizeAsync promises that with a recorded target (the check
    // before every POST) "Secrets are read afresh, not from a cache"; OcpConnector reads them through
    // the Secret cache (Ocp:SecretCacheDuration, 10 s by default), so consent withdrawn by the
    // Secret's owner is not seen by a POST within that time.
    [Fact]
    public async Task Consent_withdrawn_from_a_Secret_is_seen_by_the_check_before_the_POST_whatever_the_Secret_cache()
    {
        var api = new SecretsApi();
        api.Secrets[("db", "ocp")] = (Opened, new() { ["url"] = "https://ocp.example.com", ["username"] = "admin", ["password"] = "pw" });
        var connector = Connector(api, TimeSpan.FromSeconds(10));
        var backup = OwnSecret();
        await connector.AuthorizeAsync(backup, null, CancellationToken.None); // before the intent
        var session = await connector.ConnectAsync(backup, null, CancellationToken.None);
        api.Secrets[("db", "ocp")] = (false, api.Secrets[("db", "ocp")].Data); // the namespace withdraws the operator's grant
        _time.Advance(TimeSpan.FromSeconds(2));

        await Assert.ThrowsAsync<OcpAccessDeniedException>(() => connector.AuthorizeAsync(backup, session.Target, CancellationToken.None));
    }

    private const bool Opened = true;

    private static V1alpha1ClusterBackupNow OwnSecret()
    {
        var backup = TestResources.Backup();
        backup.Spec.OcpConnectionRef = null;
        backup.Spec.OcpSecretRef = new LocalSecretReference { Name = "ocp" };
        return backup;
    }

    private OcpConnector Connector(SecretsApi api, TimeSpan cache)
    {
        var client = TestKubeApi.Client(api);
        return new OcpConnector(new SecretReader(client, _time, cache), new NamespaceReader(client),
            new ResourceReader<V1alpha1ClusterOcpConnection>(client), new Clients());
    }

    private ClusterBackupNowController Controller()
    {
        var connector = new ByConnectionName(_ocp, new() { ["ocp-one"] = new OcpTarget(OcpOne, "uid-one"), ["ocp-three"] = new OcpTarget(OcpThree, "uid-three") });
        var reconciler = new BackupReconciler(connector, _time,
            Microsoft.Extensions.Options.Options.Create(new ReconcileOptions { RecoveryQuietPeriod = TimeSpan.Zero }));
        return new ClusterBackupNowController(reconciler, _cache, _writes, new NoEvents(), _locks, new NoDeletes(), new NoReads(), new NoRequeues(), new NoMetrics(),
            connector, _time, new Failpoints(new Dictionary<string, FailpointAction>(), NullLogger<Failpoints>.Instance), NullLogger<ClusterBackupNowController>.Instance);
    }

    /// <summary>Each ClusterOcpConnection reaches its own OCP; credentials go only to the recorded one.</summary>
    private sealed class ByConnectionName(IOcpApi api, Dictionary<string, OcpTarget> targets) : IOcpConnector
    {
        private OcpTarget TargetOf(V1alpha1ClusterBackupNow resource) =>
            targets.TryGetValue(resource.Spec.OcpConnectionRef?.Name ?? "", out var t) ? t : throw new OcpConfigurationException("no such connection");

        public Task<OcpTarget> ResolveAsync(V1alpha1ClusterBackupNow resource, CancellationToken cancellationToken) => Task.FromResult(TargetOf(resource));

        public Task AuthorizeAsync(V1alpha1ClusterBackupNow resource, OcpTarget? recorded, CancellationToken cancellationToken) =>
            recorded is not null && recorded.ConnectionUid != TargetOf(resource).ConnectionUid
                ? throw new OcpAccessDeniedException("another connection")
                : Task.CompletedTask;

        public Task<OcpSession> ConnectAsync(V1alpha1ClusterBackupNow resource, OcpTarget? recorded, CancellationToken cancellationToken)
        {
            var target = TargetOf(resource);
            return recorded is not null && recorded.Endpoint != target.Endpoint
                ? throw new OcpConfigurationException("another OCP")
                : Task.FromResult(new OcpSession(api, recorded ?? target));
        }

        public Task<AccessKeyDto?> GetStorageAccessKeyAsync(V1alpha1ClusterBackupNow resource, CancellationToken cancellationToken) => Task.FromResult<AccessKeyDto?>(null);
    }

    private sealed class StatusWrites : IStatusWriter<V1alpha1ClusterBackupNow, ClusterBackupNowStatus>
    {
        public V1alpha1ClusterBackupNow? Last { get; private set; }

        public Task<V1alpha1ClusterBackupNow> WriteAsync(V1alpha1ClusterBackupNow resource, ClusterBackupNowStatus status, CancellationToken cancellationToken)
        {
            var written = KubernetesJson.Deserialize<V1alpha1ClusterBackupNow>(KubernetesJson.Serialize(resource));
            written.Status = KubernetesJson.Deserialize<ClusterBackupNowStatus>(KubernetesJson.Serialize(status));
            Last = written;
            return Task.FromResult(written);
        }
    }

    private sealed class NoEvents : IEventRecorder
    {
        public Task RecordAsync(IKubernetesObject<V1ObjectMeta> regarding, ObjectEvent objectEvent, CancellationToken cancellationToken) => Task.CompletedTask;
    }

    private sealed class NoDeletes : IResourceDeleter<V1alpha1ClusterBackupNow>
    {
        public Task DeleteAsync(V1alpha1ClusterBackupNow resource, CancellationToken cancellationToken) => Task.CompletedTask;
    }

    private sealed class NoReads : IResourceReader<V1alpha1ClusterBackupNow>
    {
        public Task<V1alpha1ClusterBackupNow?> ReadAsync(NamespacedName key, CancellationToken cancellationToken) => Task.FromResult<V1alpha1ClusterBackupNow?>(null);
    }

    private sealed class NoRequeues : IEntityRequeue<V1alpha1ClusterBackupNow>
    {
        public void Requeue(NamespacedName key)
        {
        }
    }

    private sealed class NoMetrics : IBackupMetrics
    {
        public void PhaseEntered(string phase, string? ocpEndpoint, long clusterId, DateTimeOffset now)
        {
        }
    }

    private sealed class Clients : IOcpClientFactory
    {
        public IOcpApi Get(OcpConnectionSettings settings) => new FakeOcpApi();
    }

    /// <summary>The API server's GETs of Secrets (by namespace and name).</summary>
    private sealed class SecretsApi : DelegatingHandler
    {
        /// <summary>Granted: the operator's ServiceAccount may get it; otherwise the API server answers 403.</summary>
        public Dictionary<(string Ns, string Name), (bool Granted, Dictionary<string, string> Data)> Secrets { get; } = [];

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var path = request.RequestUri!.AbsolutePath.Split('/', StringSplitOptions.RemoveEmptyEntries);
            if (path is ["api", "v1", "namespaces", var sns, "secrets", var sname] && Secrets.TryGetValue((sns, sname), out var secret) && !secret.Granted)
            {
                return Task.FromResult(new HttpResponseMessage(HttpStatusCode.Forbidden) { RequestMessage = request, Content = new StringContent("""{"kind":"Status","code":403,"reason":"Forbidden"}""", Encoding.UTF8, "application/json") });
            }

            V1Secret? body = path is ["api", "v1", "namespaces", var ns, "secrets", var name] && Secrets.TryGetValue((ns, name), out var s)
                ? new V1Secret { Metadata = new V1ObjectMeta { Name = name, NamespaceProperty = ns }, Data = s.Data.ToDictionary(d => d.Key, d => Encoding.UTF8.GetBytes(d.Value)) }
                : null;
            return Task.FromResult(body is null
                ? new HttpResponseMessage(HttpStatusCode.NotFound) { RequestMessage = request, Content = new StringContent("""{"kind":"Status","code":404}""", Encoding.UTF8, "application/json") }
                : new HttpResponseMessage(HttpStatusCode.OK) { RequestMessage = request, Content = new StringContent(KubernetesJson.Serialize(body), Encoding.UTF8, "application/json") });
        }
    }
}
