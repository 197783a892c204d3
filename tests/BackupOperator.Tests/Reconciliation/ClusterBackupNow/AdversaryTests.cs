using BackupOperator.Entities;

namespace BackupOperator.Tests.Reconciliation.ClusterBackupNow;

/// <summary>
/// Sequences found by an adversarial review of issue 10 ("Exactly once, take two"). Each test is
/// a finding, with the sequence it found; all are fixed.
/// </summary>
public sealed class AdversaryTests
{
    /// <summary>
    /// Finding 1 (duplicate). OCP accepted the POST, but the status write that records its task is
    /// refused (409: the user edited the spec or a label meanwhile, which moves resourceVersion).
    /// The same process reconciles the newer object, which still holds the intent. The journal
    /// claimed the task when OCP's answer came, without saying for whom, so the lookup treats the
    /// resource's own task as another's, finds nothing, and sends backupNow a second time.
    /// Fixed: a journal claim records the resource (uid) it belongs to.
    /// </summary>
    [Fact]
    public async Task A_refused_status_write_after_an_accepted_post_adopts_its_own_task_and_sends_nothing_again()
    {
        var h = new Harness();
        h.Options.RecoveryQuietPeriod = TimeSpan.FromSeconds(40);
        var backup = TestResources.Backup();
        await h.StepAsync(backup);                              // intent written

        var accepted = await h.ReconcileAsync(backup);          // POST accepted ...
        var own = accepted.Status!.TaskIds!;
        Assert.Single(h.Ocp.Posts);

        // ... but the status write is refused: a spec edit came first. The watch brings the newer object.
        backup.Metadata.Generation = 2;
        backup.Spec.TtlSecondsAfterFinished = 3600;
        h.Time.Advance(TimeSpan.FromMilliseconds(200));
        var d = await h.StepAsync(backup);
        for (var i = 0; i < 10 && backup.Status!.Phase == BackupPhase.Submitting; i++)
        {
            h.Time.Advance(d.RequeueAfter ?? TimeSpan.FromSeconds(1));
            d = await h.StepAsync(backup);
        }

        Assert.Single(h.Ocp.Posts);
        Assert.Equal(own, backup.Status!.TaskIds);
    }

    /// <summary>
    /// Finding 2 (stuck forever). A server that ignores sort and gives no page info: the high-water
    /// mark is read 10 tasks a page, so with Backup:MaxTaskListPages = 50 a cluster with more than
    /// 500 tasks (a few months of daily backups and maintenance) can never record an intent: every
    /// attempt ends "task list did not reach the tasks needed within 50 pages", retried forever,
    /// although a lookup (100 a page) would read up to 5000.
    /// Fixed: the mark is read with the lookups' page size (100).
    /// </summary>
    [Fact]
    public async Task The_high_water_mark_of_a_cluster_with_600_tasks_is_read_from_a_server_without_sort_or_page_info()
    {
        var h = new Harness();
        h.Ocp.IgnoreSort = true;
        h.Ocp.OmitPageInfo = true;
        for (long id = 1; id <= 600; id++)
        {
            h.Ocp.Existing(TestResources.Task(id, status: "SUCCESSFUL", created: h.Now.AddDays(-1)));
        }

        var backup = TestResources.Backup();
        var d = await h.StepAsync(backup);

        Assert.Equal(BackupPhase.Submitting, d.Status!.Phase);
        Assert.Equal(600, d.Status.TaskHighWaterMark);
        d = await h.StepAsync(backup);
        Assert.Equal(BackupPhase.Running, d.Status!.Phase);
        Assert.Single(h.Ocp.Posts);
    }

