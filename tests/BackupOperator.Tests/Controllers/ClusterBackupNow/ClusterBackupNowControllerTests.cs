using BackupOperator.Entities;
using BackupOperator.Operator.Controllers.ClusterBackupNow;
using BackupOperator.Operator.FaultInjection;
using BackupOperator.Operator.Kubernetes;
using BackupOperator.Operator.Reconciliation.ClusterBackupNow;
using BackupOperator.Operator.Runtime;
using BackupOperator.Tests.Reconciliation.ClusterBackupNow;
using BackupOperator.Tests.Runtime;
using k8s;
using k8s.Models;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace BackupOperator.Tests.Controllers.ClusterBackupNow;

/// <summary>
/// The edge around the reconciler: locks by the submitted cluster, writes (never on a slim copy),
/// what a failed write means, and what follows a write: metrics, events, waking waiting backups, TTL deletion.
/// </summary>
public sealed class ClusterBackupNowControllerTests
{
    private readonly FakeTimeProvider _time = new(TestResources.Start);
    private readonly ResourceCache<V1alpha1ClusterBackupNow> _cache = new(ClusterBackupNowController.ClusterIndex, compact: SettledBackups.Compact);
    private readonly ClusterLocks _locks = new();
    private readonly StatusWrites _writes = new();
    private readonly RecordedEvents _events = new();
    private readonly RecordedDeletes _deletes = new();
    private readonly WholeObjectReads _reads = new();
    private readonly RecordedRequeues _requeues = new();
    private readonly RecordedPhases _phases = new();
    private readonly FakeOcpApi _ocp = new();
    private readonly FakeOcpConnector _connector;

    public ClusterBackupNowControllerTests() => _connector = new FakeOcpConnector(_ocp);

    private DateTime Now => _time.GetUtcNow().UtcDateTime;

    [Fact]
    public async Task A_status_write_to_a_deleted_resource_drops_the_key()
    {
        var backup = TestResources.Backup();
        _cache.Upsert(backup);
        _writes.Failure = new ResourceGoneException("gone", new InvalidOperationException());

        var outcome = await Controller().ReconcileAsync(backup, CancellationToken.None);

        Assert.Null(outcome.RequeueAfter);
        Assert.Equal(1, _writes.Attempts);
    }

    [Fact]
    public async Task A_status_write_conflict_looks_again_soon()
    {
        var backup = TestResources.Backup();
        _cache.Upsert(backup);
        _writes.Failure = new StatusConflictException("conflict", new InvalidOperationException());

        var outcome = await Controller().ReconcileAsync(backup, CancellationToken.None);

        Assert.NotNull(outcome.RequeueAfter);
        Assert.True(outcome.RequeueAfter < TimeSpan.FromSeconds(1));
    }

    [Fact]
    public async Task A_backup_whose_spec_was_edited_waits_for_its_submitted_clusters_lock()
    {
        // Submitted for cluster 8, then edited to cluster 9: it is still cluster 8's business.
        var status = TestResources.Submitting(_time.GetUtcNow().UtcDateTime);
        status.SubmittedSpec = TestResources.Backup(clusterId: 8).Spec;
        status.TaskHighWaterMark = 0;
        var backup = TestResources.Backup(clusterId: 9, generation: 2, status: status);
        _cache.Upsert(backup);
        var held = await _locks.AcquireAsync(new OcpCluster(TestResources.OcpEndpoint, 8), CancellationToken.None);

        var reconcile = Controller().ReconcileAsync(backup, CancellationToken.None);

        Assert.False(reconcile.IsCompleted);
        Assert.Single(_cache.ListByIndex(new OcpCluster(TestResources.OcpEndpoint, 8).IndexKey));
        Assert.Empty(_cache.ListByIndex(new OcpCluster(TestResources.OcpEndpoint, 9).IndexKey));
        held.Dispose();
        await reconcile.WaitAsync(TimeSpan.FromSeconds(10));
        // Once it holds the lock it reaches OCP, and only about cluster 8.
        var asked = _ocp.Lists.Select(q => q.ClusterId).Concat(_ocp.Posts.Select(p => (long?)p.ClusterId)).ToList();
        Assert.NotEmpty(asked);
        Assert.All(asked, c => Assert.Equal(8, c));
    }

