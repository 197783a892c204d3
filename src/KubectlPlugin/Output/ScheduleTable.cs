using System.Globalization;
using BackupOperator.Entities;

namespace BackupOperator.KubectlPlugin.Output;

/// <summary>`kubectl ocp schedule list`: one row per schedule, as `kubectl get cronjob` shows a CronJob.</summary>
public static class ScheduleTable
{
    /// <summary>As `-o name` names a schedule: clusterbackupschedule.ocp.oceanbase.com/NAME.</summary>
    public static readonly string Resource = $"{V1alpha1ClusterBackupSchedule.EntityKind.ToLowerInvariant()}.{V1alpha1ClusterBackupSchedule.ApiGroup}";

    public static ListView<V1alpha1ClusterBackupSchedule> View(DateTimeOffset now) => new(
        Resource,
        $"{V1alpha1ClusterBackupSchedule.ApiGroup}/{V1alpha1ClusterBackupSchedule.Version}",
        V1alpha1ClusterBackupSchedule.EntityKind,
        [
            new("SCHEDULE", s => BackupTable.Or(s.Spec.Schedule, "<none>")),
            new("INCREMENTAL", s => BackupTable.Or(s.Spec.IncrementalSchedule, "<none>")),
            new("SUSPEND", s => s.Spec.Suspend == true ? "True" : "False"),
            new("ACTIVE", s => (s.Status?.Active?.Count ?? 0).ToString(CultureInfo.InvariantCulture)),
            new("LAST SCHEDULE", s => s.Status?.LastScheduleTime is { } last ? Age.Of(last, now) : "<none>"),
            new("LAST RESULT", s => LastResult(s.Status?.LastBackup)),
            new("AGE", s => Age.Of(s.Metadata.CreationTimestamp, now)),
        ],
        []);

    public static string Render(IEnumerable<V1alpha1ClusterBackupSchedule> schedules, bool withNamespace, DateTimeOffset now) =>
        ListOutput.Render(View(now), schedules.Select(s => new Listed<V1alpha1ClusterBackupSchedule>(s, [])).ToList(), new ListFormat(WithNamespace: withNamespace));

    /// <summary>The newest backup's phase and mode: Succeeded/FULL.</summary>
    public static string LastResult(ScheduledBackupSummary? last) =>
        last is null ? "<none>" : $"{BackupTable.Or(last.Phase, "Pending")}/{BackupTable.ModeName(last.DataBackupMode)}";
}
