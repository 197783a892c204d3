using k8s.Models;

namespace BackupOperator.Entities;

/// <summary>The conditions of a ClusterBackupSchedule, as methods, so every writer records them the same way.</summary>
public static class ClusterBackupScheduleStatusTransitions
{
    /// <summary>True when both crons and the time zone parse and the schedule is not suspended.</summary>
    public const string Ready = "Ready";

    /// <summary>True when the cron or the time zone cannot be parsed; its reason names the field.</summary>
    public const string InvalidSchedule = "InvalidSchedule";

    /// <summary>True while spec.suspend is true.</summary>
    public const string Suspended = "Suspended";

    /// <summary>The reason of a schedule that fires.</summary>
    public const string Scheduling = "Scheduling";

    /// <summary>The reason of conditions about a schedule that parses.</summary>
    public const string Valid = "Valid";

    /// <summary>The reason of a schedule that is not suspended.</summary>
    public const string NotSuspended = "NotSuspended";

    /// <summary>The reason of Ready=False and Suspended=True when spec.suspend is set.</summary>
    public const string SuspendedReason = "Suspended";

    /// <summary>Records a schedule that parses: Ready (or not, when suspended), InvalidSchedule=False, Suspended.</summary>
    public static ClusterBackupScheduleStatus SetValid(this ClusterBackupScheduleStatus s, bool suspended, string message, DateTime now, long? generation)
    {
        s.ObservedGeneration = generation;
        var conditions = s.Conditions ??= [];
        Conditions.Set(conditions, InvalidSchedule, false, Valid, "the schedule and the time zone parse", now, generation);
        Conditions.Set(conditions, Suspended, suspended, suspended ? SuspendedReason : NotSuspended,
            suspended ? "spec.suspend is true: no new backups" : "backups run on the schedule", now, generation);
        Conditions.Set(conditions, Ready, !suspended, suspended ? SuspendedReason : Scheduling, message, now, generation);
        return s;
    }

    /// <summary>Records a schedule that cannot be parsed: InvalidSchedule=True and Ready=False, both with the reason and the field.</summary>
    public static ClusterBackupScheduleStatus SetInvalid(this ClusterBackupScheduleStatus s, string reason, string message, DateTime now, long? generation)
    {
        s.ObservedGeneration = generation;
        var conditions = s.Conditions ??= [];
        Conditions.Set(conditions, InvalidSchedule, true, reason, message, now, generation);
        Conditions.Set(conditions, Ready, false, reason, message, now, generation);
        return s;
    }

    public static V1Condition? Condition(this ClusterBackupScheduleStatus? s, string type) =>
        s?.Conditions?.FirstOrDefault(c => c.Type == type);

    public static bool IsReady(this ClusterBackupScheduleStatus? s) => s.Condition(Ready)?.Status == "True";

    public static bool IsInvalid(this ClusterBackupScheduleStatus? s) => s.Condition(InvalidSchedule)?.Status == "True";
}
