using BackupOperator.Entities;
using BackupOperator.Operator.Ocp;
using BackupOperator.Operator.Reconciliation.ClusterBackupNow;

namespace BackupOperator.Tests.Reconciliation.ClusterBackupNow;

/// <summary>A new resource: the intent is written before anything is sent, unless it must wait.</summary>
public sealed class PrepareTests
{
    [Fact]
    public async Task New_resource_records_the_intent_and_sends_nothing_yet()
    {
        var h = new Harness();
        var d = await h.ReconcileAsync(TestResources.Backup(generation: 3));

        var s = d.Status!;
        Assert.Equal(BackupPhase.Submitting, s.Phase);
        Assert.False(string.IsNullOrEmpty(s.RequestId));
        Assert.Equal(h.Now, s.AttemptStartedAt);
        Assert.Equal(3, s.SubmittedGeneration);
        Assert.Equal(3, s.ObservedGeneration);
        Assert.Equal(0, s.SubmitAttempts);
        Assert.Equal(TimeSpan.Zero, d.RequeueAfter);
        Assert.Empty(d.Events);
        Assert.Empty(h.Ocp.Posts);
        Assert.Equal(0, s.TaskHighWaterMark); // OCP has no task of the cluster yet
        Assert.Equal(8, s.SubmittedSpec!.ClusterId);
        Assert.Equal(8, Assert.Single(h.Ocp.Lists).ClusterId);
    }

    [Fact]
    public async Task Each_resource_gets_its_own_request_id()
    {
        var h = new Harness();
        var a = await h.ReconcileAsync(TestResources.Backup(name: "a"));
        var b = await h.ReconcileAsync(TestResources.Backup(name: "b", clusterId: 9));

        Assert.NotEqual(a.Status!.RequestId, b.Status!.RequestId);
    }

    [Theory]
    [InlineData(BackupPhase.Submitting)]
    [InlineData(BackupPhase.Running)]
    [InlineData(BackupPhase.Unknown)]
    public async Task Active_peer_on_the_same_cluster_makes_it_wait_naming_the_peer(string peerPhase)
    {
        var h = new Harness();
        h.Peers.Add(TestResources.Backup(name: "weekly", ns: "ops", status: ActiveStatus(peerPhase, h.Now)));

        var backup = TestResources.Backup();
        var d = await h.StepAsync(backup);

        Assert.Equal(BackupPhase.Pending, d.Status!.Phase);
        Assert.Equal("ClusterBusy", d.Status.Reason);
        Assert.Contains($"ops/weekly is {peerPhase} on cluster 8", d.Status.Message, StringComparison.Ordinal);
        Assert.Null(d.Status.RequestId);
        Assert.Equal(h.Options.BusyRecheckInterval, d.RequeueAfter);
        var e = Assert.Single(d.Events);
        Assert.False(e.Warning);
        Assert.Equal("ClusterBusy", e.Reason);
        Assert.Equal(0, h.Ocp.Calls);

        var again = await h.StepAsync(backup);
        Assert.Null(again.Status);
        Assert.Empty(again.Events);
    }

    [Theory]
    [InlineData(BackupPhase.Succeeded, 8)]
    [InlineData(BackupPhase.Failed, 8)]
    [InlineData(BackupPhase.Running, 9)]
    [InlineData(BackupPhase.Pending, 8)]
    public async Task Finished_waiting_or_other_cluster_peer_does_not_block(string peerPhase, long peerCluster)
    {
        var h = new Harness();
        var status = peerPhase switch
        {
            BackupPhase.Pending => new ClusterBackupNowStatus().SetPending("ClusterBusy", "waiting"),
            BackupPhase.Running => TestResources.Running(h.Now, 77),
            _ => TestResources.Terminal(peerPhase, h.Now),
        };
        h.Peers.Add(TestResources.Backup(name: "other", clusterId: peerCluster, status: status));

        var d = await h.ReconcileAsync(TestResources.Backup());

        Assert.Equal(BackupPhase.Submitting, d.Status!.Phase);
    }

