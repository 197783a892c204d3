using BackupOperator.Entities;
using BackupOperator.Operator.Ocp;

namespace BackupOperator.Tests.Reconciliation.ClusterBackupNow;

/// <summary>Running: the backup is what its OCP tasks are.</summary>
public sealed class FollowTests
{
    private readonly Harness _h = new();

    private V1alpha1ClusterBackupNow RunningBackup(params TaskInstance[] tasks)
    {
        foreach (var t in tasks)
        {
            _h.Ocp.Tasks[t.Id] = t;
        }

        return TestResources.Backup(status: TestResources.Running(_h.Now.AddMinutes(-5), tasks.Select(t => t.Id).ToArray()));
    }

    [Fact]
    public async Task All_tasks_successful_is_succeeded()
    {
        var backup = RunningBackup(TestResources.Task(101, "SUCCESSFUL"), TestResources.Task(102, "successful"));

        var d = await _h.StepAsync(backup);

        Assert.Equal(BackupPhase.Succeeded, d.Status!.Phase);
        Assert.Equal(_h.Now, d.Status.CompletedAt);
        Assert.Contains("task(s) 101, 102 SUCCESSFUL", d.Status.Message, StringComparison.Ordinal);
        Assert.True(d.Status.IsConditionTrue(ConditionTypes.Complete));
        Assert.False(d.Status.IsConditionTrue(ConditionTypes.Failed));
        Assert.Null(d.RequeueAfter);
        var e = Assert.Single(d.Events);
        Assert.Equal(("Succeeded", false), (e.Reason, e.Warning));
        Assert.Equal([101L, 102L], _h.Ocp.TaskReads);
        Assert.Empty(_h.Ocp.Posts);
    }

    [Fact]
    public async Task A_failed_task_fails_the_backup_naming_the_sub_task()
    {
        var backup = RunningBackup(TestResources.Task(101, "SUCCESSFUL"), TestResources.Task(102, "FAILED", failedSubtask: "Backup data of tenant sys"));

        var d = await _h.StepAsync(backup);

        Assert.Equal(BackupPhase.Failed, d.Status!.Phase);
        Assert.Equal("TaskFailed", d.Status.Reason);
        Assert.Contains("OCP task 102 'Backup cluster data' failed at sub-task 'Backup data of tenant sys'", d.Status.Message, StringComparison.Ordinal);
        Assert.Equal("Backup data of tenant sys", d.Status.Tasks!.Single(t => t.Id == 102).FailedSubtask);
        Assert.True(d.Status.IsConditionTrue(ConditionTypes.Failed));
        Assert.False(d.Status.IsConditionTrue(ConditionTypes.Complete));
        Assert.True(Assert.Single(d.Events).Warning);
    }

    [Fact]
    public async Task Running_tasks_are_polled_and_an_unchanged_status_is_not_written()
    {
        var backup = RunningBackup(TestResources.Task(101, "RUNNING"));

        var first = await _h.StepAsync(backup);
        Assert.Equal(BackupPhase.Running, first.Status!.Phase);
        Assert.Contains("101 RUNNING", first.Status.Message, StringComparison.Ordinal);
        Assert.Equal(_h.Options.PollInterval, first.RequeueAfter);

        _h.Time.Advance(_h.Options.PollInterval);
        var second = await _h.StepAsync(backup);

        Assert.Null(second.Status);
        Assert.Empty(second.Events);
        Assert.Equal(_h.Options.PollInterval, second.RequeueAfter);
    }

    [Fact]
    public async Task A_status_word_spelled_another_way_on_the_next_read_is_the_same_state_and_is_not_written()
    {
        // An OCP (or a proxy) that answers RUNNING, then Running, then running: one state, recorded one way,
        // so the status is not rewritten (and the backup woken by its own write) on every poll.
        var backup = RunningBackup(TestResources.Task(101, "running"));

        var first = await _h.StepAsync(backup);
        Assert.Contains("101 RUNNING", first.Status!.Message, StringComparison.Ordinal);
        Assert.Equal("RUNNING", Assert.Single(first.Status.Tasks!).Status);

        foreach (var form in new[] { "Running", " RUNNING ", "rUnNiNg" })
        {
            _h.Ocp.Tasks[101] = TestResources.Task(101, form);
            _h.Time.Advance(_h.Options.PollInterval);
            var next = await _h.StepAsync(backup);

            Assert.Null(next.Status);
            Assert.Equal(_h.Options.PollInterval, next.RequeueAfter);
        }
    }

