using BackupOperator.E2E.Infrastructure;
using BackupOperator.Entities;

namespace BackupOperator.E2E;

/// <summary>The soak's attribution count on hand-made outcomes: by request id only, never a weaker fallback.</summary>
public sealed class AttributionTests
{
    private static readonly long[] Cluster7 = [7];

    [Fact]
    public void With_request_ids_each_resource_must_hold_exactly_what_its_own_posts_created()
    {
        var resources = new[]
        {
            Resource("sent", "r-1", BackupPhase.Succeeded, [101]),
            Resource("adopted", "r-2", BackupPhase.Succeeded, [102], adopted: true),
            Resource("refused-then-sent", "r-3", BackupPhase.Succeeded, [103]),
        };
        OcpPost[] posts =
        [
            Post("r-1", 101),
            Post("r-2", 102), // its answer was lost; the task was adopted under the same intent
            Post("r-3"), // refused: busy
            Post("r-3", 103),
        ];

        var report = Attribution.Check(resources, posts, Started(101, 102, 103), Cluster7);

        Assert.True(report.Strict);
        Assert.Equal((0, 0), (report.Misattributed, report.Orphans));
    }

    [Fact]
    public void With_request_ids_an_adopted_foreign_task_and_an_unconfirmed_submission_that_started_a_backup_count()
    {
        var resources = new[]
        {
            Resource("first", "r-1", BackupPhase.Succeeded, [101]),
            // Adopted the task of r-1 while its own POST started 102: misattributed, and 102 an orphan (r-1 itself is right).
            Resource("thief", "r-2", BackupPhase.Succeeded, [101], adopted: true),
            // Gave up without a task although OCP started one for it: misattributed, and 103 an orphan.
            Resource("unconfirmed", "r-3", BackupPhase.Failed, [], reason: "SubmissionUnconfirmed"),
        };
        OcpPost[] posts = [Post("r-1", 101), Post("r-2", 102), Post("r-3", 103)];

        var report = Attribution.Check(resources, posts, Started(101, 102, 103), Cluster7);

        Assert.Equal((2, 2), (report.Misattributed, report.Orphans));
        Assert.Contains(report.Problems, p => p.Contains("thief", StringComparison.Ordinal) && p.Contains("(adopted)", StringComparison.Ordinal));
        Assert.Contains(report.Problems, p => p.Contains("unconfirmed", StringComparison.Ordinal) && p.Contains("SubmissionUnconfirmed", StringComparison.Ordinal));
    }

    [Fact]
    public void A_post_without_a_request_id_is_an_orphan_only_when_no_resource_reports_its_task()
    {
        var resources = new[] { Resource("sent", "r-1", BackupPhase.Succeeded, [101]) };
        OcpPost[] posts = [Post("r-1", 101), Post(null, 102)]; // someone else, e.g. OCP's console

        var report = Attribution.Check(resources, posts, Started(101, 102), Cluster7);

        Assert.Equal((0, 1), (report.Misattributed, report.Orphans));
    }

    [Fact]
    public void Without_request_ids_nothing_is_attributed_more_loosely()
    {
        var resources = new[]
        {
            Resource("a", "r-1", BackupPhase.Succeeded, [101]),
            Resource("b", "r-2", BackupPhase.Succeeded, [101], adopted: true),
            Resource("c", "r-3", BackupPhase.Succeeded, [999]),
        };
        OcpPost[] posts = [Post(null, 101), Post(null, 102)];

        var report = Attribution.Check(resources, posts, Started(101, 102), Cluster7);

        Assert.False(report.Strict);
        Assert.Equal((3, 1), (report.Misattributed, report.Orphans)); // no POST carries r-1, r-2 or r-3; 102 unreported
        Assert.Contains(report.Problems, p => p.Contains("carried an X-Request-Id", StringComparison.Ordinal));
    }

    [Fact]
    public void A_resource_reporting_the_right_task_without_a_request_id_of_its_own_is_misattributed()
    {
        // Task 101 is on the cluster and reported once: a check by task ids alone would pass it.
        var resources = new[] { Resource("a", "r-1", BackupPhase.Succeeded, [101]) };
        OcpPost[] posts = [Post("r-other", 102), Post(null, 101)];

        var report = Attribution.Check(resources, posts, Started(101, 102), Cluster7);

        Assert.True(report.Strict);
        Assert.Equal(1, report.Misattributed);
        Assert.Contains(report.Problems, p => p.Contains("no POST carried its request id r-1", StringComparison.Ordinal));
    }

    private static V1alpha1ClusterBackupNow Resource(string name, string requestId, string phase, long[] taskIds, bool adopted = false, string? reason = null)
    {
        var r = Backups.Nfs(name, 7);
        r.Status = new ClusterBackupNowStatus
        {
            Phase = phase,
            Reason = reason,
            RequestId = requestId,
            TaskIds = taskIds,
            Adopted = adopted ? true : null,
        };
        return r;
    }

    private static OcpPost Post(string? requestId, params long[] taskIds) => new(requestId, 7, taskIds, "2026-12-01T12:00:00.000+08:00");

    private static Dictionary<long, IReadOnlyList<long>> Started(params long[] ids) => new() { [7] = ids };
}
