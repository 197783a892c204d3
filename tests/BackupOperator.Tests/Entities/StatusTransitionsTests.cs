using BackupOperator.Entities;

namespace BackupOperator.Tests.Entities;

public sealed class StatusTransitionsTests
{
    private static readonly DateTime Now = new(2026, 12, 1, 12, 0, 0, DateTimeKind.Utc);

    [Fact]
    public void An_unknown_backup_with_tasks_is_running_again_once_OCP_answers()
    {
        var s = new ClusterBackupNowStatus { TaskIds = [7] }.SetUnknown("OcpUnreachable", "timeout", Now, 1);

        s.SetOcpAnswered(Now.AddMinutes(1), 1);

        Assert.Equal(BackupPhase.Running, s.Phase);
        Assert.Null(s.UnreachableSince);
        Assert.True(s.IsConditionTrue(ConditionTypes.OcpReachable));
    }

    [Fact]
    public void An_unknown_backup_without_tasks_is_submitting_again_once_OCP_answers()
    {
        var s = new ClusterBackupNowStatus().SetSubmitting("r1", 1, Now).SetUnknown("OcpUnreachable", "timeout", Now, 1);

        s.SetOcpAnswered(Now.AddMinutes(1), 1);

        Assert.Equal(BackupPhase.Submitting, s.Phase);
        Assert.Equal("r1", s.RequestId);
    }

    [Fact]
    public void OCP_answering_leaves_a_known_phase_alone()
    {
        var s = new ClusterBackupNowStatus().SetPending("ClusterBusy", "busy");

        s.SetOcpAnswered(Now, 1);

        Assert.Equal(BackupPhase.Pending, s.Phase);
        Assert.Equal("ClusterBusy", s.Reason);
    }

    [Fact]
    public void Confirming_keeps_the_intent_and_says_why()
    {
        var s = new ClusterBackupNowStatus().SetSubmitting("r1", 1, Now, taskHighWaterMark: 41).SetUnknown("OcpUnreachable", "timeout", Now, 1);

        s.SetConfirming("ConfirmingSubmission", "looking for its task");

        Assert.Equal(BackupPhase.Submitting, s.Phase);
        Assert.Equal(("r1", 41L), (s.RequestId, s.TaskHighWaterMark!.Value));
        Assert.Equal("ConfirmingSubmission", s.Reason);
    }

    [Fact]
    public void Succeeded_is_Complete_and_not_Failed()
    {
        var s = Running().SetSucceeded("task(s) 7 SUCCESSFUL", Now, 1);

        var complete = Condition(s, ConditionTypes.Complete)!;
        Assert.Equal(("True", "Succeeded", "task(s) 7 SUCCESSFUL", Now), (complete.Status, complete.Reason, complete.Message, complete.LastTransitionTime));
        Assert.Null(Condition(s, ConditionTypes.Failed));
        Assert.True(s.HasOutcomeConditions());
    }

    [Theory]
    [InlineData("BackupRejected", "OCP did not start the backup: errorCode OB_BACKUP_DEST_UNREACHABLE: NFS path /obbackup/ is not mounted")]
    [InlineData("TaskFailed", "OCP task 7 'Backup cluster data' failed at sub-task 'Backup data'")]
    [InlineData("NotAllowed", "namespace db may not use ClusterOcpConnection ocp-shared")]
    public void Failed_is_Failed_with_the_status_reason_and_message_and_not_Complete(string reason, string message)
    {
        var s = Running().SetFailed(reason, message, Now, 1);

        var failed = Condition(s, ConditionTypes.Failed)!;
        Assert.Equal(("True", Now), (failed.Status, failed.LastTransitionTime));
        Assert.Equal((s.Reason, s.Message), (failed.Reason, failed.Message));
        Assert.Equal((reason, message), (failed.Reason, failed.Message));
        Assert.Null(Condition(s, ConditionTypes.Complete));
        Assert.True(s.HasOutcomeConditions());
    }

