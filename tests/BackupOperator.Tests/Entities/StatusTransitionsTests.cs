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
}
