using BackupOperator.Entities;
using BackupOperator.Operator.Reconciliation.ClusterBackupSchedule;
using k8s;

namespace BackupOperator.Tests.Packaging;

/// <summary>config/samples' ClusterBackupSchedule reads as the entity, field for field, and its crons and time zone parse.</summary>
public sealed class ScheduleSampleTests
{
    private static readonly V1alpha1ClusterBackupSchedule Sample = KubernetesYaml.Deserialize<V1alpha1ClusterBackupSchedule>(
        File.ReadAllText(RepoRoot.Path("config", "samples", "ocp.oceanbase.com_v1alpha1_clusterbackupschedule.yaml")), strict: true);

    [Fact]
    public void It_is_the_nightly_full_and_hourly_incremental_schedule_of_cluster_8()
    {
        var spec = Sample.Spec;

        Assert.Equal((V1alpha1ClusterBackupSchedule.EntityKind, "nightly"), (Sample.Kind, Sample.Metadata.Name));
        Assert.Equal(("0 1 * * *", "0 * * * *", "Asia/Shanghai"), (spec.Schedule, spec.IncrementalSchedule, spec.EffectiveTimeZone));
        Assert.Equal((ConcurrencyPolicies.Forbid, 3600L, 7, 3), (spec.EffectiveConcurrencyPolicy, spec.StartingDeadlineSeconds,
            spec.EffectiveSuccessfulBackupsHistoryLimit, spec.EffectiveFailedBackupsHistoryLimit));
        var template = spec.BackupTemplate.Spec;
        Assert.Equal((8L, "PHYSICAL_BACKUP", "db-team"), (template.ClusterId, template.BackupMode, template.OcpConnectionRef?.Name));
        Assert.Null(template.OcpSecretRef);
    }

    [Fact]
    public void Its_crons_and_time_zone_parse_and_fire_at_01_00_Shanghai_time()
    {
        Assert.True(CronSchedule.TryParse(Sample.Spec, out var schedule, out var error), error?.Message);

        var after = new DateTimeOffset(2026, 11, 25, 0, 30, 0, TimeSpan.FromHours(8));
        Assert.Equal(new DateTimeOffset(2026, 11, 25, 1, 0, 0, TimeSpan.FromHours(8)), schedule.Full.GetNextOccurrence(after, schedule.Zone));
        Assert.Equal(after.AddMinutes(30), schedule.Incremental!.GetNextOccurrence(after, schedule.Zone));
    }
}