    [Fact]
    public void While_it_runs_neither_Complete_nor_Failed_is_True()
    {
        var s = new ClusterBackupNowStatus();
        var steps = new Func<ClusterBackupNowStatus, ClusterBackupNowStatus>[]
        {
            x => x.SetPending("ClusterBusy", "busy"),
            x => x.SetSubmitting("r1", 1, Now),
            x => x.SetUnknown("OcpUnreachable", "timeout", Now, 1),
            x => x.SetOcpAnswered(Now, 1),
            x => x.SetConfirming("ConfirmingSubmission", "looking for its task"),
            x => x.SetRunning([7], "running", Now, 1),
            x => x.SetWaiting("ConfigurationInvalid", "Secret db/x not found"),
            x => x.SetUnknown("OcpUnreachable", "timeout", Now, 1),
            x => x.SetOcpAnswered(Now, 1),
        };

        foreach (var step in steps)
        {
            step(s);
            Assert.False(s.IsConditionTrue(ConditionTypes.Complete), s.Phase);
            Assert.False(s.IsConditionTrue(ConditionTypes.Failed), s.Phase);
            Assert.True(s.HasOutcomeConditions());
        }
    }

    [Fact]
    public void A_failed_backup_of_an_older_operator_gets_Failed_instead_of_Complete_dated_when_it_completed()
    {
        // As written before issue 14: Complete True with the failure's reason.
        var s = Running();
        s.Phase = BackupPhase.Failed;
        (s.Reason, s.Message, s.CompletedAt) = ("BackupRejected", "OCP did not start the backup: errorCode 1: no storage", Now);
        s.SetCondition(ConditionTypes.Complete, true, "BackupRejected", "OCP did not start the backup: errorCode 1: no storage", Now, 1);
        Assert.False(s.HasOutcomeConditions());

        s.RecordOutcomeConditions(Now.AddDays(30), 1);

        Assert.True(s.HasOutcomeConditions());
        Assert.Null(Condition(s, ConditionTypes.Complete));
        var failed = Condition(s, ConditionTypes.Failed)!;
        Assert.Equal(("True", "BackupRejected", "OCP did not start the backup: errorCode 1: no storage", Now), (failed.Status, failed.Reason, failed.Message, failed.LastTransitionTime));
        Assert.True(s.IsConditionTrue(ConditionTypes.Submitted));
    }

    [Fact]
    public void A_succeeded_backup_of_an_older_operator_already_says_Complete()
    {
        var s = Running();
        s.Phase = BackupPhase.Succeeded;
        s.SetCondition(ConditionTypes.Complete, true, "Succeeded", "done", Now, 1);

        Assert.True(s.HasOutcomeConditions());
    }

    [Theory]
    [InlineData(BackupPhase.Succeeded, null, false)]
    [InlineData(BackupPhase.Succeeded, ConditionTypes.Failed, false)]
    [InlineData(BackupPhase.Succeeded, ConditionTypes.Complete, true)]
    [InlineData(BackupPhase.Failed, null, false)]
    [InlineData(BackupPhase.Failed, ConditionTypes.Complete, false)]
    [InlineData(BackupPhase.Failed, ConditionTypes.Failed, true)]
    public void A_finished_backups_outcome_conditions_must_match_its_phase(string phase, string? trueCondition, bool matches)
    {
        var s = new ClusterBackupNowStatus { Phase = phase };
        if (trueCondition is not null)
        {
            s.SetCondition(trueCondition, true, "R", "m", Now, 1);
        }

        Assert.Equal(matches, s.HasOutcomeConditions());
    }

    private static ClusterBackupNowStatus Running() =>
        new ClusterBackupNowStatus().SetSubmitting("r1", 1, Now).SetRunning([7], "running", Now, 1);

    private static k8s.Models.V1Condition? Condition(ClusterBackupNowStatus s, string type) =>
        s.Conditions?.SingleOrDefault(c => c.Type == type);
}
