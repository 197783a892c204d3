using System.Security.Cryptography;
using System.Text;
using BackupOperator.Entities;
using BackupOperator.KubectlPlugin.Backups;
using k8s.Models;

namespace BackupOperator.Tests.KubectlPlugin.Backups;

public sealed class ScheduleRunTests
{
    private static V1alpha1ClusterBackupSchedule Schedule() => new()
    {
        Metadata = new V1ObjectMeta { Name = "nightly", NamespaceProperty = "db", Uid = "u-1" },
        Spec = new ClusterBackupScheduleSpec
        {
            Schedule = "0 1 * * *",
            BackupTemplate = new BackupTemplate
            {
                Metadata = new BackupTemplateMetadata
                {
                    Labels = new Dictionary<string, string> { ["team"] = "db", [V1alpha1ClusterBackupSchedule.ScheduleLabel] = "nightly" },
                    Annotations = new Dictionary<string, string> { ["owner"] = "db-team" },
                },
                Spec = new BackupTemplateSpec
                {
                    ClusterId = 8,
                    BackupMode = "PHYSICAL_BACKUP",
                    OcpConnectionRef = new OcpConnectionReference { Name = "db-team" },
                    ObBackupServiceStorageConfig = new ObBackupServiceStorageConfig { ObBackupStorageBaseInfo = new ObBackupStorageBaseInfo { BackupStorageType = "BACKUP_STORAGE_FILE", StorageUrl = "/obbackup/" } },
                    TtlSecondsAfterFinished = 3600,
                },
            },
        },
    };

    [Fact]
    public void From_a_schedule_is_its_template_FULL_unowned_and_unlabelled_as_its_child()
    {
        var schedule = Schedule();
        var b = ScheduleRun.FromSchedule(schedule, "drill-1", incremental: false);
        Assert.Equal(("drill-1", "db"), (b.Metadata.Name, b.Metadata.NamespaceProperty));
        Assert.Equal(new Dictionary<string, string> { ["team"] = "db" }, b.Metadata.Labels);
        Assert.Equal(new Dictionary<string, string> { ["owner"] = "db-team", ["ocp.oceanbase.com/created-by"] = "kubectl-ocp", ["ocp.oceanbase.com/from-schedule"] = "nightly" }, b.Metadata.Annotations);
        Assert.Null(b.Metadata.OwnerReferences);
        Assert.Equal(OcpValues.FullBackup, b.Spec.DataBackupMode);
        Assert.Equal((8L, "PHYSICAL_BACKUP", "db-team", "/obbackup/", 3600), (b.Spec.ClusterId, b.Spec.BackupMode, b.Spec.OcpConnectionRef!.Name, b.Spec.ObBackupServiceStorageConfig!.ObBackupStorageBaseInfo!.StorageUrl, b.Spec.TtlSecondsAfterFinished!.Value));
        Assert.Equal(OcpValues.IncrementalBackup, ScheduleRun.FromSchedule(schedule, "drill-2", incremental: true).Spec.DataBackupMode);

        // A copy: changing the backup leaves the schedule as it was.
        b.Spec.ObBackupServiceStorageConfig.ObBackupStorageBaseInfo.StorageUrl = "/elsewhere/";
        b.Metadata.Labels["team"] = "other";
        Assert.Equal("/obbackup/", schedule.Spec.BackupTemplate.Spec.ObBackupServiceStorageConfig!.ObBackupStorageBaseInfo!.StorageUrl);
        Assert.Equal("db", schedule.Spec.BackupTemplate.Metadata!.Labels!["team"]);
    }

    [Fact]
    public void A_schedule_without_template_metadata_gives_only_the_plugins_annotations()
    {
        var schedule = Schedule();
        schedule.Spec.BackupTemplate.Metadata = null;
        var b = ScheduleRun.FromSchedule(schedule, "drill-3", incremental: false);
        Assert.Null(b.Metadata.Labels);
        Assert.Equal(2, b.Metadata.Annotations.Count);
    }

    [Fact]
    public void A_token_is_fresh_each_time_and_says_who_set_it_and_when()
    {
        var now = new DateTimeOffset(2026, 5, 1, 3, 4, 5, TimeSpan.FromHours(8));
        var tokens = Enumerable.Range(0, 50).Select(_ => ScheduleRun.NewToken(now)).ToList();
        Assert.All(tokens, t => Assert.Matches("^kubectl-ocp-20260430190405-[0-9a-f]{4}$", t));
        Assert.True(tokens.Distinct().Count() > 40);
    }

    [Theory]
    [InlineData("nightly", "kubectl-ocp-20260501120000-3fa9")]
    [InlineData("db.prod-nightly", "release-2026-12-01")]
    public void The_child_name_is_the_operators_the_schedule_name_now_and_10_hex_of_sha256_of_the_token(string schedule, string token)
    {
        var expected = $"{schedule}-now-{Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(token)))[..10]}";
        Assert.Equal(expected, ScheduleRun.ChildFor(schedule, token));
        Assert.Equal(ChildNames.ForRunNow(schedule, token), ScheduleRun.ChildFor(schedule, token));
    }
}