    [Fact]
    public async Task A_status_write_decided_on_a_slim_copy_is_decided_again_on_the_whole_object_and_based_on_it()
    {
        var whole = SettledWhole();
        var slim = SettledBackups.AsCached(whole);
        Assert.True(SettledBackups.IsPartial(slim));
        // Its spec is then edited. No decision on a settled backup writes today; a slim copy whose
        // generation moved on stands for any decision that would.
        slim.Metadata.Generation = 2;
        whole.Metadata.Generation = 2;
        _cache.Upsert(slim);
        _reads.Whole = whole;

        await Controller().ReconcileAsync(slim, CancellationToken.None);

        Assert.Equal([new NamespacedName("db", "nightly")], _reads.Keys);
        var (written, result) = Assert.Single(_writes.Writes);
        Assert.Same(whole, written);
        // Decided on the slim copy, the write would have replaced the conditions with the few it keeps, without their texts.
        var conditions = result.Status!.Conditions!.Select(c => c.Type).ToList();
        Assert.Contains(ConditionTypes.Complete, conditions);
        Assert.Contains(ConditionTypes.Submitted, conditions);
        Assert.Contains(ConditionTypes.SpecChangeIgnored, conditions);
        Assert.Equal(3000041, Assert.Single(result.Status.Tasks!).Id);
    }

    [Fact]
    public async Task A_slim_copy_whose_object_is_gone_writes_nothing()
    {
        var slim = SettledBackups.AsCached(SettledWhole());
        slim.Metadata.Generation = 2;
        _cache.Upsert(slim);
        _reads.Whole = null;

        var outcome = await Controller().ReconcileAsync(slim, CancellationToken.None);

        Assert.Single(_reads.Keys);
        Assert.Equal(0, _writes.Attempts);
        Assert.Empty(_events.Recorded);
        Assert.Null(outcome.RequeueAfter);
    }

    [Fact]
    public async Task A_slim_copy_with_nothing_to_write_is_not_read_from_the_api_server()
    {
        var slim = SettledBackups.AsCached(SettledWhole());
        _cache.Upsert(slim);

        await Controller().ReconcileAsync(slim, CancellationToken.None);

        Assert.Empty(_reads.Keys);
        Assert.Equal(0, _writes.Attempts);
    }

    [Fact]
    public async Task A_backup_that_finishes_wakes_the_pending_backups_of_its_cluster()
    {
        var backup = Finishing();
        _cache.Upsert(backup);
        _cache.Upsert(Waiting("waiting", clusterId: 8));
        _cache.Upsert(Waiting("elsewhere", clusterId: 9));
        _cache.Upsert(TestResources.Backup(name: "earlier", status: TestResources.Terminal(BackupPhase.Succeeded, Now.AddHours(-1))));
        _cache.Upsert(TestResources.Backup(name: "unknown", status: TestResources.Running(Now.AddHours(-1), 3000040).SetUnknown("OcpUnreachable", "no answer", Now, 1)));

        await Controller().ReconcileAsync(backup, CancellationToken.None);

        Assert.Equal(BackupPhase.Succeeded, Assert.Single(_writes.Writes).Written.Status!.Phase);
        Assert.Equal([new NamespacedName("db", "waiting")], _requeues.Keys);
    }

