using BackupOperator.Entities;
using BackupOperator.Operator.Controllers.ClusterBackupNow;
using BackupOperator.Operator.Kubernetes;
using BackupOperator.Tests.Reconciliation.ClusterBackupNow;

namespace BackupOperator.Tests.Controllers.ClusterBackupNow;

/// <summary>The cache keeps a finished backup as a slim copy; the reconciler must decide the same on it.</summary>
public sealed class SettledBackupsTests
{
    [Theory]
    [InlineData(BackupPhase.Succeeded, null)]
    [InlineData(BackupPhase.Failed, null)]
    [InlineData(BackupPhase.Succeeded, 600)]
    public async Task The_slim_copy_of_a_finished_backup_gets_the_decision_of_the_whole_object(string phase, int? ttl)
    {
        var h = new Harness();
        var whole = TestResources.Backup(status: TestResources.Terminal(phase, h.Now));
        whole.Spec.TtlSecondsAfterFinished = ttl;
        whole.Status!.ObservedGeneration = whole.Metadata.Generation;

        var slim = SettledBackups.Compact(whole);
        Assert.True(SettledBackups.IsSlim(slim));
        Assert.Null(slim.Status!.Tasks);
        Assert.Null(slim.Spec.ObBackupServiceStorageConfig);
        Assert.Equal(whole.Metadata.ResourceVersion, slim.Metadata.ResourceVersion);
        Assert.Equal(whole.Spec.ClusterId, slim.Spec.ClusterId);

        foreach (var advance in new[] { TimeSpan.Zero, TimeSpan.FromSeconds(601) })
        {
            h.Time.Advance(advance);
            var onWhole = await h.ReconcileAsync(whole);
            var onSlim = await h.ReconcileAsync(slim);
            Assert.Null(onSlim.Status);
            Assert.Equal(onWhole.Status is null, onSlim.Status is null);
            Assert.Equal(onWhole.RequeueAfter, onSlim.RequeueAfter);
            Assert.Equal(onWhole.DeleteResource, onSlim.DeleteResource);
            Assert.Equal(onWhole.Events.Select(e => e.Reason), onSlim.Events.Select(e => e.Reason));
        }
    }

    [Fact]
    public void Backups_with_work_left_stay_whole()
    {
        var now = TestResources.Start.UtcDateTime;
        var running = TestResources.Backup(status: TestResources.Running(now, 3000041));
        Assert.Same(running, SettledBackups.Compact(running));

        // A spec edit after completion: the reconciler still has to note it.
        var edited = TestResources.Backup(generation: 2, status: TestResources.Terminal(BackupPhase.Succeeded, now));
        edited.Status!.ObservedGeneration = 1;
        Assert.Same(edited, SettledBackups.Compact(edited));

        // A corrected spec after InvalidSpec: the reconciler checks it again.
        var corrected = TestResources.Backup(generation: 3, status: new ClusterBackupNowStatus().SetFailed("InvalidSpec", "invalid spec", now, 2));
        Assert.Same(corrected, SettledBackups.Compact(corrected));
    }

    [Theory]
    [InlineData(BackupPhase.Succeeded, ConditionTypes.Complete)]
    [InlineData(BackupPhase.Failed, ConditionTypes.Failed)]
    public void The_slim_copy_keeps_which_outcome_condition_is_True_without_its_texts(string phase, string outcome)
    {
        var whole = TestResources.Backup(status: TestResources.Terminal(phase, TestResources.Start.UtcDateTime));
        whole.Status!.ObservedGeneration = whole.Metadata.Generation;

        var slim = SettledBackups.Compact(whole);

        Assert.True(SettledBackups.IsSlim(slim));
        var kept = Assert.Single(slim.Status!.Conditions!);
        Assert.Equal((outcome, "True"), (kept.Type, kept.Status));
        Assert.Null(kept.Message);
        Assert.True(slim.Status.HasOutcomeConditions());
    }

    [Fact]
    public void A_failed_backup_whose_conditions_an_older_operator_wrote_stays_whole_until_they_are_rewritten()
    {
        var now = TestResources.Start.UtcDateTime;
        var old = TestResources.Backup(status: TestResources.Terminal(BackupPhase.Failed, now).With(s =>
        {
            s.Conditions = s.Conditions!.Where(c => c.Type != ConditionTypes.Failed).ToList();
            s.SetCondition(ConditionTypes.Complete, true, "TaskFailed", "OCP task 3000041 failed", now, 1);
        }));
        old.Status!.ObservedGeneration = old.Metadata.Generation;
        Assert.Same(old, SettledBackups.Compact(old));

        old.Status.RecordOutcomeConditions(now, 1);
        Assert.True(SettledBackups.IsSlim(SettledBackups.Compact(old)));
    }

    [Fact]
    public void The_cache_stores_slim_copies_and_still_finds_them_by_cluster()
    {
        var cache = new BackupOperator.Operator.Runtime.ResourceCache<V1alpha1ClusterBackupNow>(ClusterBackupNowController.ClusterIndex, SettledBackups.Compact);
        var done = TestResources.Backup(name: "done", status: TestResources.Terminal(BackupPhase.Succeeded, TestResources.Start.UtcDateTime));
        done.Status!.ObservedGeneration = done.Metadata.Generation;
        cache.Upsert(done);

        var stored = Assert.Single(cache.ListByIndex("8"));
        Assert.True(SettledBackups.IsSlim(stored));
        Assert.Equal(BackupPhase.Succeeded, stored.Status!.Phase);
    }
}
