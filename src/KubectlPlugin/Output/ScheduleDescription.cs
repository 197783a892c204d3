using System.Globalization;
using System.Text;
using BackupOperator.Entities;
using k8s.Models;
using static BackupOperator.KubectlPlugin.Output.DescribeText;

namespace BackupOperator.KubectlPlugin.Output;

/// <summary>`kubectl ocp schedule describe`: timing, template, what it did last and does next, its recent backups, conditions and events.</summary>
public static class ScheduleDescription
{
    /// <summary>How many of its backups are shown, newest first.</summary>
    public const int RecentBackups = 10;

    /// <param name="backups">The schedule's backups (its children), or null when they could not be read.</param>
    public static string Render(V1alpha1ClusterBackupSchedule schedule, IReadOnlyList<V1alpha1ClusterBackupNow>? backups,
        IReadOnlyList<Corev1Event>? events, string? eventsUnavailable, DateTimeOffset now)
    {
        var spec = schedule.Spec;
        var status = schedule.Status;
        var text = new StringBuilder();
        Header(text, schedule.Metadata, now);
        text.Append("Spec:\n");
        Field(text, 1, "Schedule", spec.Schedule);
        Field(text, 1, "Incremental Schedule", spec.IncrementalSchedule);
        Field(text, 1, "Time Zone", spec.EffectiveTimeZone);
        Field(text, 1, "Suspend", spec.Suspend == true ? "true" : "false");
        Field(text, 1, "Immediate", spec.Immediate == true ? "true (a FULL backup at creation)" : null);
        Field(text, 1, "Starting Deadline", spec.StartingDeadlineSeconds is { } d ? $"{d.ToString(CultureInfo.InvariantCulture)}s" : null);
        Field(text, 1, "Concurrency Policy", spec.EffectiveConcurrencyPolicy);
        Field(text, 1, "History Limits", $"{spec.EffectiveSuccessfulBackupsHistoryLimit} succeeded, {spec.EffectiveFailedBackupsHistoryLimit} failed");
        text.Append("  Backup Template:\n");
        Field(text, 2, "Labels", Pairs(spec.BackupTemplate.Metadata?.Labels));
        Field(text, 2, "Annotations", Pairs(spec.BackupTemplate.Metadata?.Annotations));
        BackupDescription.SpecFields(text, 2, spec.BackupTemplate.Spec.ToBackupNowSpec(""), withDataBackupMode: false);

        text.Append("Status:\n");
        Field(text, 1, "Last Schedule", TimeAndAge(status?.LastScheduleTime, now) ?? "<none>");
        Field(text, 1, "Last Successful", TimeAndAge(status?.LastSuccessfulTime, now));
        Field(text, 1, "Next Full", TimeAndAge(status?.NextFullScheduleTime, now));
        Field(text, 1, "Next Incremental", TimeAndAge(status?.NextIncrementalScheduleTime, now));
        Field(text, 1, "Active", status?.Active is { Count: > 0 } active ? string.Join(", ", active) : null);
        if (status?.LastBackup is { } last)
        {
            Field(text, 1, "Last Backup", $"{last.Name} {ScheduleTable.LastResult(last)}" + (last.TaskIds is { Count: > 0 } ids ? $" task(s) {BackupTable.Tasks(ids)}" : ""));
        }

        Field(text, 1, "Missed Slots", status?.MissedSlots is > 0 ? status.MissedSlots.Value.ToString(CultureInfo.InvariantCulture) : null);
        Field(text, 1, "Skipped Slots", status?.SkippedSlots is > 0 ? status.SkippedSlots.Value.ToString(CultureInfo.InvariantCulture) : null);
        Field(text, 1, "Last Run-Now Token", status?.LastRunNowToken);

        if (backups is null)
        {
            text.Append("Backups: <unavailable>\n");
        }
        else
        {
            var recent = backups.OrderByDescending(b => b.Metadata.CreationTimestamp).ThenByDescending(b => b.Metadata.Name, StringComparer.Ordinal).Take(RecentBackups).ToList();
            var columns = BackupTable.View(now).Columns;
            Section(text, backups.Count > recent.Count ? $"Backups (newest {recent.Count} of {backups.Count})" : "Backups",
                ["NAME", .. columns.Select(c => c.Header)],
                recent.Select(b => (IReadOnlyList<string>)[b.Metadata.Name, .. columns.Select(c => c.Cell(b))]).ToList());
        }

        Conditions(text, status?.Conditions);
        Events(text, events, eventsUnavailable, now);
        return text.ToString();
    }
}
