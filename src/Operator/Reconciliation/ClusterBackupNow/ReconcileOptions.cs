using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;

namespace BackupOperator.Operator.Reconciliation.ClusterBackupNow;

/// <summary>Section "Backup": how the reconciler paces itself.</summary>
public sealed class ReconcileOptions
{
    public const string Section = "Backup";

    /// <summary>How often a running backup's tasks are read from OCP.</summary>
    [TimeSpanRange("00:00:00.100", "01:00:00")]
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>How often a backup waiting for a busy cluster checks again.</summary>
    [TimeSpanRange("00:00:00.100", "01:00:00")]
    public TimeSpan BusyRecheckInterval { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>Wait after an unconfirmed POST before looking for the task it may have created.</summary>
    [TimeSpanRange("00:00:00", "00:10:00")]
    public TimeSpan SubmissionSettleDelay { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// After a restart or a leader change, how long to keep looking for the task of an intent before
    /// sending it again: a POST of the previous owner may still be on its way into OCP. At least
    /// Ocp:RequestTimeout plus the time OCP may take to create the task.
    /// </summary>
    [TimeSpanRange("00:00:00", "01:00:00")]
    public TimeSpan RecoveryQuietPeriod { get; set; } = TimeSpan.FromSeconds(40);

    /// <summary>POSTs whose outcome stayed unknown before the backup is given up as Failed.</summary>
    [Range(1, 100)]
    public int MaxSubmitAttempts { get; set; } = 5;

    /// <summary>How far OCP's clock may be behind ours when matching a task to a lost POST.</summary>
    [TimeSpanRange("00:00:00", "01:00:00")]
    public TimeSpan AdoptionClockSkew { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>
    /// Most pages of OCP's task list read in one lookup (100 tasks a page newest first; 500 when OCP
    /// ignores the sort and the whole list is read). A lookup
    /// that needs more sends nothing and reports OCP's task list as unreadable.
    /// </summary>
    [Range(1, 1000)]
    public int MaxTaskListPages { get; set; } = 50;

    /// <summary>
    /// How far OCP's task ids may go backwards (an auto-increment over several servers hands out
    /// ids a little out of order): a task this far below the high-water mark, created after the
    /// intent, may still be this backup's. 0 = ids only ever grow.
    /// </summary>
    [Range(0, 1000)]
    public int TaskIdReorderWindow { get; set; } = 100;

    /// <summary>
    /// A task created by backupNow has a name matching this (case-insensitive regular expression).
    /// The default takes a name about a backup unless it stops, cancels, deletes, restores or cleans
    /// one: OCP's other tasks about backups ("Stop backup cluster 8") are never a lost POST's task.
    /// </summary>
    [Required]
    public string BackupTaskNamePattern { get; set; } = DefaultBackupTaskNamePattern;

    public const string DefaultBackupTaskNamePattern = @"^(?!.*\b(?:stop|cancel|delete|remove|restore|clean|purge))(?=.*backup)";

    /// <summary>
    /// How long a grant withdrawn after the intent must stay withdrawn before the backup is failed
    /// NotAllowed: an API server that has just started answers 403 to everything until its RBAC caches
    /// are filled, and a Role being replaced is briefly absent. Nothing is sent meanwhile; the grant is
    /// looked at every RetryInterval, and one look that finds it held ends the denial. Only a Secret's 403
    /// is confirmed so: a connection re-created, or a grant that excludes the namespace, fails at once.
    /// </summary>
    [TimeSpanRange("00:00:00", "00:30:00")] // well within SubmissionJournal.Retention, or the first sighting is swept and the wait starts over
    public TimeSpan DenialConfirmation { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Longest wait between attempts while OCP or a Secret is unavailable.</summary>
    [TimeSpanRange("00:00:01", "01:00:00")]
    public TimeSpan MaxRetryInterval { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>First wait after OCP or a Secret was unavailable; doubles up to MaxRetryInterval.</summary>
    [TimeSpanRange("00:00:00.100", "01:00:00")]
    public TimeSpan RetryInterval { get; set; } = TimeSpan.FromSeconds(5);
}

/// <summary>Checks <see cref="ReconcileOptions"/>'s attributes at start, generated at compile time (no reflection).</summary>
[OptionsValidator]
public sealed partial class ReconcileOptionsValidator : IValidateOptions<ReconcileOptions>;
