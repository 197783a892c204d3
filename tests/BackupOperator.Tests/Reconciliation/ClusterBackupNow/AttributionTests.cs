using BackupOperator.Entities;
using BackupOperator.Operator.Controllers.ClusterBackupNow;
using BackupOperator.Operator.Kubernetes;
using BackupOperator.Operator.Reconciliation.ClusterBackupNow;

namespace BackupOperator.Tests.Reconciliation.ClusterBackupNow;

/// <summary>
/// Each resource reports the backup its own POST started, never another's: not a predecessor's
/// task still inside the clock-skew window, not a task another resource recorded (even one deleted
/// since), and never a backup of a cluster its submitted spec did not name.
/// </summary>
public sealed class AttributionTests
{
    private const long PredecessorTask = 501;

    public static TheoryData<string> Predecessors => ["deleted", "slim copy in the cache", "deleted, operator restarted"];

    [Theory]
    [MemberData(nameof(Predecessors))]
    public async Task A_predecessors_task_is_never_adopted_after_a_lost_answer(string predecessor)
    {
        // A backup of cluster 8 finished 30 s ago: its task is inside the adoption clock-skew window.
        var h = new Harness();
        h.Ocp.Existing(TestResources.Task(PredecessorTask, status: "SUCCESSFUL", created: h.Now.AddSeconds(-30)));
        if (predecessor == "slim copy in the cache")
        {
            var finished = TestResources.Backup(name: "earlier", status: TestResources.Terminal(BackupPhase.Succeeded, h.Now.AddSeconds(-30))
                .With(s => s.TaskIds = [PredecessorTask]));
            h.Peers.Add(SettledBackups.AsCached(finished));
        }

        var backup = TestResources.Backup();
        await h.StepAsync(backup);                 // intent
        h.Ocp.FailPost(Fail.Lost());               // OCP never got it: nothing started
        await h.StepAsync(backup);
        h.Time.Advance(h.Options.SubmissionSettleDelay);
        if (predecessor.EndsWith("restarted", StringComparison.Ordinal))
        {
            h.Restart();
        }

        var d = await h.StepAsync(backup);

        Assert.Equal(BackupPhase.Running, d.Status!.Phase);
        Assert.DoesNotContain(PredecessorTask, d.Status.TaskIds!);
        Assert.NotEqual(true, d.Status.Adopted);
        var own = Assert.Single(h.Ocp.Tasks.Keys, id => id != PredecessorTask);
        Assert.Equal([own], d.Status.TaskIds);
    }

    [Fact]
    public async Task A_lost_answer_adopts_the_task_above_the_high_water_mark_after_a_restart()
    {
        var h = new Harness();
        h.Ocp.Existing(TestResources.Task(PredecessorTask, status: "SUCCESSFUL", created: h.Now.AddSeconds(-30)));
        var backup = TestResources.Backup();
        await h.StepAsync(backup);
        Assert.Equal(PredecessorTask, backup.Status!.TaskHighWaterMark);
        h.Ocp.StartThenLoseAnswer(Fail.Lost());    // OCP started it; the answer never came
        await h.StepAsync(backup);
        h.Restart();
        h.Time.Advance(h.Options.SubmissionSettleDelay);

        var d = await h.StepAsync(backup);

        var started = Assert.Single(h.Ocp.Tasks.Keys, id => id != PredecessorTask);
        Assert.Equal([started], d.Status!.TaskIds);
        Assert.True(d.Status.Adopted);
        Assert.Single(h.Ocp.Posts);
    }

