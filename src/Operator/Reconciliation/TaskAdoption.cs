using System.Globalization;
using System.Text.RegularExpressions;
using BackupOperator.Operator.Ocp;

namespace BackupOperator.Operator.Reconciliation;

/// <summary>
/// Finds, among OCP's tasks for a cluster, the one a POST with a lost answer may have created:
/// a backup task, started by a person or API (not by OCP's own schedule), created no earlier than
/// the attempt (less a clock-skew allowance), and not already claimed by another resource.
/// </summary>
public static class TaskAdoption
{
    private static readonly string[] ScheduledTypes = ["SCHEDULED", "SYS_SCHEDULED"];

    public static TaskInstance? FindCandidate(
        IEnumerable<TaskInstance> tasks,
        long clusterId,
        DateTime attemptStartedAtUtc,
        TimeSpan clockSkew,
        Regex backupName,
        IReadOnlySet<long> claimedTaskIds)
    {
        var notBefore = attemptStartedAtUtc - clockSkew;
        return tasks
            .Where(t => t.Cluster?.Id is null || t.Cluster.Id == clusterId)
            .Where(t => !claimedTaskIds.Contains(t.Id))
            .Where(t => t.Name is not null && backupName.IsMatch(t.Name))
            .Where(t => t.Type is null || !ScheduledTypes.Contains(t.Type, StringComparer.OrdinalIgnoreCase))
            .Where(t => CreatedAt(t) is { } created ? created >= notBefore : IsRunning(t))
            // The oldest match is the first attempt's task; later ones would be someone else's.
            .OrderBy(t => t.Id)
            .FirstOrDefault();
    }

    public static DateTime? CreatedAt(TaskInstance task) =>
        DateTimeOffset.TryParse(task.CreateTime, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var t)
            ? t.UtcDateTime
            : null;

    private static bool IsRunning(TaskInstance t) => string.Equals(t.Status, TaskStatus.Running, StringComparison.OrdinalIgnoreCase);
}

/// <summary>OCP's task status words.</summary>
public static class TaskStatus
{
    public const string Running = "RUNNING";
    public const string Failed = "FAILED";
    public const string Successful = "SUCCESSFUL";
}
