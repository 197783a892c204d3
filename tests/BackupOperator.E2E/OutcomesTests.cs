using BackupOperator.E2E.Infrastructure;
using BackupOperator.Entities;

namespace BackupOperator.E2E;

/// <summary>The soak's outcome check on hand-made records: each backup's final word against OCP's POSTs, answers and task states.</summary>
public sealed class OutcomesTests
{
    [Fact]
    public void A_success_whose_own_post_started_a_successful_task_is_clean()
    {
        var report = Check([Intent("a")], [Resource("a", "r-1", BackupPhase.Succeeded, "Completed", 101)], [Post("r-1", 101)], [Answer("r-1", 200)], Tasks((101, "SUCCESSFUL")));

        Assert.Equal((0, 0, 0, 0, 0), Counts(report));
        Assert.Empty(report.Problems);
    }

    [Fact]
    public void Task_states_are_compared_without_regard_to_case()
    {
        var report = Check([Intent("a")], [Resource("a", "r-1", BackupPhase.Succeeded, "Completed", 101)], [Post("r-1", 101)], [], Tasks((101, "Successful")));

        Assert.Equal((0, 0, 0, 0, 0), Counts(report));
    }

    [Theory]
    [InlineData("RUNNING")]
    [InlineData("FAILED")]
    [InlineData(null)]
    public void A_success_whose_task_OCP_does_not_call_successful_is_a_phantom(string? state)
    {
        var tasks = state is null ? Tasks() : Tasks((101, state));
        var report = Check([Intent("a")], [Resource("a", "r-1", BackupPhase.Succeeded, "Completed", 101)], [Post("r-1", 101)], [], tasks);

        Assert.Equal(1, report.PhantomSuccess);
        Assert.Contains(report.Problems, p => p.Contains("phantomSuccess: a", StringComparison.Ordinal));
    }

    [Fact]
    public void A_success_holding_a_task_another_request_started_is_a_phantom()
    {
        var report = Check([Intent("a")], [Resource("a", "r-1", BackupPhase.Succeeded, "Completed", 102)],
            [Post("r-1", 101), Post("r-2", 102)], [], Tasks((101, "SUCCESSFUL"), (102, "SUCCESSFUL")));

        Assert.Equal(1, report.PhantomSuccess);
        Assert.Contains(report.Problems, p => p.Contains("not started by its own POSTs", StringComparison.Ordinal));
    }

    [Fact]
    public void A_success_without_any_task_is_a_phantom_and_a_missing_backup()
    {
        var report = Check([Intent("a")], [Resource("a", "r-1", BackupPhase.Succeeded, "Completed")], [], [], Tasks());

        Assert.Equal((1, 0, 1, 0, 0), Counts(report));
    }

    [Fact]
    public void A_task_failure_OCP_confirms_is_clean_when_a_taskFail_fault_was_armed()
    {
        var report = Check([Intent("a", expectFailure: true)], [Resource("a", "r-1", BackupPhase.Failed, "TaskFailed", 101)],
            [Post("r-1", 101)], [Answer("r-1", 200)], Tasks((101, "FAILED")));

        Assert.Equal((0, 0, 0, 0, 0), Counts(report));
    }

    [Fact]
    public void A_task_failure_whose_task_OCP_calls_successful_is_unconfirmed_and_a_wrong_outcome()
    {
        var report = Check([Intent("a")], [Resource("a", "r-1", BackupPhase.Failed, "TaskFailed", 101)], [Post("r-1", 101)], [], Tasks((101, "SUCCESSFUL")));

        Assert.Equal((0, 1, 0, 0, 1), Counts(report));
    }

    [Fact]
    public void A_refusal_confirmed_by_a_4xx_answer_with_nothing_started_is_no_defect()
    {
        var report = Check([Intent("a")], [Resource("a", "r-1", BackupPhase.Failed, "OcpRejected")], [Post("r-1")], [Answer("r-1", 400)], Tasks());

        Assert.Equal((0, 0, 0, 0, 0), Counts(report));
    }