    /// <summary>
    /// Finding 3 (duplicate; with a high-water mark read short, misattribution). Fixed: TaskSearch
    /// trusts newest-first only as far as each page proves it, and reads the whole list otherwise. A server that
    /// ignores sort=id,desc and answers in its own order (here by name, then id) gives a first page
    /// that happens to be ascending; TaskSearch then reads only the last page(s). This backup's
    /// POST started task 251 but its answer was lost; by name, task 251 sits on page 2, between the
    /// old backups and the parameter changes, and is never read: backupNow is sent a second time.
    /// (The same inference cuts the high-water mark short when the newest task sits on a middle
    /// page; a lost POST then adopts a predecessor's task above that mark.)
    /// </summary>
    [Fact]
    public async Task A_server_order_that_is_neither_ascending_nor_descending_does_not_hide_the_task_of_a_lost_post()
    {
        var h = new Harness();
        h.Ocp.ServerOrder = tasks => tasks.OrderBy(t => t.Name, StringComparer.Ordinal).ThenBy(t => t.Id);
        for (long id = 1; id <= 100; id++)
        {
            h.Ocp.Existing(TestResources.Task(id, status: "SUCCESSFUL", created: h.Now.AddDays(-id)));
        }

        for (long id = 101; id <= 250; id++)
        {
            h.Ocp.Existing(TestResources.Task(id, status: "SUCCESSFUL", name: "Change cluster parameter", created: h.Now.AddHours(-1)));
        }

        var backup = TestResources.Backup();
        await h.StepAsync(backup);
        Assert.Equal(250, backup.Status!.TaskHighWaterMark);
        h.Ocp.StartThenLoseAnswer(Fail.Lost());     // OCP started task 251; the answer never came
        await h.StepAsync(backup);
        h.Restart();
        h.Time.Advance(h.Options.SubmissionSettleDelay);
        var d = await h.StepAsync(backup);

        Assert.Single(h.Ocp.Posts);
        var started = Assert.Single(h.Ocp.Tasks.Keys, id => id > 250);
        Assert.Equal([started], d.Status!.TaskIds);
    }

    /// <summary>
    /// Finding 4 (spec told ignored, then applied). Fixed: a busy refusal clears the intent but keeps
    /// the submitted spec, so the edit stays ignored. The intent for cluster 8 is written; the user edits spec.clusterId to 9
    /// before the first POST; the operator says SpecChangeIgnored ("create a new ClusterBackupNow
    /// to run another"). OCP refuses the POST as busy, the intent (and the submitted spec) is
    /// cleared, and the next intent is for cluster 9: a backup goes to cluster 9 while the status
    /// still says the change was ignored. A user who followed the advice now has two backups of
    /// cluster 9 from two resources.
    /// </summary>
    [Fact]
    public async Task A_spec_change_reported_as_ignored_is_never_applied_after_a_busy_refusal()
    {
        var h = new Harness();
        var backup = TestResources.Backup(clusterId: 8);
        await h.StepAsync(backup);                  // intent for cluster 8
        backup.Metadata.Generation = 2;
        backup.Spec.ClusterId = 9;
        h.Ocp.FailPost(Fail.Rejected(409, "a backup of this cluster is in progress", "BACKUP_IN_PROGRESS"));
        var refused = await h.StepAsync(backup);
        Assert.True(refused.Status!.IsConditionTrue(ConditionTypes.SpecChangeIgnored));

        for (var i = 0; i < 4 && !backup.Status!.IsDone && backup.Status.Phase != BackupPhase.Running; i++)
        {
            h.Time.Advance(h.Options.BusyRecheckInterval);
            await h.StepAsync(backup);
        }

        // The retry after the refusal happened, went to the submitted cluster 8, and the status still says the edit was ignored.
        Assert.True(h.Ocp.Posts.Count >= 2, $"no POST after the busy refusal; phase {backup.Status!.Phase} {backup.Status.Reason}");
        Assert.All(h.Ocp.Posts, p => Assert.Equal(8, p.ClusterId));
        Assert.Equal(BackupPhase.Running, backup.Status.Phase);
        Assert.True(backup.Status.IsConditionTrue(ConditionTypes.SpecChangeIgnored), "the status no longer says the change to cluster 9 was ignored");
    }
}
