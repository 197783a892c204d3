using BackupOperator.Entities;
using BackupOperator.Operator.Ocp;
using BackupOperator.Operator.Reconciliation.ClusterBackupNow;

namespace BackupOperator.Tests.Reconciliation.ClusterBackupNow;

/// <summary>
/// A cluster is (OCP, clusterId): two OCPs both have a "cluster 5" and number their tasks alike. The OCP
/// is recorded with the intent, and every later step stays with it.
/// </summary>
public sealed class OcpIdentityTests
{
    private const string OtherOcp = "https://ocp-three.example:443";

    [Fact]
    public async Task The_intent_records_the_OCP_and_the_connection_it_goes_through()
    {
        var h = new Harness();
        h.Connector.Target = new OcpTarget(TestResources.OcpEndpoint, "uid-conn-1");

        var d = await h.StepAsync(TestResources.Backup());

        Assert.Equal(BackupPhase.Submitting, d.Status!.Phase);
        Assert.Equal(TestResources.OcpEndpoint, d.Status.OcpEndpoint);
        Assert.Equal("uid-conn-1", d.Status.OcpConnectionUid);
    }

    [Fact]
    public async Task A_task_id_another_OCPs_backup_recorded_is_still_adopted_after_a_lost_answer()
    {
        // Team C's finished backup of cluster 8 on OCP three holds task 3000041; OCP one starts *its*
        // 3000041 for our POST and the answer is lost. Judging that task claimed would POST again.
        var h = new Harness();
        var elsewhere = TestResources.Backup(name: "team-c", status: TestResources.Terminal(BackupPhase.Succeeded, h.Now)
            .With(s => s.OcpEndpoint = OtherOcp));
        Assert.Equal([3000041L], elsewhere.Status!.TaskIds);
        await h.ReconcileAsync(elsewhere); // this process has seen it: its claim is in the journal
        h.Peers.Add(elsewhere);
        var backup = TestResources.Backup();
        await h.StepAsync(backup);
        h.Ocp.StartThenLoseAnswer(Fail.Lost());
        await h.StepAsync(backup);
        h.Time.Advance(h.Options.SubmissionSettleDelay);

        var d = await h.StepAsync(backup);

        Assert.Equal(BackupPhase.Running, d.Status!.Phase);
        Assert.Equal([3000041L], d.Status.TaskIds);
        Assert.True(d.Status.Adopted);
        Assert.Single(h.Ocp.Posts);
    }

    [Fact]
    public async Task A_task_id_a_backup_of_the_same_OCP_recorded_is_never_adopted()
    {
        var h = new Harness();
        var sameOcp = TestResources.Backup(name: "team-c", status: TestResources.Terminal(BackupPhase.Succeeded, h.Now));
        await h.ReconcileAsync(sameOcp);
        var backup = TestResources.Backup();
        await h.StepAsync(backup);
        h.Ocp.Existing(TestResources.Task(3000041, created: h.Now)); // created after our high-water mark was read
        h.Ocp.FailPost(Fail.Lost());
        await h.StepAsync(backup);
        h.Time.Advance(h.Options.SubmissionSettleDelay);

        var d = await h.StepAsync(backup);

        Assert.NotEqual([3000041L], d.Status!.TaskIds);
        Assert.Equal(2, h.Ocp.Posts.Count);
    }

    [Theory]
    [InlineData(OtherOcp, false)]
    [InlineData(TestResources.OcpEndpoint, true)]
    [InlineData(null, true)] // an intent of an operator that did not record its OCP: assumed this one's
    public async Task Only_an_active_backup_of_the_same_OCP_keeps_the_cluster_busy(string? peerOcp, bool busy)
    {
        var h = new Harness();
        h.Peers.Add(TestResources.Backup(name: "long-running", status: TestResources.Running(h.Now, 3000041).With(s => s.OcpEndpoint = peerOcp)));

        var d = await h.StepAsync(TestResources.Backup());

        Assert.Equal(busy ? (BackupPhase.Pending, "ClusterBusy") : (BackupPhase.Submitting, "Submitting"), (d.Status!.Phase, d.Status.Reason));
    }