    [Theory]
    [InlineData(409)] // busy: the operator waits, it never ends on it
    [InlineData(429)]
    [InlineData(500)]
    [InlineData(200)]
    public void A_refusal_without_a_final_4xx_answer_is_unconfirmed_and_missing(int status)
    {
        var report = Check([Intent("a")], [Resource("a", "r-1", BackupPhase.Failed, "OcpRejected")], [Post("r-1")], [Answer("r-1", status)], Tasks());

        Assert.Equal((0, 1, 1, 0, 0), Counts(report));
    }

    [Fact]
    public void A_refusal_after_a_cut_answer_is_unconfirmed_even_with_a_4xx_status()
    {
        var report = Check([Intent("a")], [Resource("a", "r-1", BackupPhase.Failed, "OcpRejected")], [Post("r-1")], [Answer("r-1", 400, aborted: true)], Tasks());

        Assert.Equal(1, report.UnconfirmedFailures);
    }

    [Fact]
    public void A_refusal_while_its_own_post_started_a_backup_is_unconfirmed()
    {
        var report = Check([Intent("a")], [Resource("a", "r-1", BackupPhase.Failed, "OcpRejected")],
            [Post("r-1", 101), Post("r-1")], [Answer("r-1", 200, aborted: true), Answer("r-1", 400)], Tasks((101, "SUCCESSFUL")));

        Assert.Equal((0, 1, 0, 0, 0), Counts(report));
    }

    [Fact]
    public void A_refusal_answered_to_another_request_id_confirms_nothing()
    {
        var report = Check([Intent("a")], [Resource("a", "r-1", BackupPhase.Failed, "ClusterNotFound")], [Post("r-1")], [Answer("r-2", 404)], Tasks());

        Assert.Equal(1, report.UnconfirmedFailures);
    }

    [Fact]
    public void A_rejected_backup_is_confirmed_by_a_delivered_answer_that_started_nothing()
    {
        var report = Check([Intent("a")], [Resource("a", "r-1", BackupPhase.Failed, "BackupRejected")], [Post("r-1")], [Answer("r-1", 200)], Tasks());

        Assert.Equal((0, 0, 0, 0, 0), Counts(report));
    }

    [Theory]
    [InlineData("NotAllowed")]
    [InlineData("OcpAuthenticationFailed")]
    public void Not_allowed_and_a_refused_login_count_as_confirmed(string reason)
    {
        var report = Check([Intent("a")], [Resource("a", "r-1", BackupPhase.Failed, reason)], [], [], Tasks());

        Assert.Equal((0, 0, 0, 0, 0), Counts(report));
    }

    [Theory]
    [InlineData("SubmissionUnconfirmed")]
    [InlineData("TaskNotFound")]
    [InlineData("SubmittedSpecUnknown")]
    [InlineData(null)]
    public void Giving_up_is_an_unconfirmed_failure_and_a_missing_backup(string? reason)
    {
        var report = Check([Intent("a")], [Resource("a", "r-1", BackupPhase.Failed, reason)], [Post("r-1"), Post("r-1")], [Answer("r-1", 0, aborted: true)], Tasks());

        Assert.Equal((0, 1, 1, 0, 0), Counts(report));
    }

    [Fact]
    public void Two_backups_started_by_one_intent_are_one_duplicate()
    {
        var report = Check([Intent("a")], [Resource("a", "r-1", BackupPhase.Succeeded, "Completed", 102)],
            [Post("r-1", 101), Post("r-1", 102)], [], Tasks((101, "SUCCESSFUL"), (102, "SUCCESSFUL")));

        Assert.Equal(1, report.Duplicates);
        Assert.Equal(0, report.PhantomSuccess);
    }

