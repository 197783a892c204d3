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

/// <summary>The edge around the reconciler: locks by the submitted cluster, writes, and what a failed write means.</summary>
public sealed class ClusterBackupNowControllerTests : IDisposable
{
    private readonly FakeTimeProvider _time = new(TestResources.Start);
    private readonly ResourceCache<V1alpha1ClusterBackupNow> _cache = new(ClusterBackupNowController.ClusterIndex);
    private readonly ControllerQueue<V1alpha1ClusterBackupNow> _queue;
    private readonly ClusterLocks _locks = new();
    private readonly StatusWrites _writes = new();
    private readonly FakeOcpApi _ocp = new();

    public ClusterBackupNowControllerTests() => _queue = new ControllerQueue<V1alpha1ClusterBackupNow>(_time);

    public void Dispose()
    {
        _queue.Dispose();
    }

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
        var held = await _locks.AcquireAsync(8, CancellationToken.None);

        var reconcile = Controller().ReconcileAsync(backup, CancellationToken.None);

        Assert.False(reconcile.IsCompleted);
        Assert.Single(_cache.ListByIndex("8"));
        Assert.Empty(_cache.ListByIndex("9"));
        held.Dispose();
        await reconcile.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.All(_ocp.Posts, p => Assert.Equal(8, p.ClusterId));
    }

    private ClusterBackupNowController Controller()
    {
        var reconciler = new BackupReconciler(new FakeOcpConnector(_ocp), _time,
            Microsoft.Extensions.Options.Options.Create(new ReconcileOptions { RecoveryQuietPeriod = TimeSpan.Zero }));
        return new ClusterBackupNowController(reconciler, _cache, _writes, new NoEvents(), _locks, new NoDeletes(), new NoReads(), _queue, new NoMetrics(), _time,
            new Failpoints(new Dictionary<string, FailpointAction>(), NullLogger<Failpoints>.Instance), NullLogger<ClusterBackupNowController>.Instance);
    }

    private sealed class StatusWrites : IStatusWriter<V1alpha1ClusterBackupNow, ClusterBackupNowStatus>
    {
        public Exception? Failure { get; set; }
        public int Attempts { get; private set; }

        public Task<V1alpha1ClusterBackupNow> WriteAsync(V1alpha1ClusterBackupNow resource, ClusterBackupNowStatus status, CancellationToken cancellationToken)
        {
            Attempts++;
            if (Failure is not null)
            {
                throw Failure;
            }

            resource.Status = status;
            return Task.FromResult(resource);
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

    private sealed class NoMetrics : IBackupMetrics
    {
        public void PhaseEntered(string phase, long clusterId, DateTimeOffset now)
        {
        }
    }
}
