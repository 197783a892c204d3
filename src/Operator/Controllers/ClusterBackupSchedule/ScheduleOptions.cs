using System.ComponentModel.DataAnnotations;
using BackupOperator.Operator.Reconciliation.ClusterBackupSchedule;
using Microsoft.Extensions.Options;

namespace BackupOperator.Operator.Controllers.ClusterBackupSchedule;

/// <summary>Section "Schedule" (env Schedule__MaxActiveChildren): what any one ClusterBackupSchedule may pile up.</summary>
public sealed class ScheduleOptions
{
    public const string Section = "Schedule";

    /// <summary>
    /// With concurrencyPolicy Allow, a slot is skipped (and counted in skippedSlots) while this many of the
    /// schedule's backups are unfinished, so a frequent cron on a busy cluster cannot pile up pending backups.
    /// </summary>
    [Range(1, 10_000)]
    public int MaxActiveChildren { get; set; } = ScheduleReconciler.DefaultMaxActiveChildren;
}

/// <summary>Checks <see cref="ScheduleOptions"/>'s attributes at start, generated at compile time (no reflection).</summary>
[OptionsValidator]
public sealed partial class ScheduleOptionsValidator : IValidateOptions<ScheduleOptions>;
