namespace BackupOperator.Entities;

/// <summary>Where a backup stands. Succeeded and Failed are terminal: nothing is ever sent again.</summary>
public static class BackupPhase
{
    /// <summary>Accepted by the operator, not yet sent (waiting for a busy cluster, a Secret, ...).</summary>
    public const string Pending = "Pending";

    /// <summary>The intent is recorded; the backupNow POST is being sent or its answer is being resolved.</summary>
    public const string Submitting = "Submitting";

    /// <summary>OCP accepted the backup; its tasks are being followed.</summary>
    public const string Running = "Running";

    public const string Succeeded = "Succeeded";
    public const string Failed = "Failed";

    /// <summary>OCP cannot be reached; the operator keeps trying and the backup's fate is not known.</summary>
    public const string Unknown = "Unknown";

    public static readonly IReadOnlyList<string> All = [Pending, Submitting, Running, Succeeded, Failed, Unknown];

    public static bool IsTerminal(string? phase) => phase is Succeeded or Failed;
}

/// <summary>Condition types written to status.conditions.</summary>
public static class ConditionTypes
{
    /// <summary>True once OCP accepted the backup (task ids known).</summary>
    public const string Submitted = "Submitted";

    /// <summary>
    /// True only once the backup Succeeded, as on a Kubernetes Job: `kubectl wait --for=condition=Complete`
    /// succeeds on success only. Absent while the backup runs and when it failed.
    /// </summary>
    public const string Complete = "Complete";

    /// <summary>
    /// True only once the backup Failed, with the same reason and message as status.reason and
    /// status.message (OCP's error code and hint when OCP refused). Absent while the backup runs and when it succeeded.
    /// </summary>
    public const string Failed = "Failed";

    /// <summary>False while OCP cannot be reached, True once it answers again; absent while OCP always answered.</summary>
    public const string OcpReachable = "OcpReachable";

    /// <summary>True when the spec changed after submission; the change has no effect.</summary>
    public const string SpecChangeIgnored = "SpecChangeIgnored";
}
