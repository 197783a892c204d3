using BackupOperator.Entities;
using BackupOperator.Operator.Ocp;
using BackupOperator.Operator.Reconciliation.ClusterBackupNow;
using Microsoft.Extensions.Time.Testing;

namespace BackupOperator.Tests.Reconciliation.ClusterBackupNow;

/// <summary>A reconciler with a fake OCP, a fake clock and the peers the controller would pass.</summary>
internal sealed class Harness
{
    private BackupReconciler? _reconciler;

    public Harness()
    {
        Connector = new FakeOcpConnector(Ocp);
    }

    public FakeTimeProvider Time { get; } = new(TestResources.Start);
    public FakeOcpApi Ocp { get; } = new();
    public FakeOcpConnector Connector { get; }
    // No quiet period unless a test is about it: a hand-made Submitting status is "foreign" to the journal.
    public ReconcileOptions Options { get; } = new() { RecoveryQuietPeriod = TimeSpan.Zero };
    public OcpOptions OcpOptions { get; } = new();
    public List<V1alpha1ClusterBackupNow> Peers { get; } = [];

    /// <summary>Task ids of settled peers the controller passes without objects (kept compact in its cache).</summary>
    public List<long> SettledPeerTaskIds { get; } = [];
    public DateTime Now => Time.GetUtcNow().UtcDateTime;
    public SubmissionJournal Journal { get; private set; } = new();

    private BackupReconciler Reconciler =>
        _reconciler ??= new BackupReconciler(Connector, Time, Microsoft.Extensions.Options.Options.Create(Options), Journal,
            Microsoft.Extensions.Options.Options.Create(OcpOptions));

    /// <summary>A new operator process: same OCP and clock, an empty submission journal.</summary>
    public void Restart()
    {
        _reconciler = null;
        Journal = new SubmissionJournal();
    }

    public Task<ReconcileDecision> ReconcileAsync(V1alpha1ClusterBackupNow resource) =>
        Reconciler.ReconcileAsync(resource, new ClusterPeers(Peers, SettledPeerTaskIds, Connector.Target.Endpoint), CancellationToken.None);

    /// <summary>Reconcile and write the decided status back, as the controller does.</summary>
    public async Task<ReconcileDecision> StepAsync(V1alpha1ClusterBackupNow resource)
    {
        var decision = await ReconcileAsync(resource);
        if (decision.Status is not null)
        {
            resource.Status = decision.Status;
        }

        return decision;
    }
}