    [Fact]
    public async Task The_resource_itself_in_the_peer_list_does_not_block()
    {
        var h = new Harness();
        h.Peers.Add(TestResources.Backup(status: TestResources.Running(h.Now, 77)));

        var d = await h.ReconcileAsync(TestResources.Backup());

        Assert.Equal(BackupPhase.Submitting, d.Status!.Phase);
    }

    [Fact]
    public async Task Broken_connection_secret_waits_and_warns_once_per_message()
    {
        var h = new Harness();
        h.Connector.Failure = new OcpConfigurationException("Secret db/ocp-credentials: no OCP url (key 'url')");
        var backup = TestResources.Backup();

        var d = await h.StepAsync(backup);
        Assert.Equal(BackupPhase.Pending, d.Status!.Phase);
        Assert.Equal("ConfigurationInvalid", d.Status.Reason);
        Assert.Equal("Secret db/ocp-credentials: no OCP url (key 'url')", d.Status.Message);
        Assert.True(Assert.Single(d.Events).Warning);
        Assert.Equal(0, h.Ocp.Calls);

        var same = await h.StepAsync(backup);
        Assert.Null(same.Status);
        Assert.Empty(same.Events);

        h.Connector.Failure = new OcpConfigurationException("Secret db/ocp-credentials: AK/SK auth needs both 'accessKeyId' and 'accessKeySecret'");
        var changed = await h.StepAsync(backup);
        Assert.Contains("AK/SK", changed.Status!.Message, StringComparison.Ordinal);
        Assert.Single(changed.Events);

        h.Connector.Failure = null;
        var fixedSecret = await h.StepAsync(backup);
        Assert.Equal(BackupPhase.Submitting, fixedSecret.Status!.Phase);
    }

    [Theory]
    [InlineData(BackupPhase.Pending, false, false)]
    [InlineData(BackupPhase.Submitting, true, true)]
    [InlineData(BackupPhase.Unknown, true, true)]
    [InlineData(BackupPhase.Running, false, true)]
    [InlineData(BackupPhase.Succeeded, true, false)]
    [InlineData(BackupPhase.Failed, false, false)]
    public void A_backup_is_active_from_its_intent_until_it_is_terminal(string phase, bool hasIntent, bool active)
    {
        var s = new ClusterBackupNowStatus
        {
            Phase = phase,
            RequestId = hasIntent ? "req" : null,
            TaskIds = phase is BackupPhase.Running or BackupPhase.Succeeded ? [1] : null,
        };

        Assert.Equal(active, BackupReconciler.IsActive(s));
        Assert.False(BackupReconciler.IsActive(null));
    }

    private static ClusterBackupNowStatus ActiveStatus(string phase, DateTime now) => phase switch
    {
        BackupPhase.Running => TestResources.Running(now, 77),
        BackupPhase.Unknown => TestResources.Submitting(now).SetUnknown("OcpUnreachable", "down", now, 1),
        _ => TestResources.Submitting(now),
    };

    [Fact]
    public async Task Wrong_credentials_on_the_first_read_fail_the_backup_and_send_nothing()
    {
        var h = new Harness();
        h.Ocp.FailList(Fail.Rejected(401, "wrong password", "Unauthorized", op: "listTasks"));

        var d = await h.ReconcileAsync(TestResources.Backup());

        Assert.Equal(BackupPhase.Failed, d.Status!.Phase);
        Assert.Equal("OcpAuthenticationFailed", d.Status.Reason);
        Assert.Contains("wrong password", d.Status.Message, StringComparison.Ordinal);
        Assert.Null(d.Status.RequestId);
        Assert.Empty(h.Ocp.Posts);
    }

    [Fact]
    public async Task Ocp_unreachable_before_the_intent_records_no_intent_and_retries()
    {
        var h = new Harness();
        h.Ocp.FailList(Fail.Unreachable("listTasks"));

        var d = await h.ReconcileAsync(TestResources.Backup());

        Assert.Equal(BackupPhase.Unknown, d.Status!.Phase);
        Assert.Null(d.Status.RequestId);
        Assert.NotNull(d.RequeueAfter);
        Assert.Empty(h.Ocp.Posts);
    }
}
