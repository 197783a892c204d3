using System.Text.Json;
using System.Text.Json.Serialization;

namespace BackupOperator.Entities;

/// <summary>When to back up (two crons in one time zone) and what (a ClusterBackupNow spec without dataBackupMode).</summary>
public sealed class ClusterBackupScheduleSpec
{
    public const string DefaultTimeZone = "UTC";
    public const int DefaultHistoryLimit = 3;

    /// <summary>
    /// When FULL backups run: a standard 5-field cron (minute hour day-of-month month day-of-week),
    /// 6 fields with seconds first, or @hourly, @daily, @weekly, @monthly, @yearly.
    /// </summary>
    [JsonPropertyName("schedule")]
    public string Schedule { get; set; } = "";

    /// <summary>When INCREMENTAL backups run, in the same forms. A slot both fire is one FULL backup.</summary>
    [JsonPropertyName("incrementalSchedule")]
    public string? IncrementalSchedule { get; set; }

    /// <summary>The IANA time zone both crons are read in (Asia/Shanghai, Europe/Berlin); UTC when absent.</summary>
    [JsonPropertyName("timeZone")]
    public string? TimeZone { get; set; }

    /// <summary>No new backups while true; running ones finish.</summary>
    [JsonPropertyName("suspend")]
    public bool? Suspend { get; set; }

    /// <summary>One FULL backup as soon as the schedule is created.</summary>
    [JsonPropertyName("immediate")]
    public bool? Immediate { get; set; }

    /// <summary>
    /// After downtime, only the most recent missed slot may still run, and only if it is at most
    /// this many seconds old; earlier missed slots never run. Absent: the most recent one always runs.
    /// </summary>
    [JsonPropertyName("startingDeadlineSeconds")]
    public long? StartingDeadlineSeconds { get; set; }

    /// <summary><see cref="ConcurrencyPolicies.Forbid"/> (default) or <see cref="ConcurrencyPolicies.Allow"/>.</summary>
    [JsonPropertyName("concurrencyPolicy")]
    public string? ConcurrencyPolicy { get; set; }

    [JsonPropertyName("successfulBackupsHistoryLimit")]
    public int? SuccessfulBackupsHistoryLimit { get; set; }

    [JsonPropertyName("failedBackupsHistoryLimit")]
    public int? FailedBackupsHistoryLimit { get; set; }

    [JsonPropertyName("backupTemplate")]
    public BackupTemplate BackupTemplate { get; set; } = new();

    [JsonIgnore]
    public string EffectiveTimeZone => string.IsNullOrWhiteSpace(TimeZone) ? DefaultTimeZone : TimeZone;

    [JsonIgnore]
    public string EffectiveConcurrencyPolicy => string.IsNullOrEmpty(ConcurrencyPolicy) ? ConcurrencyPolicies.Forbid : ConcurrencyPolicy;

    [JsonIgnore]
    public int EffectiveSuccessfulBackupsHistoryLimit => SuccessfulBackupsHistoryLimit ?? DefaultHistoryLimit;

    [JsonIgnore]
    public int EffectiveFailedBackupsHistoryLimit => FailedBackupsHistoryLimit ?? DefaultHistoryLimit;
}

/// <summary>What a slot does while this schedule's previous backup is still active.</summary>
public static class ConcurrencyPolicies
{
    /// <summary>The slot is skipped, with an event.</summary>
    public const string Forbid = "Forbid";

    /// <summary>The child is created; the per-cluster serialization makes it wait.</summary>
    public const string Allow = "Allow";

    public static readonly IReadOnlyList<string> All = [Forbid, Allow];
}

/// <summary>The child each slot creates: its labels and annotations, and its spec.</summary>
public sealed class BackupTemplate
{
    [JsonPropertyName("metadata")]
    public BackupTemplateMetadata? Metadata { get; set; }

    [JsonPropertyName("spec")]
    public BackupTemplateSpec Spec { get; set; } = new();
}

public sealed class BackupTemplateMetadata
{
    [JsonPropertyName("labels")]
    public IDictionary<string, string>? Labels { get; set; }

    [JsonPropertyName("annotations")]
    public IDictionary<string, string>? Annotations { get; set; }
}

/// <summary>A <see cref="ClusterBackupNowSpec"/> without dataBackupMode, which the firing slot sets.</summary>
public sealed class BackupTemplateSpec
{
    [JsonPropertyName("clusterId")]
    public long ClusterId { get; set; }

    [JsonPropertyName("backupMode")]
    public string? BackupMode { get; set; }

    [JsonPropertyName("obBackupObject")]
    public ObBackupObject? ObBackupObject { get; set; }

    [JsonPropertyName("obBackupServiceStorageConfig")]
    public ObBackupServiceStorageConfig? ObBackupServiceStorageConfig { get; set; }

    /// <summary>Exactly one of this and <see cref="OcpConnectionRef"/>, as on ClusterBackupNow.</summary>
    [JsonPropertyName("ocpSecretRef")]
    public LocalSecretReference? OcpSecretRef { get; set; }

    /// <summary>Exactly one of this and <see cref="OcpSecretRef"/>, as on ClusterBackupNow.</summary>
    [JsonPropertyName("ocpConnectionRef")]
    public OcpConnectionReference? OcpConnectionRef { get; set; }

    [JsonPropertyName("ttlSecondsAfterFinished")]
    public int? TtlSecondsAfterFinished { get; set; }

    /// <summary>The child's spec for one slot: a deep copy of this template with the slot's data backup mode.</summary>
    public ClusterBackupNowSpec ToBackupNowSpec(string dataBackupMode)
    {
        var copy = JsonSerializer.Deserialize(JsonSerializer.SerializeToUtf8Bytes(this, EntityJsonContext.Default.BackupTemplateSpec), EntityJsonContext.Default.ClusterBackupNowSpec)!;
        copy.DataBackupMode = dataBackupMode;
        return copy;
    }
}