    [Fact]
    public async Task A_url_edited_after_the_intent_sends_nothing_to_the_new_OCP_and_the_backup_goes_on_once_restored()
    {
        var h = new Harness();
        var backup = TestResources.Backup();
        await h.StepAsync(backup); // the intent, for OCP one
        h.Connector.Target = new OcpTarget(OtherOcp, null);

        var waiting = await h.StepAsync(backup);

        Assert.Equal(BackupPhase.Submitting, waiting.Status!.Phase);
        Assert.Equal(OcpConfigurationException.ConfigurationInvalid, waiting.Status.Reason);
        Assert.Equal(TestResources.OcpEndpoint, waiting.Status.OcpEndpoint);
        Assert.Empty(h.Ocp.Posts);
        Assert.DoesNotContain(h.Connector.ConnectedWith, t => t is not null && t.Endpoint == OtherOcp);

        h.Connector.Target = new OcpTarget(TestResources.OcpEndpoint, null);
        h.Time.Advance(TimeSpan.FromMinutes(1));
        var d = await h.StepAsync(backup);

        Assert.Equal(BackupPhase.Running, d.Status!.Phase);
        Assert.Single(h.Ocp.Posts);
    }

    [Fact]
    public async Task A_running_backup_keeps_following_at_its_recorded_OCP_only()
    {
        var h = new Harness();
        var backup = TestResources.Backup();
        await h.StepAsync(backup);
        await h.StepAsync(backup); // Running on OCP one
        var reads = h.Ocp.TaskReads.Count;
        h.Connector.Target = new OcpTarget(OtherOcp, null);
        h.Time.Advance(h.Options.PollInterval);

        var d = await h.StepAsync(backup);

        Assert.Equal(BackupPhase.Unknown, d.Status!.Phase);
        Assert.Contains("cannot follow the tasks", d.Status.Message, StringComparison.Ordinal);
        Assert.Equal(reads, h.Ocp.TaskReads.Count);
        Assert.Equal(TestResources.OcpEndpoint, d.Status.OcpEndpoint);
    }

    [Fact]
    public async Task Peers_gathered_for_another_OCP_than_the_connection_reaches_record_no_intent()
    {
        // The controller locked and gathered peers for the url it read; the url changed before the reconcile connected.
        var h = new Harness();
        var backup = TestResources.Backup();
        var reconciler = new BackupReconciler(h.Connector, h.Time, Microsoft.Extensions.Options.Options.Create(h.Options), h.Journal);

        var d = await reconciler.ReconcileAsync(backup, new ClusterPeers([], [], OtherOcp), CancellationToken.None);

        Assert.Null(d.Status?.RequestId);
        Assert.NotNull(d.RequeueAfter);
        Assert.Equal(0, h.Ocp.Calls);
    }

    [Fact]
    public async Task An_intent_of_an_operator_that_did_not_record_its_OCP_records_the_one_its_connection_reaches()
    {
        var h = new Harness();
        var legacy = TestResources.Submitting(h.Now.AddMinutes(-1)).With(s => s.OcpEndpoint = null);
        h.Ocp.AnswerList(TestResources.Task(501, created: h.Now.AddSeconds(-50)));

        var d = await h.ReconcileAsync(TestResources.Backup(status: legacy));

        Assert.Equal(TestResources.OcpEndpoint, d.Status!.OcpEndpoint);
        Assert.Equal([501L], d.Status.TaskIds);
        Assert.Empty(h.Ocp.Posts);
    }

    [Theory]
    [InlineData("https://OCP.Example.com/", "https://ocp.example.com:443")]
    [InlineData("https://ocp.example.com:443", "https://ocp.example.com:443")]
    [InlineData("http://ocp.example.com", "http://ocp.example.com:80")]
    [InlineData("http://10.0.0.7:8080/ocp/", "http://10.0.0.7:8080/ocp")]
    [InlineData("http://[FD00::7]:8080", "http://[fd00::7]:8080")]
    [InlineData("https://user:pw@ocp.example.com:8443/base?x=1", "https://ocp.example.com:8443/base")]
    public void The_OCP_is_the_normalised_base_url_without_credentials(string url, string endpoint)
    {
        Assert.Equal(endpoint, OcpEndpoint.Normalize(url));
    }

    [Theory]
    [InlineData("https://ocp.example.com:443", "ocp.example.com:443")]
    [InlineData("http://[fd00::7]:8080/base", "[fd00::7]:8080")]
    [InlineData(null, "unknown")]
    public void The_metric_label_names_the_OCPs_host_and_port(string? endpoint, string label)
    {
        Assert.Equal(label, OcpEndpoint.HostAndPort(endpoint));
    }
}
