using BackupOperator.Entities;
using BackupOperator.Operator.Ocp;

namespace BackupOperator.Tests.Reconciliation.ClusterBackupNow;

/// <summary>An intent whose POST may have gone out: the task it created is adopted, never started twice.</summary>
public sealed class AdoptionTests
{
    [Fact]
    public async Task Intent_from_an_earlier_process_adopts_the_task_its_post_created()
    {
        var h = new Harness();
        var attempt = h.Now.AddMinutes(-1);
        h.Ocp.AnswerList(TestResources.Task(501, created: attempt.AddSeconds(2)));

        var d = await h.ReconcileAsync(TestResources.Backup(status: TestResources.Submitting(attempt)));

        var s = d.Status!;
        Assert.Equal(BackupPhase.Running, s.Phase);
        Assert.True(s.Adopted);
        Assert.Equal([501L], s.TaskIds);
        Assert.Equal(501, Assert.Single(s.Tasks!).Id);
        Assert.Contains("adopted OCP task 501", s.Message, StringComparison.Ordinal);
        var e = Assert.Single(d.Events);
        Assert.Equal("Adopted", e.Reason);
        Assert.Contains("not sending backupNow again", e.Note, StringComparison.Ordinal);
        Assert.Empty(h.Ocp.Posts);
        var query = Assert.Single(h.Ocp.Lists);
        Assert.Equal(8, query.ClusterId);
        Assert.Equal("id,desc", query.Sort);
    }

    [Theory]
    [InlineData("scheduled by OCP")]
    [InlineData("system schedule")]
    [InlineData("created before the attempt")]
    [InlineData("claimed by a peer")]
    [InlineData("other cluster")]
    [InlineData("not a backup")]
    [InlineData("Stop backup cluster 8")]
    [InlineData("Cancel backup task")]
    [InlineData("Delete backup set")]
    [InlineData("Restore from backup")]
    [InlineData("Clean expired backups")]
    [InlineData("finished without create time")]
    public async Task Task_that_is_not_ours_is_not_adopted_and_backup_is_sent(string why)
    {
        var h = new Harness();
        var attempt = h.Now.AddMinutes(-1);
        var after = attempt.AddSeconds(5);
        h.Ocp.AnswerList(why switch
        {
            "scheduled by OCP" => TestResources.Task(501, type: "SCHEDULED", created: after),
            "system schedule" => TestResources.Task(501, type: "SYS_SCHEDULED", created: after),
            "created before the attempt" => TestResources.Task(501, created: attempt - h.Options.AdoptionClockSkew - TimeSpan.FromSeconds(1)),
            "claimed by a peer" => TestResources.Task(77, created: after),
            "other cluster" => TestResources.Task(501, clusterId: 9, created: after),
            "not a backup" => TestResources.Task(501, name: "Upgrade cluster", created: after),
            "finished without create time" => TestResources.Task(501, status: "SUCCESSFUL") with { CreateTime = null },
            _ => TestResources.Task(501, name: why, created: after), // a task about backups that is not a backup
        });
        h.Peers.Add(TestResources.Backup(name: "earlier", status: TestResources.Terminal(BackupPhase.Succeeded, attempt).With(s => s.TaskIds = [77])));

        var d = await h.ReconcileAsync(TestResources.Backup(status: TestResources.Submitting(attempt)));

        Assert.Single(h.Ocp.Posts);
        Assert.Equal([3000041L], d.Status!.TaskIds);
        Assert.NotEqual(true, d.Status.Adopted);
    }

    [Fact]
    public async Task Task_within_the_clock_skew_allowance_is_adopted()
    {
        var h = new Harness();
        var attempt = h.Now.AddMinutes(-1);
        h.Ocp.AnswerList(TestResources.Task(501, created: attempt - h.Options.AdoptionClockSkew + TimeSpan.FromSeconds(1)));

        var d = await h.ReconcileAsync(TestResources.Backup(status: TestResources.Submitting(attempt)));

        Assert.Equal([501L], d.Status!.TaskIds);
        Assert.Empty(h.Ocp.Posts);
    }

    [Fact]
    public async Task Of_several_matching_tasks_the_oldest_is_adopted()
    {
        var h = new Harness();
        var attempt = h.Now.AddMinutes(-1);
        h.Ocp.AnswerList(TestResources.Task(503, created: attempt.AddSeconds(40)), TestResources.Task(502, created: attempt.AddSeconds(3)));

        var d = await h.ReconcileAsync(TestResources.Backup(status: TestResources.Submitting(attempt)));

        Assert.Equal([502L], d.Status!.TaskIds);
    }

    [Fact]
    public async Task Running_task_without_create_time_is_adopted()
    {
        var h = new Harness();
        h.Ocp.AnswerList(TestResources.Task(501) with { CreateTime = null });

        var d = await h.ReconcileAsync(TestResources.Backup(status: TestResources.Submitting(h.Now)));

        Assert.Equal([501L], d.Status!.TaskIds);
        Assert.Empty(h.Ocp.Posts);
    }

    [Fact]
    public async Task Intent_this_process_wrote_and_never_sent_posts_without_looking_up_tasks()
    {
        // Someone started a backup in OCP's console a second ago: it must not be taken for ours.
        var h = new Harness();
        var backup = TestResources.Backup();
        await h.StepAsync(backup);
        h.Ocp.Existing(TestResources.Task(900, created: h.Now));

        var d = await h.StepAsync(backup);

        Assert.Single(h.Ocp.Lists); // the high-water mark read before the intent; no lookup
        Assert.Single(h.Ocp.Posts);
        Assert.Equal([3000041L], d.Status!.TaskIds);
    }

    [Fact]
    public async Task Intent_written_before_leadership_was_lost_is_looked_up_before_sending()
    {
        var h = new Harness();
        var backup = TestResources.Backup();
        await h.StepAsync(backup);
        h.Journal.Clear();
        h.Ocp.Existing(TestResources.Task(900, created: h.Now));

        var d = await h.StepAsync(backup);

        Assert.Equal(2, h.Ocp.Lists.Count); // the high-water mark, then the lookup
        Assert.Empty(h.Ocp.Posts);
        Assert.Equal([900L], d.Status!.TaskIds);
    }

    [Fact]
    public async Task Without_the_task_list_nothing_is_sent()
    {
        var h = new Harness();
        h.Ocp.FailList(Fail.ServerError("listTasks", 503));

        var d = await h.ReconcileAsync(TestResources.Backup(status: TestResources.Submitting(h.Now)));

        Assert.Equal(BackupPhase.Unknown, d.Status!.Phase);
        Assert.Equal("OcpUnreachable", d.Status.Reason);
        Assert.Contains("cannot look up OCP's tasks before submitting", d.Status.Message, StringComparison.Ordinal);
        Assert.Equal("req-earlier", d.Status.RequestId);
        Assert.Empty(h.Ocp.Posts);
    }

    [Fact]
    public async Task Refused_task_list_is_reported_as_refused_and_nothing_is_sent()
    {
        var h = new Harness();
        h.Ocp.FailList(Fail.Rejected(403, "no permission on task list", op: "listTasks"));

        var d = await h.ReconcileAsync(TestResources.Backup(status: TestResources.Submitting(h.Now)));

        Assert.Equal(BackupPhase.Unknown, d.Status!.Phase);
        Assert.Equal("OcpRefused", d.Status.Reason);
        Assert.Contains("no permission on task list", d.Status.Message, StringComparison.Ordinal);
        Assert.Empty(h.Ocp.Posts);
    }
}
