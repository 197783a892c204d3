using BackupOperator.Entities;

namespace BackupOperator.Tests.Reconciliation.ClusterBackupNow;

/// <summary>Terminal phases, spec edits after submission, and one backup from start to end.</summary>
public sealed class LifecycleTests
{
    [Theory]
    [InlineData(BackupPhase.Succeeded)]
    [InlineData(BackupPhase.Failed)]
    public async Task Terminal_backup_never_talks_to_ocp_even_after_a_spec_change(string phase)
    {
        var h = new Harness();
        var backup = TestResources.Backup(status: TestResources.Terminal(phase, h.Now));

        var d = await h.StepAsync(backup);
        Assert.Null(d.Status);
        Assert.Null(d.RequeueAfter);
        Assert.Empty(d.Events);

        backup.Metadata.Generation = 2;
        backup.Spec.DataBackupMode = "INCREMENTAL_BACKUP";
        var edited = await h.StepAsync(backup);

        Assert.Equal(phase, edited.Status!.Phase);
        Assert.True(edited.Status.IsConditionTrue(ConditionTypes.SpecChangeIgnored));
        Assert.Null(edited.RequeueAfter);
        Assert.Equal(0, h.Connector.Calls);
        Assert.Equal(0, h.Ocp.Calls);
    }

    [Fact]
    public async Task A_finished_backup_with_a_ttl_is_deleted_when_its_time_has_come_and_not_before()
    {
        var h = new Harness();
        var backup = TestResources.Backup(status: TestResources.Terminal(BackupPhase.Succeeded, h.Now));
        backup.Spec.TtlSecondsAfterFinished = 600;

        var early = await h.StepAsync(backup);
        Assert.False(early.DeleteResource);
        Assert.Equal(TimeSpan.FromSeconds(600), early.RequeueAfter);

        h.Time.Advance(TimeSpan.FromSeconds(600));
        var due = await h.StepAsync(backup);
        Assert.True(due.DeleteResource);
        Assert.Contains(due.Events, e => e.Reason == "Expired");
        Assert.Equal(0, h.Ocp.Calls);
    }

    [Fact]
    public async Task Without_a_ttl_a_finished_backup_stays()
    {
        var h = new Harness();
        var backup = TestResources.Backup(status: TestResources.Terminal(BackupPhase.Failed, h.Now));
        h.Time.Advance(TimeSpan.FromDays(365));
        var d = await h.StepAsync(backup);
        Assert.False(d.DeleteResource);
        Assert.Null(d.RequeueAfter);
    }

    [Fact]
    public async Task A_spec_refused_as_invalid_is_checked_again_once_the_user_corrects_it()
    {
        var h = new Harness();
        var backup = TestResources.Backup();
        backup.Spec.BackupMode = "SNAPSHOT";
        var refused = await h.StepAsync(backup);
        Assert.Equal("InvalidSpec", refused.Status!.Reason);

        Assert.Null((await h.StepAsync(backup)).Status); // unchanged spec: stays refused, no new write

        backup.Metadata.Generation = 2;
        backup.Spec.BackupMode = "PHYSICAL_BACKUP";
        var corrected = await h.StepAsync(backup);
        Assert.Equal(BackupPhase.Submitting, corrected.Status!.Phase);
        Assert.Null(corrected.Status.CompletedAt);
        Assert.Contains(corrected.Events, e => e.Reason == "SpecCorrected");
        Assert.Empty(h.Ocp.Posts);
    }

    [Fact]
    public async Task Spec_change_after_submission_is_ignored_with_one_warning()
    {
        var h = new Harness();
        h.Ocp.Tasks[101] = TestResources.Task(101);
        var backup = TestResources.Backup(status: TestResources.Running(h.Now, 101));
        await h.StepAsync(backup);

        backup.Metadata.Generation = 2;
        backup.Spec.BackupMode = "LOGICAL_BACKUP";
        var d = await h.StepAsync(backup);

        var condition = Assert.Single(d.Status!.Conditions!, c => c.Type == ConditionTypes.SpecChangeIgnored);
        Assert.Equal("True", condition.Status);
        Assert.Contains("generation 2", condition.Message, StringComparison.Ordinal);
        Assert.Equal(2, d.Status.ObservedGeneration);
        Assert.Equal(1, d.Status.SubmittedGeneration);
        var e = Assert.Single(d.Events);
        Assert.Equal(("SpecChangeIgnored", true), (e.Reason, e.Warning));
        Assert.Contains("create a new ClusterBackupNow", e.Note, StringComparison.Ordinal);

        var next = await h.StepAsync(backup);
        Assert.Empty(next.Events);
        Assert.Null(next.Status);
        Assert.Empty(h.Ocp.Posts);
    }

    [Fact]
    public async Task Spec_change_while_waiting_is_used_for_the_submission()
    {
        var h = new Harness();
        h.Peers.Add(TestResources.Backup(name: "weekly", status: TestResources.Running(h.Now, 77)));
        var backup = TestResources.Backup();
        await h.StepAsync(backup);

        h.Peers.Clear();
        backup.Metadata.Generation = 2;
        backup.Spec.DataBackupMode = "INCREMENTAL_BACKUP";
        var d = await h.StepAsync(backup);
        await h.StepAsync(backup);

        Assert.Equal(2, d.Status!.SubmittedGeneration);
        Assert.DoesNotContain(d.Status.Conditions ?? [], c => c.Type == ConditionTypes.SpecChangeIgnored);
        Assert.Equal("INCREMENTAL_BACKUP", Assert.Single(h.Ocp.Posts).Request.DataBackupMode);
    }

    [Fact]
    public async Task From_creation_to_succeeded_with_one_post_and_three_status_writes()
    {
        var h = new Harness();
        var backup = TestResources.Backup();
        var writes = new List<string>();
        var phase = "(new)";

        for (var i = 0; i < 20 && backup.Status?.IsDone != true; i++)
        {
            if (i == 5)
            {
                h.Ocp.Tasks[3000041] = TestResources.Task(3000041, "SUCCESSFUL");
            }

            var d = await h.StepAsync(backup);
            if (d.Status is not null)
            {
                Assert.NotEqual(phase, d.Status.Phase);
                writes.Add(phase = d.Status.Phase!);
            }

            h.Time.Advance(d.RequeueAfter ?? TimeSpan.Zero);
        }

        Assert.Equal([BackupPhase.Submitting, BackupPhase.Running, BackupPhase.Succeeded], writes);
        Assert.Single(h.Ocp.Posts);
        Assert.Equal([3000041L], backup.Status!.TaskIds);
        Assert.Equal(h.Now, backup.Status.CompletedAt);
    }
}