    [Fact]
    public async Task A_backup_still_running_wakes_nobody()
    {
        var backup = TestResources.Backup(status: TestResources.Running(Now.AddMinutes(-10), 3000041));
        _ocp.Existing(TestResources.Task(3000041, status: OcpTaskStatus.Running));
        _cache.Upsert(backup);
        _cache.Upsert(Waiting("waiting", clusterId: 8));

        await Controller().ReconcileAsync(backup, CancellationToken.None);

        Assert.Equal(BackupPhase.Running, Assert.Single(_writes.Writes).Written.Status!.Phase);
        Assert.Empty(_requeues.Keys);
    }

    [Fact]
    public async Task A_backup_that_was_already_finished_wakes_nobody()
    {
        // Finished, then edited: its status is written again (the edit is ignored), but it freed its cluster long ago.
        var whole = SettledWhole();
        whole.Metadata.Generation = 2;
        _cache.Upsert(whole);
        _cache.Upsert(Waiting("waiting", clusterId: 8));

        await Controller().ReconcileAsync(whole, CancellationToken.None);

        Assert.Single(_writes.Writes);
        Assert.Empty(_requeues.Keys);
    }

    [Fact]
    public async Task Entering_a_phase_is_reported_with_the_submitted_cluster()
    {
        // Submitted for cluster 8, then edited to cluster 9: the backup that finishes is cluster 8's.
        var status = TestResources.Running(Now.AddMinutes(-10), 3000041);
        status.SubmittedSpec = TestResources.Backup(clusterId: 8).Spec;
        var backup = TestResources.Backup(clusterId: 9, generation: 2, status: status);
        _ocp.Existing(TestResources.Task(3000041, status: OcpTaskStatus.Successful));
        _cache.Upsert(backup);

        await Controller().ReconcileAsync(backup, CancellationToken.None);

        Assert.Equal([(BackupPhase.Succeeded, (string?)TestResources.OcpEndpoint, 8L, TestResources.Start)], _phases.Entered);
    }

    [Theory]
    [InlineData("https://ocp-staging.example:443", BackupPhase.Submitting)]
    [InlineData(TestResources.OcpEndpoint, BackupPhase.Pending)]
    public async Task Only_an_active_backup_on_the_same_OCP_holds_a_new_backup_of_the_cluster_id(string otherOcp, string phase)
    {
        var running = TestResources.Backup(name: "team-b", clusterId: 11, status: TestResources.Running(Now.AddMinutes(-1), 3000041)
            .With(s => s.OcpEndpoint = otherOcp));
        _cache.Upsert(running);
        var backup = TestResources.Backup(name: "team-a", clusterId: 11);
        _cache.Upsert(backup);

        await Controller().ReconcileAsync(backup, CancellationToken.None);

        var written = Assert.Single(_writes.Writes).Written;
        Assert.Equal(phase, written.Status!.Phase);
        Assert.Equal(phase == BackupPhase.Submitting ? TestResources.OcpEndpoint : null, written.Status.OcpEndpoint);
        // Indexed by what the intent recorded: each OCP's cluster 11 is its own.
        var ours = _cache.ListByIndex(new OcpCluster(TestResources.OcpEndpoint, 11).IndexKey).Select(b => b.Metadata.Name).ToList();
        Assert.Equal(phase == BackupPhase.Submitting ? ["team-a"] : ["team-b"], ours);
    }

    [Fact]
    public async Task A_status_write_within_a_phase_reports_no_phase_entered()
    {
        var backup = TestResources.Backup(status: TestResources.Running(Now.AddMinutes(-10), 3000041));
        _ocp.Existing(TestResources.Task(3000041, status: OcpTaskStatus.Running));
        _cache.Upsert(backup);

        await Controller().ReconcileAsync(backup, CancellationToken.None);

        Assert.Single(_writes.Writes);
        Assert.Empty(_phases.Entered);
    }

