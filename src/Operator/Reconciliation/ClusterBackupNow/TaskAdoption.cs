using System.Text.RegularExpressions;
using BackupOperator.Operator.Ocp;

namespace BackupOperator.Operator.Reconciliation.ClusterBackupNow;

/// <summary>
/// Finds, among OCP's tasks for a cluster, the one a POST with a lost answer may have created:
/// a backup task, started by a person or API (not by OCP's own schedule), created after the
/// intent was recorded, and not recorded by any other resource. "After the intent" is exact when
/// the intent carries OCP's newest task id at that moment (the high-water mark): only a task above
/// it qualifies. An intent without one (written by an older operator) falls back to OCP's create
/// time, no earlier than the attempt less a clock-skew allowance.
/// </summary>
public static class TaskAdoption
{
    private static readonly string[] ScheduledTypes = ["SCHEDULED", "SYS_SCHEDULED"];

    /// <summary>Which tasks can be this intent's: above the high-water mark, or (without one) created since the attempt.</summary>
    public sealed record Window(long? HighWaterMark, DateTime NotBeforeUtc, TimeZoneInfo OcpZone)
    {
        /// <summary>True for a task older than any this intent's POST can have created.</summary>
        public bool IsBefore(TaskInstance task) => HighWaterMark is { } mark
            ? task.Id <= mark
            : CreatedAt(task, OcpZone) is { } created && created < NotBeforeUtc;

        public bool Contains(TaskInstance task) => HighWaterMark is { } mark
            ? task.Id > mark
            : CreatedAt(task, OcpZone) is { } created ? created >= NotBeforeUtc : IsRunning(task);
    }

    public static TaskInstance? FindCandidate(
        IEnumerable<TaskInstance> tasks,
        long clusterId,
        Window window,
        Regex backupName,
        IReadOnlySet<long> claimedTaskIds) =>
        tasks
            .Where(t => t.Cluster?.Id is null || t.Cluster.Id == clusterId)
            .Where(t => !claimedTaskIds.Contains(t.Id))
            .Where(t => t.Name is not null && backupName.IsMatch(t.Name))
            .Where(t => t.Type is null || !ScheduledTypes.Contains(t.Type, StringComparer.OrdinalIgnoreCase))
            .Where(window.Contains)
            // The oldest match is the first attempt's task; later ones would be someone else's.
            .OrderBy(t => t.Id)
            .FirstOrDefault();

    public static DateTime? CreatedAt(TaskInstance task, TimeZoneInfo ocpZone) => OcpTime.ToUtc(task.CreateTime, ocpZone);

    private static bool IsRunning(TaskInstance t) => string.Equals(t.Status, OcpTaskStatus.Running, StringComparison.OrdinalIgnoreCase);
}
