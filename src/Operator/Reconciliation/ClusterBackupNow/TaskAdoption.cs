using System.Text.RegularExpressions;
using BackupOperator.Operator.Ocp;

namespace BackupOperator.Operator.Reconciliation.ClusterBackupNow;

/// <summary>
/// Finds, among OCP's tasks for a cluster, the one a POST with a lost answer may have created:
/// a backup task, started by a person or API (not by OCP's own schedule), by the operator's own
/// OCP user when both it and the task's creator are known, created after the intent was recorded,
/// and not recorded by any other resource. "After the intent" is exact when the intent carries
/// OCP's newest task id at that moment (the high-water mark): a task above it qualifies, and so
/// does one in the reorder window below it (OCP's ids may go backwards a little) that the intent
/// did not see and that OCP created since the attempt. An intent without a mark (written by an
/// older operator) falls back to OCP's create time, no earlier than the attempt less a clock-skew
/// allowance.
/// </summary>
public static class TaskAdoption
{
    private static readonly string[] ScheduledTypes = ["SCHEDULED", "SYS_SCHEDULED"];

    /// <summary>Which tasks can be this intent's: above the high-water mark, unseen in the window below it, or (without one) created since the attempt.</summary>
    /// <param name="Recent">The ids the intent saw within <paramref name="ReorderWindow"/> below the mark; null for an intent that did not record them.</param>
    /// <param name="AttemptUtc">When the attempt started (our clock, no skew allowance); null when unknown.</param>
    public sealed record Window(long? HighWaterMark, DateTime NotBeforeUtc, TimeZoneInfo OcpZone, IReadOnlyCollection<long>? Recent = null, int ReorderWindow = 0,
        DateTime? AttemptUtc = null)
    {
        /// <summary>True for a task older than any this intent's POST can have created.</summary>
        public bool IsBefore(TaskInstance task) => HighWaterMark is { } mark
            ? task.Id <= mark - (Recent is null ? 0 : ReorderWindow)
            : CreatedAt(task, OcpZone) is { } created && created < NotBeforeUtc;

        public bool Contains(TaskInstance task) => HighWaterMark is { } mark
            ? (task.Id > mark && !IsEarlyAboveMark(task)) || (IsUnseenBelowMark(task) && CreatedAt(task, OcpZone) is { } late && late >= NotBeforeUtc)
            : CreatedAt(task, OcpZone) is { } created ? created >= NotBeforeUtc : IsRunning(task);

        /// <summary>In the reorder window below the mark, and not among the tasks the intent saw there.</summary>
        public bool IsUnseenBelowMark(TaskInstance task) =>
            HighWaterMark is { } mark && Recent is not null && task.Id <= mark && task.Id > mark - ReorderWindow && !Recent.Contains(task.Id);

        /// <summary>Above the mark, yet OCP says it was created before the attempt (less the skew allowance): the intent's read missed it, or the clocks are far apart.</summary>
        public bool IsEarlyAboveMark(TaskInstance task) =>
            HighWaterMark is { } mark && task.Id > mark && CreatedAt(task, OcpZone) is { } created && created < NotBeforeUtc;

        /// <summary>
        /// At or below the mark, outside what the intent saw (below the reorder window, or an intent that recorded
        /// no recent ids), yet OCP says it was created after the attempt: ids went further back than the window allows.
        /// </summary>
        public bool IsLateBelowMark(TaskInstance task) =>
            HighWaterMark is { } mark && AttemptUtc is { } attempt && task.Id <= mark && !IsUnseenBelowMark(task)
            && !(Recent?.Contains(task.Id) ?? false) && CreatedAt(task, OcpZone) is { } created && created >= attempt;
    }

    /// <summary>What the task list says about a lost POST: its task, or a task that may be its but cannot be told (then nothing is sent again).</summary>
    public sealed record Finding(TaskInstance? Task, TaskInstance? Doubtful);

    public static Finding Find(
        IEnumerable<TaskInstance> tasks,
        long clusterId,
        Window window,
        Regex backupName,
        IReadOnlySet<long> claimedTaskIds,
        string? ownUser)
    {
        var possible = tasks
            .Where(t => t.Cluster?.Id is null || t.Cluster.Id == clusterId)
            .Where(t => !claimedTaskIds.Contains(t.Id))
            .Where(t => t.Name is not null && backupName.IsMatch(t.Name))
            .Where(t => t.Type is null || !ScheduledTypes.Contains(t.Type, StringComparer.OrdinalIgnoreCase))
            // Another OCP user's backup (a console backup in the window) is never this POST's.
            .Where(t => ownUser is null || t.Creator?.Name is not { } creator || string.Equals(creator, ownUser, StringComparison.OrdinalIgnoreCase))
            .ToList();
        // The oldest match is the first attempt's task; later ones would be someone else's.
        var task = possible.Where(window.Contains).MinBy(t => t.Id);
        // Unseen below the mark, so created after the intent was read, yet OCP's create time does not say
        // "after the attempt" (none, or older: a clock far off): this POST's task or another; never guessed.
        var doubtful = task is null ? possible.Where(window.IsUnseenBelowMark).MinBy(t => t.Id) : null;
        // Its id and its create time disagree about "after the intent": numbered where the mark says no new task
        // can be yet created after the attempt (ids went back further than the reorder window, or an older
        // operator's intent recorded no window), or above the mark yet created long before. Never guessed.
        var late = task is null && doubtful is null ? possible.Where(t => window.IsLateBelowMark(t) || window.IsEarlyAboveMark(t)).MinBy(t => t.Id) : null;
        return new Finding(task, doubtful ?? late);
    }

    public static DateTime? CreatedAt(TaskInstance task, TimeZoneInfo ocpZone) => OcpTime.ToUtc(task.CreateTime, ocpZone);

    private static bool IsRunning(TaskInstance t) => OcpTaskStatus.Is(t.Status, OcpTaskStatus.Running);
}
