using System.Text.Json.Serialization;
using k8s.Models;

namespace BackupOperator.Entities;

/// <summary>What the schedule did last and will do next, and which of its backups are running.</summary>
public sealed class ClusterBackupScheduleStatus
{
    [JsonPropertyName("observedGeneration")]
    public long? ObservedGeneration { get; set; }

    /// <summary>Ready, InvalidSchedule, Suspended (see <see cref="ClusterBackupScheduleStatusTransitions"/>).</summary>
    [JsonPropertyName("conditions")]
    public IList<V1Condition>? Conditions { get; set; }

    /// <summary>The newest slot handled: a child created for it, or it was skipped or missed.</summary>
    [JsonPropertyName("lastScheduleTime")]
    public DateTime? LastScheduleTime { get; set; }

    /// <summary>When the newest child that succeeded completed.</summary>
    [JsonPropertyName("lastSuccessfulTime")]
    public DateTime? LastSuccessfulTime { get; set; }

    /// <summary>The next slot, FULL or INCREMENTAL.</summary>
    [JsonPropertyName("nextScheduleTime")]
    public DateTime? NextScheduleTime { get; set; }

    [JsonPropertyName("nextFullScheduleTime")]
    public DateTime? NextFullScheduleTime { get; set; }

    [JsonPropertyName("nextIncrementalScheduleTime")]
    public DateTime? NextIncrementalScheduleTime { get; set; }

    /// <summary>Names of this schedule's children that have not finished.</summary>
    [JsonPropertyName("active")]
    public IList<string>? Active { get; set; }

    [JsonPropertyName("lastBackup")]
    public ScheduledBackupSummary? LastBackup { get; set; }

    /// <summary>Slots that were never run (downtime, a passed starting deadline), counted over the schedule's life.</summary>
    [JsonPropertyName("missedSlots")]
    public long? MissedSlots { get; set; }

    /// <summary>
    /// Slots not run, counted over the schedule's life: this schedule's previous backup was still active
    /// (concurrencyPolicy Forbid), Schedule:MaxActiveChildren unfinished backups existed (Allow), or an object
    /// this schedule does not control already had the slot's name (condition BackupNotCreated, reason NameTaken).
    /// </summary>
    [JsonPropertyName("skippedSlots")]
    public long? SkippedSlots { get; set; }

    /// <summary>
    /// The timing the operator last planned with. When spec.schedule, incrementalSchedule, timeZone or
    /// suspend differ from it, the edit takes effect from now on: slots that passed before it are not run.
    /// </summary>
    [JsonPropertyName("observedSchedule")]
    public ObservedSchedule? ObservedSchedule { get; set; }

    /// <summary>The last value of the run-now annotation that was served (its backup created).</summary>
    [JsonPropertyName("lastRunNowToken")]
    public string? LastRunNowToken { get; set; }

    /// <summary>
    /// The last <see cref="ClusterBackupScheduleStatusTransitions.RememberedRunNowTokens"/> run-now tokens served, oldest
    /// first, so a token committed again (a Git revert) does not run again. A token longer than 63 characters is kept
    /// as <c>sha256:</c> and its hex digest.
    /// </summary>
    [JsonPropertyName("runNowTokens")]
    public IList<string>? RunNowTokens { get; set; }
}

/// <summary>The fields of a schedule that decide when it fires, as last planned with.</summary>
public sealed record ObservedSchedule
{
    [JsonPropertyName("schedule")]
    public string? Schedule { get; set; }

    [JsonPropertyName("incrementalSchedule")]
    public string? IncrementalSchedule { get; set; }

    [JsonPropertyName("timeZone")]
    public string? TimeZone { get; set; }

    [JsonPropertyName("suspend")]
    public bool? Suspend { get; set; }

    public static ObservedSchedule Of(ClusterBackupScheduleSpec spec) => new()
    {
        Schedule = spec.Schedule.Trim(),
        IncrementalSchedule = string.IsNullOrWhiteSpace(spec.IncrementalSchedule) ? null : spec.IncrementalSchedule.Trim(),
        TimeZone = spec.EffectiveTimeZone.Trim(),
        Suspend = spec.Suspend == true,
    };
}

/// <summary>The newest child, at a glance.</summary>
public sealed class ScheduledBackupSummary
{
    [JsonPropertyName("name")]
    public string? Name { get; set; }

    [JsonPropertyName("dataBackupMode")]
    public string? DataBackupMode { get; set; }

    [JsonPropertyName("phase")]
    public string? Phase { get; set; }

    [JsonPropertyName("taskIds")]
    public IList<long>? TaskIds { get; set; }

    [JsonPropertyName("completedAt")]
    public DateTime? CompletedAt { get; set; }
}
