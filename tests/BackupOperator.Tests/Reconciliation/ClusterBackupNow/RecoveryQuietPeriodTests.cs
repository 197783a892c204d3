using BackupOperator.Entities;

namespace BackupOperator.Tests.Reconciliation.ClusterBackupNow;

/// <summary>
/// After a restart, a POST of the previous process may still be on its way into OCP: an intent this
/// process did not write is only sent again after a quiet period without a task showing up.
/// </summary>
public sealed class RecoveryQuietPeriodTests
{
    [Fact]
    public async Task A_foreign_intent_is_not_resent_before_the_quiet_period_and_is_sent_once_after_it()
    {
        var h = new Harness();
        h.Options.RecoveryQuietPeriod = TimeSpan.FromSeconds(40);
        var backup = TestResources.Backup(status: TestResources.Submitting(h.Now.AddSeconds(-1)));

        var waiting = await h.StepAsync(backup);
        Assert.Equal("ConfirmingSubmission", waiting.Status!.Reason);
        Assert.Empty(h.Ocp.Posts);
        Assert.True(waiting.RequeueAfter <= h.Options.PollInterval);

        h.Time.Advance(TimeSpan.FromSeconds(30));
        await h.StepAsync(backup);
        Assert.Empty(h.Ocp.Posts);

        h.Time.Advance(TimeSpan.FromSeconds(10));
        var sent = await h.StepAsync(backup);
        Assert.Single(h.Ocp.Posts);
        Assert.Equal(BackupPhase.Running, sent.Status!.Phase);
    }

    [Fact]
    public async Task A_task_that_appears_during_the_quiet_period_is_adopted_without_any_post()
    {
        var h = new Harness();
        h.Options.RecoveryQuietPeriod = TimeSpan.FromSeconds(40);
        var backup = TestResources.Backup(status: TestResources.Submitting(h.Now.AddSeconds(-1)));
        await h.StepAsync(backup);

        h.Time.Advance(TimeSpan.FromSeconds(5));
        h.Ocp.AnswerList(TestResources.Task(4242, created: h.Now.AddSeconds(-1)));
        var adopted = await h.StepAsync(backup);

        Assert.Equal([4242L], adopted.Status!.TaskIds);
        Assert.True(adopted.Status.Adopted);
        Assert.Empty(h.Ocp.Posts);
    }

    [Fact]
    public async Task This_process_own_fresh_intent_is_sent_at_once()
    {
        var h = new Harness();
        h.Options.RecoveryQuietPeriod = TimeSpan.FromSeconds(40);
        var backup = TestResources.Backup();
        await h.StepAsync(backup); // intent written by this process
        var sent = await h.StepAsync(backup);
        Assert.Single(h.Ocp.Posts);
        Assert.Equal(BackupPhase.Running, sent.Status!.Phase);
    }
}
