using BackupOperator.Entities;

namespace BackupOperator.Operator.Reconciliation.ClusterBackupSchedule;

/// <summary>What a schedule needs to know of one of its children (a ClusterBackupNow it controls).</summary>
public sealed record ScheduleChild(
    string Name,
    DateTime? CreatedAt,
    DateTimeOffset? ScheduledAt,
    string? RunNowToken,
    string? DataBackupMode,
    string? Phase,
    IList<long>? TaskIds,
    DateTime? CompletedAt)
{
    public bool IsDone => BackupPhase.IsTerminal(Phase);

    public bool Succeeded => Phase == BackupPhase.Succeeded;

    /// <summary>A cron slot's child (or the immediate one), not a run-now child.</summary>
    public bool IsSlot => RunNowToken is null && ScheduledAt is not null;

    public static ScheduleChild From(V1alpha1ClusterBackupNow child)
    {
        var annotations = child.Metadata.Annotations;
        DateTimeOffset? scheduledAt = annotations is not null
            && annotations.TryGetValue(V1alpha1ClusterBackupSchedule.ScheduledAtAnnotation, out var at)
            && DateTimeOffset.TryParse(at, System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.AssumeUniversal, out var parsed)
            ? parsed.ToUniversalTime()
            : null;
        string? token = annotations is not null && annotations.TryGetValue(V1alpha1ClusterBackupSchedule.RunNowAnnotation, out var t) ? t : null;
        return new ScheduleChild(
            child.Metadata.Name,
            child.Metadata.CreationTimestamp,
            scheduledAt,
            token,
            child.Spec.DataBackupMode,
            child.Status?.Phase,
            child.Status?.TaskIds,
            child.Status?.CompletedAt);
    }

    /// <summary>Newest first: by slot or creation time, then by name.</summary>
    public static IEnumerable<ScheduleChild> NewestFirst(IEnumerable<ScheduleChild> children) =>
        children.OrderByDescending(c => c.ScheduledAt?.UtcDateTime ?? c.CreatedAt ?? DateTime.MinValue).ThenByDescending(c => c.Name, StringComparer.Ordinal);
}