    [Theory]
    [InlineData(" SUCCESSFUL", BackupPhase.Succeeded)]
    [InlineData("SUCCESSFUL\n", BackupPhase.Succeeded)]
    [InlineData(" failed ", BackupPhase.Failed)]
    public async Task A_status_word_with_spaces_decides_as_it_is_recorded(string word, string phase)
    {
        // The status records the word trimmed (SUCCESSFUL); the outcome must follow the same reading,
        // not leave the backup Running for ever beside a task recorded as SUCCESSFUL.
        var backup = RunningBackup(TestResources.Task(101, word));

        var d = await _h.StepAsync(backup);

        Assert.Equal(phase, d.Status!.Phase);
    }

    [Fact]
    public async Task Unknown_task_status_is_kept_as_text()
    {
        var backup = RunningBackup(TestResources.Task(101, "PAUSED"));

        var d = await _h.StepAsync(backup);

        Assert.Equal(BackupPhase.Running, d.Status!.Phase);
        Assert.Contains("101 PAUSED", d.Status.Message, StringComparison.Ordinal);
        Assert.Equal("PAUSED", Assert.Single(d.Status.Tasks!).Status);
    }

    [Fact]
    public async Task Task_ocp_no_longer_knows_fails_the_backup()
    {
        var backup = RunningBackup(TestResources.Task(101));
        _h.Ocp.Tasks.Clear();

        var d = await _h.StepAsync(backup);

        Assert.Equal(BackupPhase.Failed, d.Status!.Phase);
        Assert.Equal("TaskNotFound", d.Status.Reason);
        Assert.Contains("task instance 101 not found", d.Status.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Unreachable_ocp_is_unknown_with_growing_capped_backoff_then_recovers()
    {
        var backup = RunningBackup(TestResources.Task(101));
        var since = _h.Now;
        _h.Ocp.FailTaskRead(Fail.Unreachable("getTask"));

        var down = await _h.StepAsync(backup);
        Assert.Equal(BackupPhase.Unknown, down.Status!.Phase);
        Assert.Equal("OcpUnreachable", down.Status.Reason);
        Assert.Contains("cannot read the backup's tasks", down.Status.Message, StringComparison.Ordinal);
        Assert.Equal(since, down.Status.UnreachableSince);
        Assert.Equal([101L], down.Status.TaskIds);
        Assert.Equal(_h.Options.RetryInterval, down.RequeueAfter);
        Assert.Equal("Unknown", Assert.Single(down.Events).Reason);

        _h.Time.Advance(TimeSpan.FromMinutes(1));
        _h.Ocp.FailTaskRead(Fail.ServerError("getTask", 502));
        var later = await _h.StepAsync(backup);
        Assert.Equal(TimeSpan.FromSeconds(30), later.RequeueAfter);
        Assert.Equal(since, later.Status!.UnreachableSince);
        Assert.Empty(later.Events);

        _h.Time.Advance(TimeSpan.FromHours(1));
        _h.Ocp.FailTaskRead(Fail.Lost("getTask"));
        var capped = await _h.StepAsync(backup);
        Assert.Equal(_h.Options.MaxRetryInterval, capped.RequeueAfter);

        _h.Time.Advance(_h.Options.MaxRetryInterval);
        var back = await _h.StepAsync(backup);
        Assert.Equal(BackupPhase.Running, back.Status!.Phase);
        Assert.Null(back.Status.UnreachableSince);
        Assert.True(back.Status.IsConditionTrue(ConditionTypes.OcpReachable));
        var e = Assert.Single(back.Events);
        Assert.Equal("Running", e.Reason);
        Assert.Contains("OCP answers again", e.Note, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Broken_secret_while_following_keeps_the_tasks_and_retries()
    {
        var backup = RunningBackup(TestResources.Task(101));
        _h.Connector.Failure = new OcpConfigurationException("Secret db/ocp-credentials not found");

        var d = await _h.StepAsync(backup);

        Assert.Equal(BackupPhase.Unknown, d.Status!.Phase);
        Assert.Contains("Secret db/ocp-credentials not found", d.Status.Message, StringComparison.Ordinal);
        Assert.Equal([101L], d.Status.TaskIds);
        Assert.NotNull(d.RequeueAfter);
        Assert.Equal(0, _h.Ocp.Calls);
    }
}
