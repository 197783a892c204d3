using BackupOperator.Entities;
using BackupOperator.Operator.Ocp;

namespace BackupOperator.Tests.Reconciliation.ClusterBackupNow;

/// <summary>
/// OCP's task ids may go backwards a little, and other users back the same cluster up: a lost POST's
/// task is adopted even below the high-water mark, another user's backup never is, and when a task
/// cannot be told apart nothing is sent again.
/// </summary>
public sealed class ReorderedTaskIdsTests
{
    private const long Mark = 600;

    [Fact]
    public async Task The_intent_records_the_task_ids_it_saw_within_the_reorder_window_below_the_mark()
    {
        var h = new Harness();
        long[] ids = [.. Enumerable.Range(689, 12).Select(i => (long)i), 650, 601, 600, 599, .. Enumerable.Range(500, 11).Select(i => (long)i)];
        h.Ocp.Existing([.. ids.Select(id => TestResources.Task(id, "SUCCESSFUL")), TestResources.Task(3, "SUCCESSFUL", clusterId: 9)]);
        h.Options.TaskIdReorderWindow = 100;

        var d = await h.ReconcileAsync(TestResources.Backup());

        Assert.Equal(BackupPhase.Submitting, d.Status!.Phase);
        Assert.Equal(700, d.Status.TaskHighWaterMark);
        Assert.Equal(ids.Where(id => id > 600).Order(), d.Status.RecentTaskIds);
        Assert.Equal(2, h.Ocp.Lists.Count); // pages of 10 newest first, until one reached below the window
    }

    [Fact]
    public async Task A_lost_posts_task_numbered_below_the_mark_and_unseen_by_the_intent_is_adopted()
    {
        var h = new Harness();
        var attempt = h.Now.AddMinutes(-1);
        h.Ocp.AnswerList(TestResources.Task(Mark, "SUCCESSFUL", created: attempt.AddMinutes(-5)), TestResources.Task(595, created: attempt.AddSeconds(1)),
            TestResources.Task(590, "SUCCESSFUL", created: attempt.AddMinutes(-9)));

        var d = await h.ReconcileAsync(TestResources.Backup(status: Intent(attempt, recent: [590, Mark])));

        Assert.Empty(h.Ocp.Posts);
        Assert.True(d.Status!.Adopted);
        Assert.Equal([595L], d.Status.TaskIds);
    }

    [Theory]
    [InlineData("seen by the intent")]
    [InlineData("below the reorder window")]
    [InlineData("an intent that recorded no recent ids")]
    public async Task A_task_below_the_mark_that_is_not_the_lost_posts_is_not_adopted(string why)
    {
        var h = new Harness();
        var attempt = h.Now.AddMinutes(-1);
        // Seen by the intent: OCP's clock ahead of ours; otherwise created before the attempt (within the clock-skew allowance).
        var task = why switch
        {
            "seen by the intent" => TestResources.Task(595, created: attempt.AddSeconds(1)),
            "below the reorder window" => TestResources.Task(Mark - h.Options.TaskIdReorderWindow, created: attempt.AddSeconds(-10)),
            _ => TestResources.Task(595, created: attempt.AddSeconds(-10)),
        };
        h.Ocp.AnswerList(task);
        var status = why switch
        {
            "seen by the intent" => Intent(attempt, recent: [595, Mark]),
            "an intent that recorded no recent ids" => Intent(attempt, recent: null),
            _ => Intent(attempt, recent: [Mark]),
        };

        var d = await h.ReconcileAsync(TestResources.Backup(status: status));

        Assert.Single(h.Ocp.Posts);
        Assert.NotEqual(true, d.Status!.Adopted);
        Assert.DoesNotContain(task.Id, d.Status.TaskIds ?? []);
    }

