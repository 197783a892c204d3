using BackupOperator.Entities;

namespace BackupOperator.Tests.Reconciliation.ClusterBackupNow;

/// <summary>
/// The conditions a pipeline waits on (issue 14), as the reconciler writes them: Complete True only on
/// success, Failed True only on failure with OCP's reason and hint, neither while the backup runs.
/// </summary>
public sealed class OutcomeConditionsTests
{
    private readonly Harness _h = new();

    [Fact]
    public async Task A_backup_that_succeeds_is_Complete_at_the_end_and_neither_before()
    {
        var backup = TestResources.Backup();
        var phases = new List<string>();
        while (backup.Status?.IsDone != true)
        {
            Assert.True(phases.Count < 10, "no end after: " + string.Join(" → ", phases));
            var d = await _h.StepAsync(backup);
            phases.Add(backup.Status!.Phase!);
            if (!backup.Status.IsDone)
            {
                AssertNeither(backup.Status);
                _h.Time.Advance(_h.Options.PollInterval);
                if (_h.Ocp.Tasks.TryGetValue(3000041, out var task) && d.Status?.Phase == BackupPhase.Running)
                {
                    _h.Ocp.Tasks[3000041] = task with { Status = "SUCCESSFUL" };
                }
            }
        }

        Assert.Equal([BackupPhase.Submitting, BackupPhase.Running, BackupPhase.Succeeded], phases);
        Assert.True(backup.Status.IsConditionTrue(ConditionTypes.Complete));
        Assert.DoesNotContain(backup.Status.Conditions!, c => c.Type == ConditionTypes.Failed);
        Assert.True(backup.Status.IsConditionTrue(ConditionTypes.Submitted));
    }

    [Fact]
    public async Task A_backup_ocp_refuses_is_Failed_with_ocps_error_code_and_hint_and_never_Complete()
    {
        var backup = TestResources.Backup();
        await _h.StepAsync(backup);
        AssertNeither(backup.Status!);
        _h.Ocp.AnswerPost(TestResources.ParseBackupNow("""
            {"successful":true,"status":200,"traceId":"trace-200","data":{"obBackupTaskType":"DATA_BACKUP_NOW","backupObjectOpsResultList":[
              {"beSuccessful":false,"obBackupObjectList":[{"clusterId":8}],"taskIdList":[],"errorCode":"OB_BACKUP_DEST_UNREACHABLE",
               "hint":"NFS path /obbackup/ is not mounted on observer 10.0.0.7"}]}}
            """));

        var d = await _h.StepAsync(backup);

        var s = d.Status!;
        Assert.Equal(BackupPhase.Failed, s.Phase);
        var failed = Assert.Single(s.Conditions!, c => c.Type == ConditionTypes.Failed);
        Assert.Equal(("True", "BackupRejected"), (failed.Status, failed.Reason));
        Assert.Equal(s.Message, failed.Message);
        Assert.Contains("OB_BACKUP_DEST_UNREACHABLE: NFS path /obbackup/ is not mounted on observer 10.0.0.7", failed.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(s.Conditions!, c => c.Type == ConditionTypes.Complete);
    }

    [Theory]
    [InlineData(400, "OcpRejected", "Backup service not configured for cluster 8")]
    [InlineData(403, "OcpAuthenticationFailed", "No permission: CLUSTER_BACKUP_CREATE")]
    public async Task A_post_ocp_refuses_with_an_error_status_is_Failed_with_its_reason(int status, string reason, string message)
    {
        var backup = TestResources.Backup();
        await _h.StepAsync(backup);
        _h.Ocp.FailPost(Fail.Rejected(status, message, "ERR"));

        var d = await _h.StepAsync(backup);

        var failed = Assert.Single(d.Status!.Conditions!, c => c.Type == ConditionTypes.Failed);
        Assert.Equal(("True", reason, d.Status.Message), (failed.Status, failed.Reason, failed.Message));
        Assert.Contains(message, failed.Message, StringComparison.Ordinal);
        Assert.False(d.Status.IsConditionTrue(ConditionTypes.Complete));
    }

    [Fact]
    public async Task A_failed_task_is_Failed_naming_the_sub_task()
    {
        _h.Ocp.Tasks[101] = TestResources.Task(101, "FAILED", failedSubtask: "Backup data");
        var backup = TestResources.Backup(status: TestResources.Running(_h.Now.AddMinutes(-5), 101));

        var d = await _h.StepAsync(backup);

        var failed = Assert.Single(d.Status!.Conditions!, c => c.Type == ConditionTypes.Failed);
        Assert.Equal(("True", "TaskFailed", d.Status.Message), (failed.Status, failed.Reason, failed.Message));
        Assert.Contains("'Backup data'", failed.Message, StringComparison.Ordinal);
        Assert.False(d.Status.IsConditionTrue(ConditionTypes.Complete));
    }

    [Fact]
    public async Task A_backup_that_failed_under_an_older_operator_is_written_once_with_Failed_and_without_Complete()
    {
        var completed = _h.Now.AddDays(-3);
        var old = TestResources.Running(completed.AddMinutes(-1), 3000041).With(s =>
        {
            (s.Phase, s.Reason, s.Message, s.CompletedAt) = (BackupPhase.Failed, "TaskFailed", "OCP task 3000041 failed", completed);
            s.SetCondition(ConditionTypes.Complete, true, "TaskFailed", "OCP task 3000041 failed", completed, 1);
        });
        var backup = TestResources.Backup(status: old);

        var d = await _h.StepAsync(backup);

        var failed = Assert.Single(d.Status!.Conditions!, c => c.Type == ConditionTypes.Failed);
        Assert.Equal(("True", "TaskFailed", "OCP task 3000041 failed", completed), (failed.Status, failed.Reason, failed.Message, failed.LastTransitionTime));
        Assert.DoesNotContain(d.Status.Conditions!, c => c.Type == ConditionTypes.Complete);
        Assert.Equal((BackupPhase.Failed, completed), (d.Status.Phase, d.Status.CompletedAt));
        Assert.Empty(d.Events);
        Assert.Equal(0, _h.Ocp.Calls);

        var again = await _h.StepAsync(backup);
        Assert.Null(again.Status);
    }

    [Theory]
    [InlineData(BackupPhase.Succeeded, ConditionTypes.Complete)]
    [InlineData(BackupPhase.Failed, ConditionTypes.Failed)]
    public async Task An_edit_after_the_end_keeps_the_outcome_and_every_condition_is_observed_for_the_new_generation(string phase, string outcome)
    {
        // kubectl wait takes a condition whose observedGeneration is below metadata.generation as not met.
        var backup = TestResources.Backup(status: TestResources.Terminal(phase, _h.Now.AddMinutes(-1)).With(s => s.ObservedGeneration = 1));
        backup.Metadata.Generation = 2;
        backup.Spec.ClusterId = 9;

        var d = await _h.StepAsync(backup);

        Assert.Equal(2, d.Status!.ObservedGeneration);
        Assert.True(d.Status.IsConditionTrue(outcome));
        Assert.True(d.Status.IsConditionTrue(ConditionTypes.SpecChangeIgnored));
        Assert.All(d.Status.Conditions!, c => Assert.Equal(2, c.ObservedGeneration));
        Assert.Equal(0, _h.Ocp.Calls);
    }

    private static void AssertNeither(ClusterBackupNowStatus s)
    {
        Assert.False(s.IsConditionTrue(ConditionTypes.Complete), $"Complete is True while {s.Phase}");
        Assert.False(s.IsConditionTrue(ConditionTypes.Failed), $"Failed is True while {s.Phase}");
    }
}
