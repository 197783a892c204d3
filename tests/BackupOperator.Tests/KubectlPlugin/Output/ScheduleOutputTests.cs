using BackupOperator.Entities;
using BackupOperator.KubectlPlugin.Output;
using k8s.Models;
using static BackupOperator.Tests.KubectlPlugin.Backups.PluginBackups;

namespace BackupOperator.Tests.KubectlPlugin.Output;

/// <summary>`schedule list` and `schedule describe` as a user reads them.</summary>
public sealed class ScheduleOutputTests
{
    private static readonly DateTimeOffset Now = new(2026, 5, 1, 1, 5, 0, TimeSpan.Zero);

    [Fact]
    public void List_shows_the_crons_suspend_active_last_slot_and_last_result()
    {
        var idle = Schedule("weekly", "0 3 * * 0", null);
        idle.Spec.Suspend = true;
        var table = ScheduleTable.Render([Schedule("nightly", "0 2 * * *", "0 */4 * * *", withStatus: true), idle], withNamespace: false, Now);
        Assert.Equal("""
            NAME      SCHEDULE    INCREMENTAL   SUSPEND   ACTIVE   LAST SCHEDULE   LAST RESULT      AGE
            nightly   0 2 * * *   0 */4 * * *   False     1        5m              Succeeded/FULL   2d1h
            weekly    0 3 * * 0   <none>        True      0        <none>          <none>           2d1h

            """, table);
    }

    [Fact]
    public void List_of_every_namespace_starts_with_it()
    {
        var lines = ScheduleTable.Render([Schedule("nightly", "0 2 * * *", null)], withNamespace: true, Now).Split('\n');
        Assert.Matches(@"^NAMESPACE\s+NAME\s+SCHEDULE\s+INCREMENTAL\s+SUSPEND\s+ACTIVE\s+LAST SCHEDULE\s+LAST RESULT\s+AGE$", lines[0]);
        Assert.StartsWith("db          nightly ", lines[1], StringComparison.Ordinal);
    }

    [Fact]
    public void Describe_shows_timing_template_status_its_newest_backups_conditions_and_events()
    {
        var schedule = Schedule("nightly", "0 2 * * *", "0 */4 * * *", withStatus: true);
        var backups = Enumerable.Range(1, 12).Select(i =>
        {
            var b = Backup($"nightly-{i:00}", BackupPhase.Succeeded, 3000000 + i);
            b.Metadata.CreationTimestamp = new DateTime(2026, 4, 30, i, 0, 0, DateTimeKind.Utc);
            return b;
        }).ToList();
        var events = new List<Corev1Event> { new() { Type = "Normal", Reason = "BackupCreated", Message = "Created nightly-12", LastTimestamp = new DateTime(2026, 5, 1, 1, 0, 0, DateTimeKind.Utc), ReportingComponent = "ocp.oceanbase.com/backup-operator" } };

        var text = ScheduleDescription.Render(schedule, backups, events, null, Now);

        Assert.Matches(@"(?m)^Name:\s+nightly$", text);
        Assert.Matches(@"(?m)^  Schedule:\s+0 2 \* \* \*$", text);
        Assert.Matches(@"(?m)^  Incremental Schedule:\s+0 \*/4 \* \* \*$", text);
        Assert.Matches(@"(?m)^  Time Zone:\s+UTC$", text);
        Assert.Matches(@"(?m)^  Concurrency Policy:\s+Forbid$", text);
        Assert.Matches(@"(?m)^    Cluster:\s+8$", text);
        Assert.Matches(@"(?m)^    OCP:\s+Secret ocp-credentials$", text);
        Assert.Matches(@"(?m)^  Last Schedule:\s+2026-05-01T01:00:00Z \(5m ago\)$", text);
        Assert.Matches(@"(?m)^  Next Full:\s+2026-05-02T02:00:00Z \(in 24h\)$", text);
        Assert.Matches(@"(?m)^  Active:\s+nightly-12$", text);
        Assert.Matches(@"(?m)^  Last Backup:\s+nightly-11 Succeeded/FULL task\(s\) 3000011$", text);
        Assert.Matches(@"(?m)^Backups \(newest 10 of 12\):$", text);
        Assert.Matches(@"(?m)^  nightly-12\s+Succeeded\s+8\s+PHYSICAL/FULL\s+3000012\s", text);
        Assert.Matches(@"(?m)^  nightly-03\s+Succeeded", text);
        Assert.DoesNotMatch(@"(?m)^  nightly-02\s", text); // older than the newest ten
        Assert.True(text.IndexOf("nightly-12", text.IndexOf("Backups (", StringComparison.Ordinal), StringComparison.Ordinal)
            < text.IndexOf("nightly-11  ", StringComparison.Ordinal), "newest first");
        Assert.Matches(@"(?m)^  Ready\s+True\s+Scheduling\s+2026-04-29T00:00:00Z\s+next slot", text);
        Assert.Matches(@"(?m)^  Normal\s+BackupCreated\s+5m\s+ocp.oceanbase.com/backup-operator\s+Created nightly-12$", text);
    }

    [Fact]
    public void Describe_of_a_new_schedule_says_none_where_nothing_happened_yet()
    {
        var text = ScheduleDescription.Render(Schedule("fresh", "0 2 * * *", null), [], [], null, Now);
        Assert.Matches(@"(?m)^  Last Schedule:\s+<none>$", text);
        Assert.Matches(@"(?m)^Backups: <none>$", text);
        Assert.Matches(@"(?m)^Conditions: <none>$", text);
        Assert.Matches(@"(?m)^Events: <none>$", text);
        Assert.DoesNotMatch("Incremental Schedule", text);
    }

    private static V1alpha1ClusterBackupSchedule Schedule(string name, string cron, string? incremental, bool withStatus = false) => new()
    {
        Metadata = new V1ObjectMeta { Name = name, NamespaceProperty = "db", Uid = "u-" + name, CreationTimestamp = new DateTime(2026, 4, 29, 0, 0, 0, DateTimeKind.Utc) },
        Spec = new ClusterBackupScheduleSpec
        {
            Schedule = cron,
            IncrementalSchedule = incremental,
            BackupTemplate = new BackupTemplate
            {
                Spec = new BackupTemplateSpec { ClusterId = 8, BackupMode = "PHYSICAL_BACKUP", OcpSecretRef = new LocalSecretReference { Name = "ocp-credentials" } },
            },
        },
        Status = !withStatus ? null : new ClusterBackupScheduleStatus
        {
            LastScheduleTime = new DateTime(2026, 5, 1, 1, 0, 0, DateTimeKind.Utc),
            NextFullScheduleTime = new DateTime(2026, 5, 2, 2, 0, 0, DateTimeKind.Utc),
            Active = ["nightly-12"],
            LastBackup = new ScheduledBackupSummary { Name = "nightly-11", Phase = BackupPhase.Succeeded, DataBackupMode = OcpValues.FullBackup, TaskIds = [3000011] },
            Conditions = [new V1Condition { Type = "Ready", Status = "True", Reason = "Scheduling", Message = "next slot 2026-05-02T02:00:00Z", LastTransitionTime = new DateTime(2026, 4, 29, 0, 0, 0, DateTimeKind.Utc) }],
        },
    };
}