    [Fact]
    public async Task The_events_of_a_decision_are_recorded_on_the_object_as_written()
    {
        var backup = Finishing();
        _cache.Upsert(backup);

        await Controller().ReconcileAsync(backup, CancellationToken.None);

        var written = Assert.Single(_writes.Writes).Written;
        var (regarding, recorded) = Assert.Single(_events.Recorded);
        Assert.Same(written, regarding);
        Assert.Equal("written-1", regarding.Metadata.ResourceVersion);
        Assert.Equal("Succeeded", recorded.Reason);
        Assert.False(recorded.Warning);
    }

    [Fact]
    public async Task A_finished_backup_past_its_ttl_is_deleted()
    {
        var backup = TestResources.Backup(status: TestResources.Terminal(BackupPhase.Succeeded, Now.AddHours(-2)));
        backup.Spec.TtlSecondsAfterFinished = 3600;
        _cache.Upsert(backup);

        var outcome = await Controller().ReconcileAsync(backup, CancellationToken.None);

        Assert.Equal("uid-nightly", Assert.Single(_deletes.Deleted).Metadata.Uid);
        Assert.Equal("Expired", Assert.Single(_events.Recorded).Event.Reason);
        Assert.Null(outcome.RequeueAfter);
    }

    [Fact]
    public async Task A_finished_backup_within_its_ttl_is_kept_and_looked_at_again_when_it_is_due()
    {
        var backup = TestResources.Backup(status: TestResources.Terminal(BackupPhase.Succeeded, Now.AddMinutes(-10)));
        backup.Spec.TtlSecondsAfterFinished = 3600;
        _cache.Upsert(backup);

        var outcome = await Controller().ReconcileAsync(backup, CancellationToken.None);

        Assert.Empty(_deletes.Deleted);
        Assert.Equal(TimeSpan.FromMinutes(50), outcome.RequeueAfter);
    }

    /// <summary>A backup of cluster 8 that succeeded an hour ago, as the API server has it (task states and all).</summary>
    private V1alpha1ClusterBackupNow SettledWhole()
    {
        var status = TestResources.Terminal(BackupPhase.Succeeded, Now.AddHours(-1))
            .With(s => s.Tasks = [new OcpTaskState { Id = 3000041, Name = "Backup cluster data", Status = OcpTaskStatus.Successful }]);
        var whole = TestResources.Backup(status: status);
        whole.Metadata.ResourceVersion = "7";
        return whole;
    }

    /// <summary>A running backup of cluster 8 whose OCP task has just succeeded.</summary>
    private V1alpha1ClusterBackupNow Finishing()
    {
        _ocp.Existing(TestResources.Task(3000041, status: OcpTaskStatus.Successful));
        return TestResources.Backup(status: TestResources.Running(Now.AddMinutes(-10), 3000041));
    }

    /// <summary>A backup waiting for its cluster (Pending, no intent).</summary>
    private static V1alpha1ClusterBackupNow Waiting(string name, long clusterId) =>
        TestResources.Backup(clusterId: clusterId, name: name,
            status: new ClusterBackupNowStatus { ObservedGeneration = 1 }.SetPending("ClusterBusy", $"waiting for cluster {clusterId}"));

    [Fact]
    public async Task A_settled_peer_kept_compact_in_the_cache_keeps_its_task_from_being_adopted()
    {
        _ocp.Existing(TestResources.Task(601, created: Now), TestResources.Task(602, created: Now));
        var peer = TestResources.Backup(name: "peer", status: TestResources.Terminal(BackupPhase.Failed, Now).With(s => s.TaskIds = [601]));
        peer.Status!.ObservedGeneration = peer.Metadata.Generation;
        _cache.Upsert(peer);
        Assert.Equal(1, _cache.CompactCount);
        // An intent an earlier process wrote; whether its POST went out is unknown, and 601 is the lowest task above its mark.
        var backup = TestResources.Backup(status: TestResources.Submitting(Now).With(s => s.TaskHighWaterMark = 600));
        _cache.Upsert(backup);

        await Controller().ReconcileAsync(backup, CancellationToken.None);

        var (_, written) = Assert.Single(_writes.Writes);
        Assert.Equal([602L], written.Status!.TaskIds);
        Assert.Empty(_ocp.Posts);
    }