    [Fact]
    public async Task A_task_recorded_by_a_since_deleted_resource_is_never_adopted()
    {
        // Another resource recorded task 601 and was deleted; this process saw it.
        var h = new Harness();
        var other = TestResources.Backup(name: "deleted-one", status: TestResources.Running(h.Now, 601));
        h.Ocp.Existing(TestResources.Task(601, created: h.Now));
        await h.StepAsync(other);

        // An intent whose high-water mark is below both tasks, with its POST's task 602 listed after 601.
        h.Ocp.Existing(TestResources.Task(602, created: h.Now));
        var status = TestResources.Submitting(h.Now).With(s => s.TaskHighWaterMark = 600);
        var d = await h.StepAsync(TestResources.Backup(status: status));

        Assert.Equal([602L], d.Status!.TaskIds);
        Assert.Empty(h.Ocp.Posts);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_task_recorded_by_a_peer_is_not_adopted_even_when_lowest(bool peerKeptCompact)
    {
        var h = new Harness();
        h.Ocp.Existing(TestResources.Task(601, created: h.Now), TestResources.Task(602, created: h.Now));
        if (peerKeptCompact)
        {
            // A settled peer reaches the reconciler by its task ids only.
            h.SettledPeerTaskIds.Add(601);
        }
        else
        {
            h.Peers.Add(SettledBackups.AsCached(TestResources.Backup(name: "peer", status: TestResources.Terminal(BackupPhase.Failed, h.Now)
                .With(s => s.TaskIds = [601]))));
        }

        var d = await h.StepAsync(TestResources.Backup(status: TestResources.Submitting(h.Now).With(s => s.TaskHighWaterMark = 600)));

        Assert.Equal([602L], d.Status!.TaskIds);
    }

    [Fact]
    public async Task An_edit_of_the_cluster_while_the_outcome_is_unknown_sends_nothing_anywhere_else()
    {
        var h = new Harness();
        var backup = TestResources.Backup(clusterId: 8);
        await h.StepAsync(backup);
        h.Ocp.FailPost(Fail.Lost());
        await h.StepAsync(backup);

        backup.Metadata.Generation = 2;
        backup.Spec.ClusterId = 9;
        backup.Spec.ObBackupServiceStorageConfig!.ObBackupStorageBaseInfo!.StorageUrl = "/elsewhere/";
        h.Time.Advance(h.Options.SubmissionSettleDelay);
        var d = await h.StepAsync(backup);

        Assert.All(h.Ocp.Lists, q => Assert.Equal(8, q.ClusterId));
        Assert.All(h.Ocp.Posts, p => Assert.Equal(8, p.ClusterId));
        Assert.All(h.Ocp.Posts, p => Assert.Equal("/obbackup/", p.Request.ObBackupServiceStorageConfig.ObBackupStorageBaseInfo.StorageUrl));
        Assert.Equal(2, h.Ocp.Posts.Count);
        Assert.Equal(BackupPhase.Running, d.Status!.Phase);
        Assert.Equal(8, Assert.Single(h.Ocp.Tasks.Values).Cluster!.Id);
        Assert.True(d.Status.IsConditionTrue(ConditionTypes.SpecChangeIgnored));
        Assert.Contains(d.Events, e => e.Reason == "SpecChangeIgnored");
        Assert.Contains(d.Events, e => e.Reason == "Submitted" && e.Note.Contains("cluster 8", StringComparison.Ordinal));
        Assert.Equal(new OcpCluster(TestResources.OcpEndpoint, 8).IndexKey, ClusterBackupNowController.ClusterIndex(backup));
    }

    [Fact]
    public async Task An_intent_without_a_recorded_spec_and_a_changed_spec_sends_nothing()
    {
        // Written by an operator that did not record the submitted spec.
        var h = new Harness();
        var backup = TestResources.Backup(clusterId: 9, generation: 2, status: TestResources.Submitting(h.Now, attempts: 1));

        var d = await h.StepAsync(backup);

        Assert.Equal(BackupPhase.Failed, d.Status!.Phase);
        Assert.Equal("SubmittedSpecUnknown", d.Status.Reason);
        Assert.Equal(0, h.Ocp.Calls);
    }

    public static TheoryData<string> BusyAnswers => ["409", "beSuccessful false"];

    [Theory]
    [MemberData(nameof(BusyAnswers))]
    public async Task In_progress_after_an_unconfirmed_post_keeps_the_intent_and_finds_its_task(string answer)
    {
        var h = new Harness();
        var backup = TestResources.Backup();
        await h.StepAsync(backup);
        var intent = backup.Status!.RequestId;
        h.Ocp.FailPost(Fail.Lost());
        await h.StepAsync(backup);
        h.Time.Advance(h.Options.SubmissionSettleDelay);
        if (answer == "409")
        {
            h.Ocp.FailPost(Fail.Rejected(409, "a backup of this cluster is in progress", "BACKUP_IN_PROGRESS"));
        }
        else
        {
            h.Ocp.AnswerPost(TestResources.ParseBackupNow("""
                {"successful": true, "data": {"backupObjectOpsResultList": [{"beSuccessful": false, "taskIdList": [], "errorCode": "OB_BACKUP_IN_PROGRESS", "hint": "backup task is running"}]}}
                """));
        }

        var busy = await h.StepAsync(backup);

        Assert.Equal(BackupPhase.Submitting, busy.Status!.Phase);
        Assert.Equal(intent, busy.Status.RequestId);
        Assert.NotNull(busy.Status.TaskHighWaterMark);

        // The first POST's backup shows up in OCP's list late.
        h.Ocp.Existing(TestResources.Task(3000077, created: h.Now));
        h.Time.Advance(h.Options.BusyRecheckInterval);
        var d = await h.StepAsync(backup);

        Assert.Equal([3000077L], d.Status!.TaskIds);
        Assert.True(d.Status.Adopted);
        Assert.Equal(intent, d.Status.RequestId);
        Assert.Equal(2, h.Ocp.Posts.Count);
    }

    [Fact]
    public async Task In_progress_to_a_first_post_goes_back_to_pending_with_no_intent()
    {
        var h = new Harness();
        var backup = TestResources.Backup();
        await h.StepAsync(backup);
        h.Ocp.FailPost(Fail.Rejected(409, "a backup of this cluster is in progress"));

        var d = await h.StepAsync(backup);

        Assert.Equal(BackupPhase.Pending, d.Status!.Phase);
        Assert.Null(d.Status.RequestId);
        Assert.Null(d.Status.TaskHighWaterMark);
        Assert.Equal(8, d.Status.SubmittedSpec!.ClusterId); // the next intent is for the same spec
    }

    [Theory]
    [InlineData("UTC", true)]            // read as UTC, 19:50 looks like a task created after the attempt
    [InlineData("Asia/Shanghai", false)] // OCP's zone: it was created ten minutes before the attempt
    public async Task Without_a_mark_a_time_without_offset_is_read_in_ocps_zone(string zone, bool adopted)
    {
        var h = new Harness();
        h.OcpOptions.TimeZone = zone;
        var attempt = h.Now; // 12:00 UTC = 20:00 in Shanghai
        h.Ocp.Existing(TestResources.Task(501, created: null) with { CreateTime = "2026-11-24 19:50:00" });

        var d = await h.StepAsync(TestResources.Backup(status: TestResources.Submitting(attempt)));

        Assert.Equal(adopted, d.Status!.TaskIds!.Contains(501));
        Assert.Equal(adopted ? 0 : 1, h.Ocp.Posts.Count);
    }

    [Fact]
    public async Task An_unreadable_create_time_is_no_crash_and_no_adoption_of_a_finished_task()
    {
        var h = new Harness();
        h.Ocp.Existing(TestResources.Task(501, status: "SUCCESSFUL") with { CreateTime = "last tuesday" });

        var d = await h.StepAsync(TestResources.Backup(status: TestResources.Submitting(h.Now)));

        Assert.DoesNotContain(501L, d.Status!.TaskIds!);
        Assert.Single(h.Ocp.Posts);
    }

    [Fact]
    public async Task Every_post_carries_the_intents_id_also_when_sent_again()
    {
        var h = new Harness();
        var backup = TestResources.Backup();
        await h.StepAsync(backup);
        h.Ocp.FailPost(Fail.Lost());
        await h.StepAsync(backup);
        h.Time.Advance(h.Options.SubmissionSettleDelay);
        await h.StepAsync(backup);

        Assert.Equal(2, h.Ocp.PostRequestIds.Count);
        Assert.All(h.Ocp.PostRequestIds, id => Assert.Equal(backup.Status!.RequestId, id));
    }
}
