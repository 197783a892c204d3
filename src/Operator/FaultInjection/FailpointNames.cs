namespace BackupOperator.Operator.FaultInjection;

/// <summary>
/// The named points where a test build of the operator can be made to die or stall, in the order a
/// backup passes them. Each marks a moment where a crash must neither lose nor double the backup.
/// </summary>
public static class FailpointNames
{
    /// <summary>The status write carrying a new intent (requestId, phase Submitting) returned; no POST yet.</summary>
    public const string AfterIntentWrite = "after-intent-write";

    /// <summary>OCP received backupNow and answered (headers in); the operator has not read the answer.</summary>
    public const string AfterPostSent = "after-post-sent";

    /// <summary>OCP's answer was read and the task ids decided; the status carrying them is not written yet.</summary>
    public const string AfterAnswerBeforeStatusWrite = "after-answer-before-status-write";

    /// <summary>The status carrying OCP's task ids was written.</summary>
    public const string AfterStatusWriteRunning = "after-status-write-running";

    public static IReadOnlyList<string> All { get; } =
        [AfterIntentWrite, AfterPostSent, AfterAnswerBeforeStatusWrite, AfterStatusWriteRunning];
}