    private ClusterBackupNowController Controller()
    {
        var reconciler = new BackupReconciler(_connector, _time,
            Microsoft.Extensions.Options.Options.Create(new ReconcileOptions { RecoveryQuietPeriod = TimeSpan.Zero }));
        return new ClusterBackupNowController(reconciler, _cache, _writes, _events, _locks, _deletes, _reads, _requeues, _phases, _connector, _time,
            new Failpoints(new Dictionary<string, FailpointAction>(), NullLogger<Failpoints>.Instance), NullLogger<ClusterBackupNowController>.Instance);
    }

    /// <summary>Writes as the API server would: a new object with the status and a new resourceVersion.</summary>
    private sealed class StatusWrites : IStatusWriter<V1alpha1ClusterBackupNow, ClusterBackupNowStatus>
    {
        public Exception? Failure { get; set; }
        public int Attempts { get; private set; }

        /// <summary>The object each successful write was based on, and the object it returned.</summary>
        public List<(V1alpha1ClusterBackupNow Base, V1alpha1ClusterBackupNow Written)> Writes { get; } = [];

        public Task<V1alpha1ClusterBackupNow> WriteAsync(V1alpha1ClusterBackupNow resource, ClusterBackupNowStatus status, CancellationToken cancellationToken)
        {
            Attempts++;
            if (Failure is not null)
            {
                throw Failure;
            }

            var written = KubernetesJson.Deserialize<V1alpha1ClusterBackupNow>(KubernetesJson.Serialize(resource));
            written.Status = KubernetesJson.Deserialize<ClusterBackupNowStatus>(KubernetesJson.Serialize(status));
            written.Metadata.ResourceVersion = $"written-{Attempts}";
            Writes.Add((resource, written));
            return Task.FromResult(written);
        }
    }

    private sealed class RecordedEvents : IEventRecorder
    {
        public List<(IKubernetesObject<V1ObjectMeta> Regarding, ObjectEvent Event)> Recorded { get; } = [];

        public Task RecordAsync(IKubernetesObject<V1ObjectMeta> regarding, ObjectEvent objectEvent, CancellationToken cancellationToken)
        {
            Recorded.Add((regarding, objectEvent));
            return Task.CompletedTask;
        }
    }

    private sealed class RecordedDeletes : IResourceDeleter<V1alpha1ClusterBackupNow>
    {
        public List<V1alpha1ClusterBackupNow> Deleted { get; } = [];

        public Task DeleteAsync(V1alpha1ClusterBackupNow resource, CancellationToken cancellationToken)
        {
            Deleted.Add(resource);
            return Task.CompletedTask;
        }
    }

    /// <summary>The API server's whole object (null: gone), and the keys read.</summary>
    private sealed class WholeObjectReads : IResourceReader<V1alpha1ClusterBackupNow>
    {
        public V1alpha1ClusterBackupNow? Whole { get; set; }
        public List<NamespacedName> Keys { get; } = [];

        public Task<V1alpha1ClusterBackupNow?> ReadAsync(NamespacedName key, CancellationToken cancellationToken)
        {
            Keys.Add(key);
            return Task.FromResult(Whole);
        }
    }

    private sealed class RecordedRequeues : IEntityRequeue<V1alpha1ClusterBackupNow>
    {
        public List<NamespacedName> Keys { get; } = [];

        public void Requeue(NamespacedName key) => Keys.Add(key);
    }

    private sealed class RecordedPhases : IBackupMetrics
    {
        public List<(string Phase, string? Ocp, long ClusterId, DateTimeOffset At)> Entered { get; } = [];

        public void PhaseEntered(string phase, string? ocpEndpoint, long clusterId, DateTimeOffset now) => Entered.Add((phase, ocpEndpoint, clusterId, now));
    }
}