    [Fact]
    public void A_backup_meant_to_fail_that_succeeded_is_a_wrong_outcome()
    {
        var report = Check([Intent("a", expectFailure: true)], [Resource("a", "r-1", BackupPhase.Succeeded, "Completed", 101)],
            [Post("r-1", 101)], [], Tasks((101, "SUCCESSFUL")));

        Assert.Equal((0, 0, 0, 0, 1), Counts(report));
        Assert.Contains(report.Problems, p => p.Contains("1 taskFail fault(s) armed, 0 backup(s) ended TaskFailed", StringComparison.Ordinal));
    }

    [Fact]
    public void On_a_shared_cluster_the_fault_may_strike_another_backup_of_it()
    {
        // The fault was armed before b was created, but a's task started after it and took it.
        var report = Check([Intent("a"), Intent("b", expectFailure: true)],
            [Resource("a", "r-1", BackupPhase.Failed, "TaskFailed", 101), Resource("b", "r-2", BackupPhase.Succeeded, "Completed", 102)],
            [Post("r-1", 101), Post("r-2", 102)], [], Tasks((101, "FAILED"), (102, "SUCCESSFUL")));

        Assert.Equal((0, 0, 0, 0, 0), Counts(report));
    }

    [Fact]
    public void Expected_failures_are_counted_per_cluster()
    {
        // One fault on cluster 7, the failure on cluster 8: both clusters are wrong.
        var report = Check([Intent("a", expectFailure: true), Intent("b", cluster: 8)],
            [Resource("a", "r-1", BackupPhase.Succeeded, "Completed", 101), Resource("b", "r-2", BackupPhase.Failed, "TaskFailed", 102, cluster: 8)],
            [Post("r-1", 101), Post("r-2", 102, cluster: 8)], [], Tasks((101, "SUCCESSFUL"), (102, "FAILED")));

        Assert.Equal(2, report.WrongOutcomes);
    }

    [Fact]
    public void A_resource_gone_from_the_API_server_is_missing()
    {
        var report = Check([Intent("a")], [], [], [], Tasks());

        Assert.Equal(1, report.MissingBackups);
    }

    [Fact]
    public void A_backup_still_running_is_left_to_the_stuck_count()
    {
        var report = Check([Intent("a")], [Resource("a", "r-1", BackupPhase.Submitting, "SubmissionUnconfirmed")], [Post("r-1")], [], Tasks());

        Assert.Equal((0, 0, 0, 0, 0), Counts(report));
    }

    private static OutcomeReport Check(BackupIntent[] intents, V1alpha1ClusterBackupNow[] resources, OcpPost[] posts, OcpAnswer[] answers,
        Dictionary<long, string> tasks) => Outcomes.Check(intents, resources, posts, answers, tasks);

    private static (int Phantom, int Unconfirmed, int Missing, int Duplicates, int Wrong) Counts(OutcomeReport r) =>
        (r.PhantomSuccess, r.UnconfirmedFailures, r.MissingBackups, r.Duplicates, r.WrongOutcomes);

    private static BackupIntent Intent(string name, bool expectFailure = false, long cluster = 7) => new(name, cluster, expectFailure);

    private static V1alpha1ClusterBackupNow Resource(string name, string requestId, string phase, string? reason, long? taskId = null, long cluster = 7)
    {
        var r = Backups.Nfs(name, cluster);
        r.Status = new ClusterBackupNowStatus
        {
            Phase = phase,
            Reason = reason,
            RequestId = requestId,
            TaskIds = taskId is { } id ? [id] : null,
        };
        return r;
    }

    private static OcpPost Post(string? requestId, long? taskId = null, long cluster = 7) =>
        new(requestId, cluster, taskId is { } id ? [id] : [], "2026-12-01T12:00:00.000+08:00");

    private static OcpAnswer Answer(string? requestId, int status, bool aborted = false) => new(requestId, 7, status, aborted);

    private static Dictionary<long, string> Tasks(params (long Id, string Status)[] tasks) => tasks.ToDictionary(t => t.Id, t => t.Status);
}
