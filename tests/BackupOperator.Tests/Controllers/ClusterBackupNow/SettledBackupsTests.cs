using BackupOperator.Entities;
using BackupOperator.Operator.Controllers.ClusterBackupNow;
using BackupOperator.Operator.Kubernetes;
using BackupOperator.Tests.Reconciliation.ClusterBackupNow;
using k8s.Models;

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

        var slim = SettledBackups.AsCached(whole);
        Assert.True(SettledBackups.IsPartial(slim));
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
        Assert.Null(SettledBackups.Compact(running));

        // A spec edit after completion: the reconciler still has to note it.
        var edited = TestResources.Backup(generation: 2, status: TestResources.Terminal(BackupPhase.Succeeded, now));
        edited.Status!.ObservedGeneration = 1;
        Assert.Null(SettledBackups.Compact(edited));

        // A corrected spec after InvalidSpec: the reconciler checks it again.
        var corrected = TestResources.Backup(generation: 3, status: new ClusterBackupNowStatus().SetFailed("InvalidSpec", "invalid spec", now, 2));
        Assert.Null(SettledBackups.Compact(corrected));
    }

    [Theory]
    [InlineData(BackupPhase.Succeeded, ConditionTypes.Complete)]
    [InlineData(BackupPhase.Failed, ConditionTypes.Failed)]
    public void The_slim_copy_keeps_which_outcome_condition_is_True_without_its_texts(string phase, string outcome)
    {
        var whole = TestResources.Backup(status: TestResources.Terminal(phase, TestResources.Start.UtcDateTime));
        whole.Status!.ObservedGeneration = whole.Metadata.Generation;

        var slim = SettledBackups.AsCached(whole);

        Assert.True(SettledBackups.IsPartial(slim));
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
        Assert.Null(SettledBackups.Compact(old));

        old.Status.RecordOutcomeConditions(now, 1);
        Assert.True(SettledBackups.IsPartial(SettledBackups.AsCached(old)));
    }

    [Fact]
    public void The_cache_stores_slim_copies_and_still_finds_them_by_cluster()
    {
        var cache = new BackupOperator.Operator.Runtime.ResourceCache<V1alpha1ClusterBackupNow>(ClusterBackupNowController.ClusterIndex, compact: SettledBackups.Compact);
        var done = TestResources.Backup(name: "done", status: TestResources.Terminal(BackupPhase.Succeeded, TestResources.Start.UtcDateTime));
        done.Status!.ObservedGeneration = done.Metadata.Generation;
        cache.Upsert(done);

        var stored = Assert.Single(cache.ListByIndex(ClusterBackupNowController.ClusterIndex(done)));
        Assert.True(SettledBackups.IsPartial(stored));
        Assert.Equal(BackupPhase.Succeeded, stored.Status!.Phase);
    }

    [Fact]
    public void The_compact_form_reads_back_everything_a_reconcile_and_a_schedule_read_of_a_settled_backup()
    {
        var now = TestResources.Start.UtcDateTime;
        var whole = TestResources.Backup(uid: "6f1c2d3e-4a5b-4c6d-8e7f-90a1b2c3d4e5", generation: 2,
            status: TestResources.Terminal(BackupPhase.Succeeded, now).With(s =>
            {
                s.ObservedGeneration = 2;
                s.SubmittedGeneration = 1;
                s.SubmittedSpec = new ClusterBackupNowSpec { ClusterId = 8 };
                s.TaskIds = [3000041, 3000042];
                s.SetCondition(ConditionTypes.SpecChangeIgnored, true, "ImmutableAfterSubmission", "spec.clusterId changed after submission", now, 2);
            }));
        whole.Spec.ClusterId = 9; // the edit that was ignored
        whole.Spec.TtlSecondsAfterFinished = 3600;
        whole.Metadata.ResourceVersion = "918273";
        whole.Metadata.CreationTimestamp = now.AddMinutes(-5);
        whole.Metadata.Labels = new Dictionary<string, string> { ["team"] = "db" };
        whole.Metadata.Annotations = new Dictionary<string, string>
        {
            [V1alpha1ClusterBackupSchedule.ScheduledAtAnnotation] = "2026-11-24T11:55:00Z",
            ["note"] = "kept in the API server only",
        };
        whole.Metadata.OwnerReferences = [new V1OwnerReference { ApiVersion = "ocp.oceanbase.com/v1alpha1", Kind = "ClusterBackupSchedule", Name = "nightly", Uid = "u-s", Controller = true }];

        var compact = Assert.IsType<SettledBackup>(SettledBackups.Compact(whole));
        var view = compact.Expand();

        Assert.True(SettledBackups.IsPartial(view));
        Assert.Null(SettledBackups.Compact(view)); // a view is never compacted again
        Assert.Equal((whole.Metadata.Uid, "918273"), (compact.Uid, compact.ResourceVersion));
        var (m, v) = (whole.Metadata, view.Metadata);
        Assert.Equal((m.Name, m.NamespaceProperty, m.Uid, m.ResourceVersion, m.Generation, m.CreationTimestamp), (v.Name, v.NamespaceProperty, v.Uid, v.ResourceVersion, v.Generation, v.CreationTimestamp));
        Assert.Equal(new Dictionary<string, string> { [V1alpha1ClusterBackupSchedule.ScheduledAtAnnotation] = "2026-11-24T11:55:00Z" }, v.Annotations);
        var owner = Assert.Single(v.OwnerReferences);
        Assert.Equal(("ClusterBackupSchedule", "nightly", "u-s", true), (owner.Kind, owner.Name, owner.Uid, owner.Controller));
        Assert.Equal((9L, 3600, "FULL_BACKUP"), (view.Spec.ClusterId, view.Spec.TtlSecondsAfterFinished, view.Spec.DataBackupMode));
        Assert.Equal(8, view.TargetClusterId);
        Assert.Equal(ClusterBackupNowController.ClusterIndex(whole), ClusterBackupNowController.ClusterIndex(view));
        var (s, w) = (whole.Status!, view.Status!);
        Assert.Equal((s.Phase, s.Reason, s.ObservedGeneration, s.SubmittedGeneration, s.CompletedAt, s.Successful), (w.Phase, w.Reason, w.ObservedGeneration, w.SubmittedGeneration, w.CompletedAt, w.Successful));
        Assert.Equal([3000041L, 3000042L], w.TaskIds);
        Assert.Equal(
            s.Conditions!.Where(c => c.Type is ConditionTypes.Complete or ConditionTypes.Failed or ConditionTypes.SpecChangeIgnored).Select(c => (c.Type, c.Status, c.ObservedGeneration)),
            w.Conditions!.Select(c => (c.Type, c.Status, c.ObservedGeneration)));
        Assert.Equal("spec.clusterId changed after submission", w.Conditions!.Single(c => c.Type == ConditionTypes.SpecChangeIgnored).Message);
        Assert.True(SettledBackups.IsSettled(view));

        // Each read is a new object: changing one leaves the cached form as it was.
        view.Status!.TaskIds!.Add(1);
        view.Metadata.OwnerReferences![0].Name = "other";
        Assert.Equal([3000041L, 3000042L], compact.Expand().Status!.TaskIds);
        Assert.Equal("nightly", compact.Expand().Metadata.OwnerReferences![0].Name);
    }

    [Fact]
    public void A_backup_whose_resource_version_is_not_an_integer_stays_whole()
    {
        var whole = TestResources.Backup(status: TestResources.Terminal(BackupPhase.Succeeded, TestResources.Start.UtcDateTime));
        whole.Status!.ObservedGeneration = whole.Metadata.Generation;
        whole.Metadata.ResourceVersion = "v-12";

        Assert.Null(SettledBackups.Compact(whole));
    }
}
