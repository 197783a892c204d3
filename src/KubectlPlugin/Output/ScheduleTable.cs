using System.Globalization;
using BackupOperator.Entities;

namespace BackupOperator.KubectlPlugin.Output;

/// <summary>`kubectl ocp schedule list`: one row per schedule, as `kubectl get cronjob` shows a CronJob.</summary>
public static class ScheduleTable
{
    public static Listing<V1alpha1ClusterBackupSchedule> Listing(DateTimeOffset now) => new(
        ["NAME", "SCHEDULE", "INCREMENTAL", "SUSPEND", "ACTIVE", "LAST SCHEDULE", "LAST RESULT", "AGE"],
        s => s.Metadata,
        s =>
        [
            s.Metadata.Name,
            BackupTable.Or(s.Spec.Schedule, "<none>"),
            BackupTable.Or(s.Spec.IncrementalSchedule, "<none>"),
            s.Spec.Suspend == true ? "True" : "False",
            (s.Status?.Active?.Count ?? 0).ToString(CultureInfo.InvariantCulture),
            s.Status?.LastScheduleTime is { } last ? Age.Of(last, now) : "<none>",
            LastResult(s.Status?.LastBackup),
            Age.Of(s.Metadata.CreationTimestamp, now),
        ]);

    public static string Render(IEnumerable<V1alpha1ClusterBackupSchedule> schedules, bool withNamespace, DateTimeOffset now) =>
        Listing(now).Render(schedules, withNamespace);

    /// <summary>The newest backup's phase and mode: Succeeded/FULL.</summary>
    public static string LastResult(ScheduledBackupSummary? last) =>
        last is null ? "<none>" : $"{BackupTable.Or(last.Phase, "Pending")}/{BackupTable.ModeName(last.DataBackupMode)}";
}
