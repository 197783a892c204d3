using BackupOperator.Entities;

namespace BackupOperator.Tests.Reconciliation.ClusterBackupNow;

/// <summary>
/// The lookup of a lost POST's task reads OCP's task list page by page, newest first when OCP
/// sorts and from the last page when it does not: a busy cluster with more than one page of tasks
/// still finds its task, and never gets a second backup.
/// </summary>
public sealed class TaskListPagingTests
{
    private const long Mark = 1000;
    private const long Own = 1001;

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task The_task_of_a_lost_post_is_found_behind_a_page_of_newer_tasks(bool serverIgnoresSort)
    {
        // Older backups below the mark, then our task, then 150 newer tasks (upgrades, parameter changes).
        var h = new Harness();
        h.Ocp.IgnoreSort = serverIgnoresSort;
        for (long id = 1; id <= 250; id++)
        {
            h.Ocp.Existing(TestResources.Task(id, status: "SUCCESSFUL", created: h.Now.AddMinutes(-1)));
        }

        h.Ocp.Existing(TestResources.Task(Own, created: h.Now));
        for (long id = Own + 1; id <= Own + 150; id++)
        {
            h.Ocp.Existing(TestResources.Task(id, name: "Change cluster parameter", created: h.Now));
        }

        var d = await h.StepAsync(TestResources.Backup(status: TestResources.Submitting(h.Now).With(s => s.TaskHighWaterMark = Mark)));

        Assert.Equal([Own], d.Status!.TaskIds);
        Assert.True(d.Status.Adopted);
        Assert.Empty(h.Ocp.Posts);
        Assert.True(h.Ocp.Lists.Count > 1);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task The_high_water_mark_is_the_newest_task_whatever_the_servers_order(bool serverIgnoresSort)
    {
        var h = new Harness();
        h.Ocp.IgnoreSort = serverIgnoresSort;
        for (long id = 1; id <= 35; id++)
        {
            h.Ocp.Existing(TestResources.Task(id, status: "SUCCESSFUL", created: h.Now.AddSeconds(-20)));
        }

        h.Ocp.Existing(TestResources.Task(77, clusterId: 9, created: h.Now)); // another cluster's

        var d = await h.StepAsync(TestResources.Backup());

        Assert.Equal(35, d.Status!.TaskHighWaterMark);
    }

    [Fact]
    public async Task Reading_stops_at_the_first_page_older_than_the_mark()
    {
        var h = new Harness();
        for (long id = 1; id <= 1000; id++)
        {
            h.Ocp.Existing(TestResources.Task(id, status: "SUCCESSFUL"));
        }

        h.Ocp.Existing(TestResources.Task(Own));
        await h.StepAsync(TestResources.Backup(status: TestResources.Submitting(h.Now).With(s => s.TaskHighWaterMark = Mark)));

        Assert.Single(h.Ocp.Lists);
        Assert.All(h.Ocp.Lists, q => Assert.Equal("id,desc", q.Sort));
    }

    [Fact]
    public async Task Without_a_mark_the_window_is_by_create_time_and_reading_stops_before_it()
    {
        // An intent written by an operator that did not record the mark: OCP's create times decide.
        var h = new Harness();
        var attempt = h.Now.AddMinutes(-1);
        for (long id = 1; id <= 300; id++)
        {
            h.Ocp.Existing(TestResources.Task(id, status: "SUCCESSFUL", created: attempt.AddHours(-1)));
        }

        for (long id = 301; id <= 420; id++)
        {
            h.Ocp.Existing(TestResources.Task(id, name: "Change cluster parameter", created: attempt.AddSeconds(5)));
        }

        h.Ocp.Existing(TestResources.Task(421, created: attempt.AddSeconds(1)));
        var d = await h.StepAsync(TestResources.Backup(status: TestResources.Submitting(attempt)));

        Assert.Equal([421L], d.Status!.TaskIds);
        Assert.Equal(2, h.Ocp.Lists.Count);
    }

    [Fact]
    public async Task A_task_list_longer_than_the_page_limit_sends_nothing()
    {
        var h = new Harness();
        h.Options.MaxTaskListPages = 2;
        h.Ocp.IgnoreSort = true;
        for (long id = 1; id <= 1200; id++)
        {
            h.Ocp.Existing(TestResources.Task(id, name: "Change cluster parameter", created: h.Now));
        }

        var d = await h.StepAsync(TestResources.Backup(status: TestResources.Submitting(h.Now).With(s => s.TaskHighWaterMark = 0)));

        Assert.Equal(BackupPhase.Unknown, d.Status!.Phase);
        Assert.Contains("within 2 pages", d.Status.Message, StringComparison.Ordinal);
        Assert.Empty(h.Ocp.Posts);
    }

    [Fact]
    public async Task Paged_answers_without_a_page_count_are_read_until_a_page_is_not_full()
    {
        // Some servers leave out page info: a full page means there may be more.
        var h = new Harness();
        var page1 = Enumerable.Range(0, 100).Select(i => TestResources.Task(1200 - i, name: "Change cluster parameter", created: h.Now)).ToArray();
        var page2 = new[] { TestResources.Task(Own, created: h.Now), TestResources.Task(999, status: "SUCCESSFUL") };
        h.Ocp.AnswerPage(page1, totalPages: null).AnswerPage(page2, totalPages: null);

        var d = await h.StepAsync(TestResources.Backup(status: TestResources.Submitting(h.Now).With(s => s.TaskHighWaterMark = Mark)));

        Assert.Equal([Own], d.Status!.TaskIds);
        Assert.Empty(h.Ocp.Posts);
    }
}
