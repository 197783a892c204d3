using System.Text;
using BackupOperator.Entities;
using BackupOperator.Operator.Controllers.ClusterOcpConnection;
using BackupOperator.Operator.Kubernetes;
using BackupOperator.Operator.Ocp;
using BackupOperator.Operator.Reconciliation.ClusterOcpConnection;
using BackupOperator.Operator.Runtime;
using BackupOperator.Tests.Diagnostics;
using BackupOperator.Tests.Reconciliation.ClusterOcpConnection;
using k8s;
using k8s.Models;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace BackupOperator.Tests.Controllers.ClusterOcpConnection;

/// <summary>The I/O around the decision: which Secret is read, what OCP is asked, what is written and told.</summary>
public sealed class ClusterOcpConnectionControllerTests
{
    private const string Password = "s3cret-Basic-pass";
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 12, 1, 12, 0, 0, TimeSpan.Zero));
    private readonly ResourceCache<V1alpha1ClusterOcpConnection> _cache = new();
    private readonly FakeSecrets _secrets = new();
    private readonly FakeClients _clients = new();
    private readonly StatusWrites _writes = new();
    private readonly RecordedEvents _events = new();

    [Fact]
    public async Task Reads_the_Secret_in_the_namespace_the_spec_names_and_asks_OCP_for_one_task_with_the_spec_url()
    {
        _secrets.Add("ops", "ocp-main", ("username", "bot"), ("password", Password), ("url", "https://ignored.example.com"));

        var outcome = await Controller().ReconcileAsync(Connection(), CancellationToken.None);

        Assert.Equal([("ops", "ocp-main")], _secrets.Reads);
        var settings = Assert.Single(_clients.Settings);
        Assert.Equal("https://ocp.example.com:8080", settings.Url);
        Assert.Equal("bot", settings.Username);
        var query = Assert.Single(_clients.Api.Queries);
        Assert.Equal(1, query.Size);
        Assert.Equal(1, query.Page);
        var written = Assert.Single(_writes.Written);
        Assert.Equal("Connected", written.ReadyCondition()!.Reason);
        Assert.Equal(TimeSpan.FromMinutes(5), outcome.RequeueAfter);
        var e = Assert.Single(_events.Recorded);
        Assert.Equal(new ObjectEvent(false, "Connected", "OCP answered an authenticated read (Basic credentials)"), e);
    }

    [Fact]
    public async Task A_missing_Secret_is_SecretNotFound_and_OCP_is_not_asked()
    {
        var outcome = await Controller().ReconcileAsync(Connection(), CancellationToken.None);

        Assert.Equal("SecretNotFound", Assert.Single(_writes.Written).ReadyCondition()!.Reason);
        Assert.Empty(_clients.Settings);
        Assert.True(Assert.Single(_events.Recorded).Warning);
        Assert.Equal(TimeSpan.FromSeconds(15), outcome.RequeueAfter);
    }

    [Fact]
    public async Task Credentials_outside_the_credentials_namespace_are_never_read_and_OCP_is_not_asked()
    {
        _secrets.Add("team-b", "their-ocp", ("username", "bot"), ("password", Password));
        var connection = Connection();
        connection.Spec.CredentialsSecretRef = new SecretReference { Namespace = "team-b", Name = "their-ocp" };

        await Controller().ReconcileAsync(connection, CancellationToken.None);

        var ready = Assert.Single(_writes.Written).ReadyCondition()!;
        Assert.Equal(("False", "SecretNamespaceNotAllowed"), (ready.Status, ready.Reason));
        Assert.Contains("only in namespace ops (Ocp:CredentialsNamespace)", ready.Message, StringComparison.Ordinal);
        Assert.Empty(_secrets.Reads);
        Assert.Empty(_clients.Settings);
        Assert.Equal("SecretNamespaceNotAllowed", Assert.Single(_events.Recorded).Reason);
    }

    [Fact]
    public async Task A_forbidden_Secret_is_SecretNotReadable()
    {
        _secrets.Forbidden = true;

        await Controller().ReconcileAsync(Connection(), CancellationToken.None);

        Assert.Equal("SecretNotReadable", Assert.Single(_writes.Written).ReadyCondition()!.Reason);
    }

    [Fact]
    public async Task Settings_the_factory_refuses_are_CredentialsIncomplete()
    {
        _secrets.Add("ops", "ocp-main", ("username", "bot"));

        await Controller().ReconcileAsync(Connection(), CancellationToken.None);

        var ready = Assert.Single(_writes.Written).ReadyCondition()!;
        Assert.Equal("CredentialsIncomplete", ready.Reason);
        Assert.Contains("'password'", ready.Message, StringComparison.Ordinal);
        Assert.Empty(_clients.Api.Queries);
    }

    [Fact]
    public async Task OCPs_401_is_OcpAuthenticationFailed_and_no_secret_reaches_status_event_or_log()
    {
        _secrets.Add("ops", "ocp-main", ("username", "bot"), ("password", Password));
        _clients.Api.Failure = new OcpApiException("listTasks", OcpFailureKind.Rejected, "authentication failed: wrong password", 401, "Unauthorized", "trace-9");
        var log = new ListLogger();

        await Controller(new TypedLogger(log)).ReconcileAsync(Connection(), CancellationToken.None);

        var ready = Assert.Single(_writes.Written).ReadyCondition()!;
        Assert.Equal("OcpAuthenticationFailed", ready.Reason);
        Assert.DoesNotContain(Password, KubernetesJson.Serialize(_writes.Written), StringComparison.Ordinal);
        Assert.DoesNotContain(Password, Assert.Single(_events.Recorded).Note, StringComparison.Ordinal);
        Assert.DoesNotContain(log.Lines, l => l.Contains(Password, StringComparison.Ordinal));
    }

    [Fact]
    public async Task OCP_out_of_reach_is_OcpUnreachable()
    {
        _secrets.Add("ops", "ocp-main", ("accessKeyId", "AK-1"), ("accessKeySecret", "SK-1"));
        _clients.Api.Failure = new OcpApiException("listTasks", OcpFailureKind.Unreachable, "connection failed: Connection refused");

        await Controller().ReconcileAsync(Connection(), CancellationToken.None);

        Assert.Equal("OcpUnreachable", Assert.Single(_writes.Written).ReadyCondition()!.Reason);
    }

    [Fact]
    public async Task Its_own_status_write_coming_back_through_the_watch_does_not_ask_OCP_again_before_the_check_is_due()
    {
        _secrets.Add("ops", "ocp-main", ("username", "bot"), ("password", Password));
        var controller = Controller();
        await controller.ReconcileAsync(Connection(), CancellationToken.None);
        var echoed = Connection(status: _writes.Written[^1]);

        _time.Advance(TimeSpan.FromSeconds(1));
        var outcome = await controller.ReconcileAsync(echoed, CancellationToken.None);

        Assert.Single(_clients.Api.Queries);
        Assert.Single(_writes.Written);
        Assert.Single(_events.Recorded);
        Assert.Equal(TimeSpan.FromMinutes(5) - TimeSpan.FromSeconds(1), outcome.RequeueAfter);

        // Due: checked again; the same outcome writes nothing and tells nothing.
        _time.Advance(TimeSpan.FromMinutes(5));
        outcome = await controller.ReconcileAsync(echoed, CancellationToken.None);

        Assert.Equal(2, _clients.Api.Queries.Count);
        Assert.Single(_writes.Written);
        Assert.Single(_events.Recorded);
        Assert.Equal(TimeSpan.FromMinutes(5), outcome.RequeueAfter);
    }

    [Fact]
    public async Task A_status_that_differs_from_the_one_written_only_inside_its_condition_is_checked_and_written_again_at_once()
    {
        _secrets.Add("ops", "ocp-main", ("username", "bot"), ("password", Password));
        var controller = Controller();
        await controller.ReconcileAsync(Connection(), CancellationToken.None);
        var edited = _writes.Written[^1].Copy();
        edited.ReadyCondition()!.Message = "edited by someone else";

        _time.Advance(TimeSpan.FromSeconds(1));
        await controller.ReconcileAsync(Connection(status: edited), CancellationToken.None);

        Assert.Equal(2, _clients.Api.Queries.Count);
        Assert.Equal(2, _writes.Written.Count);
        Assert.True(StatusEquality.Same(_writes.Written[0], _writes.Written[1]));
        Assert.Single(_events.Recorded);
    }

    [Fact]
    public async Task A_spec_edit_is_checked_at_once()
    {
        _secrets.Add("ops", "ocp-main", ("username", "bot"), ("password", Password));
        var controller = Controller();
        await controller.ReconcileAsync(Connection(), CancellationToken.None);

        await controller.ReconcileAsync(Connection(generation: 2, status: _writes.Written[^1]), CancellationToken.None);

        Assert.Equal(2, _clients.Api.Queries.Count);
        Assert.Equal(2, _writes.Written[^1].ObservedGeneration);
        Assert.Single(_events.Recorded);
    }

    [Fact]
    public async Task A_Secret_created_later_is_found_at_the_next_check_and_flips_Ready()
    {
        var controller = Controller();
        var outcome = await controller.ReconcileAsync(Connection(), CancellationToken.None);
        _secrets.Add("ops", "ocp-main", ("username", "bot"), ("password", Password));

        _time.Advance(outcome.RequeueAfter!.Value);
        outcome = await controller.ReconcileAsync(Connection(status: _writes.Written[^1]), CancellationToken.None);

        Assert.Equal(["SecretNotFound", "Connected"], _writes.Written.Select(s => s.ReadyCondition()!.Reason));
        Assert.Equal(["SecretNotFound", "Connected"], _events.Recorded.Select(e => e.Reason));
        Assert.Equal(TimeSpan.FromMinutes(5), outcome.RequeueAfter);
    }

    [Fact]
    public async Task A_write_conflict_looks_again_soon_and_a_deleted_connection_is_dropped()
    {
        _writes.Failure = new StatusConflictException("conflict", new InvalidOperationException());
        var conflict = await Controller().ReconcileAsync(Connection(), CancellationToken.None);
        _writes.Failure = new ResourceGoneException("gone", new InvalidOperationException());
        var gone = await Controller().ReconcileAsync(Connection(), CancellationToken.None);

        Assert.True(conflict.RequeueAfter < TimeSpan.FromSeconds(1));
        Assert.Null(gone.RequeueAfter);
        Assert.Empty(_events.Recorded);
    }

    private ClusterOcpConnectionController Controller(ILogger<ClusterOcpConnectionController>? logger = null) =>
        new(_secrets, _clients, _cache, _writes, _events, Microsoft.Extensions.Options.Options.Create(new ConnectionOptions()), _time,
            logger ?? NullLogger<ClusterOcpConnectionController>.Instance,
            Microsoft.Extensions.Options.Options.Create(new OcpOptions { CredentialsNamespace = "ops" }));

    private static V1alpha1ClusterOcpConnection Connection(long generation = 1, ClusterOcpConnectionStatus? status = null) =>
        ConnectionStatusDecisionTests.Connection(generation, status);

    private sealed class FakeSecrets : ISecretReader
    {
        private readonly Dictionary<(string, string), IDictionary<string, byte[]>> _secrets = [];

        public List<(string Namespace, string Name)> Reads { get; } = [];
        public bool Forbidden { get; set; }

        public void Add(string ns, string name, params (string Key, string Value)[] data) =>
            _secrets[(ns, name)] = data.ToDictionary(d => d.Key, d => Encoding.UTF8.GetBytes(d.Value));

        public Task<SecretContent> ReadContentAsync(string ns, string name, string field, CancellationToken cancellationToken)
        {
            Reads.Add((ns, name));
            if (Forbidden)
            {
                throw new SecretUnavailableException($"the operator may not read Secret {ns}/{name}", forbidden: true);
            }

            return _secrets.TryGetValue((ns, name), out var data)
                ? Task.FromResult(new SecretContent(data))
                : throw new SecretUnavailableException($"Secret {ns}/{name} ({field}) not found");
        }

        public Task<SecretContent> ReadFreshAsync(string ns, string name, string field, CancellationToken cancellationToken) =>
            ReadContentAsync(ns, name, field, cancellationToken);
    }

    private sealed class FakeClients : IOcpClientFactory
    {
        public List<OcpConnectionSettings> Settings { get; } = [];
        public FakeApi Api { get; } = new();

        public IOcpApi Get(OcpConnectionSettings settings)
        {
            Settings.Add(settings);
            settings.Validate();
            return Api;
        }
    }

    private sealed class FakeApi : IOcpApi
    {
        public List<TaskQuery> Queries { get; } = [];
        public OcpApiException? Failure { get; set; }

        public Task<OcpResponse<OcpPage<TaskInstance>>> ListTasksAsync(TaskQuery query, CancellationToken cancellationToken)
        {
            Queries.Add(query);
            return Failure is not null
                ? throw Failure
                : Task.FromResult(new OcpResponse<OcpPage<TaskInstance>>(new OcpPage<TaskInstance> { Contents = [] }, true, "trace", "server", null));
        }

        public Task<OcpResponse<BackupCommonResponse>> BackupNowAsync(long clusterId, BackupNowRequest request, CancellationToken cancellationToken, string? requestId = null) =>
            throw new InvalidOperationException("a connection check never starts a backup");

        public Task<OcpResponse<TaskInstance>> GetTaskAsync(long taskInstanceId, CancellationToken cancellationToken) =>
            throw new InvalidOperationException("not used");
    }

    private sealed class StatusWrites : IStatusWriter<V1alpha1ClusterOcpConnection, ClusterOcpConnectionStatus>
    {
        public List<ClusterOcpConnectionStatus> Written { get; } = [];
        public Exception? Failure { get; set; }

        public Task<V1alpha1ClusterOcpConnection> WriteAsync(V1alpha1ClusterOcpConnection resource, ClusterOcpConnectionStatus status, CancellationToken cancellationToken)
        {
            if (Failure is not null)
            {
                throw Failure;
            }

            Written.Add(status);
            return Task.FromResult(new V1alpha1ClusterOcpConnection { Metadata = resource.Metadata, Spec = resource.Spec, Status = status.Copy() });
        }
    }

    private sealed class TypedLogger(ListLogger inner) : ILogger<ClusterOcpConnectionController>
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            inner.Log(logLevel, eventId, state, exception, formatter);
    }

    private sealed class RecordedEvents : IEventRecorder
    {
        public List<ObjectEvent> Recorded { get; } = [];

        public Task RecordAsync(IKubernetesObject<V1ObjectMeta> regarding, ObjectEvent objectEvent, CancellationToken cancellationToken)
        {
            Recorded.Add(objectEvent);
            return Task.CompletedTask;
        }
    }
}