    [Theory]
    [InlineData("console-admin", null, false)]      // another user's console backup in the window
    [InlineData("backup-bot", null, true)]          // our own user's
    [InlineData("Backup-Bot", null, true)]          // our own user's, as OCP may write a login name in another case
    [InlineData(null, null, true)]                  // OCP did not say who started it
    [InlineData("console-admin", "ak", true)]       // AK/SK: our own user is not known, any creator may be ours
    public async Task Only_a_task_of_the_operators_own_ocp_user_is_adopted_when_both_are_known(string? creator, string? auth, bool adopted)
    {
        var h = new Harness();
        h.Connector.User = auth is null ? "backup-bot" : null;
        var attempt = h.Now.AddMinutes(-1);
        h.Ocp.AnswerList(TestResources.Task(601, created: attempt.AddSeconds(1)) with { Creator = creator is null ? null : new NamedRef(1, creator) });

        var d = await h.ReconcileAsync(TestResources.Backup(status: Intent(attempt, recent: [Mark])));

        Assert.Equal(adopted, d.Status!.Adopted == true);
        Assert.Equal(adopted ? 0 : 1, h.Ocp.Posts.Count);
        Assert.Equal(adopted, d.Status.TaskIds!.SequenceEqual([601L]));
    }

    [Theory]
    [InlineData("no create time")]
    [InlineData("created before the attempt")] // OCP's clock far behind ours, or another user's task: cannot be told
    public async Task An_unseen_task_below_the_mark_not_created_after_the_attempt_fails_the_backup_and_nothing_is_sent_again(string why)
    {
        var h = new Harness();
        var attempt = h.Now.AddMinutes(-1);
        h.Ocp.AnswerList(why == "no create time"
            ? TestResources.Task(595) with { CreateTime = null }
            : TestResources.Task(595, created: attempt - h.Options.AdoptionClockSkew - TimeSpan.FromSeconds(1)));

        var d = await h.ReconcileAsync(TestResources.Backup(status: Intent(attempt, recent: [Mark])));

        Assert.Empty(h.Ocp.Posts);
        Assert.Equal(BackupPhase.Failed, d.Status!.Phase);
        Assert.Equal("SubmissionAmbiguous", d.Status.Reason);
        Assert.Contains("OCP task 595", d.Status.Message, StringComparison.Ordinal);
        Assert.Contains("not sending backupNow again", Assert.Single(d.Events).Note, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("below the reorder window")]              // OCP's ids went back further than Backup:TaskIdReorderWindow
    [InlineData("an intent that recorded no recent ids")] // an intent written by an operator before the upgrade
    public async Task A_task_numbered_below_what_the_intent_can_tell_yet_created_after_the_attempt_fails_the_backup_and_nothing_is_sent_again(string why)
    {
        var h = new Harness();
        var attempt = h.Now.AddMinutes(-1);
        var id = why == "below the reorder window" ? Mark - h.Options.TaskIdReorderWindow : 595;
        h.Ocp.AnswerList(TestResources.Task(Mark, "SUCCESSFUL", created: attempt.AddMinutes(-5)), TestResources.Task(id, created: attempt.AddSeconds(1)));

        var d = await h.ReconcileAsync(TestResources.Backup(status: Intent(attempt, recent: why == "below the reorder window" ? [Mark] : null)));

        Assert.Empty(h.Ocp.Posts);
        Assert.NotEqual(true, d.Status!.Adopted);
        Assert.Equal(BackupPhase.Failed, d.Status.Phase);
        Assert.Equal("SubmissionAmbiguous", d.Status.Reason);
        Assert.Contains($"OCP task {id}", d.Status.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_task_above_the_mark_that_ocp_says_was_created_long_before_the_attempt_is_not_adopted_and_nothing_is_sent_again()
    {
        // The intent's read missed a task that existed then (a partial page, an id handed out late), or OCP's clock
        // is far behind ours: someone else's backup or this one's, it cannot be told.
        var h = new Harness();
        var attempt = h.Now.AddMinutes(-1);
        h.Ocp.AnswerList(TestResources.Task(601, created: attempt - h.Options.AdoptionClockSkew - TimeSpan.FromMinutes(1)));

        var d = await h.ReconcileAsync(TestResources.Backup(status: Intent(attempt, recent: [Mark])));

        Assert.Empty(h.Ocp.Posts);
        Assert.NotEqual(true, d.Status!.Adopted);
        Assert.Equal("SubmissionAmbiguous", d.Status.Reason);
        Assert.Contains("OCP task 601", d.Status.Message, StringComparison.Ordinal);
    }

    private static ClusterBackupNowStatus Intent(DateTime attempt, List<long>? recent) =>
        TestResources.Submitting(attempt).With(s =>
        {
            s.TaskHighWaterMark = Mark;
            s.RecentTaskIds = recent;
        });
}
