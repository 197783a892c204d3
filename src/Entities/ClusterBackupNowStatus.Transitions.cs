using k8s.Models;

namespace BackupOperator.Entities;

// Phase changes as methods, so every writer records the same fields for the same transition.
public static class ClusterBackupNowStatusTransitions
{
    public static ClusterBackupNowStatus SetPending(this ClusterBackupNowStatus s, string reason, string message)
    {
        s.Phase = BackupPhase.Pending;
        s.Reason = reason;
        s.Message = message;
        return s;
    }

    /// <summary>The intent, written before any POST: from here on a backup may exist in OCP.</summary>
    public static ClusterBackupNowStatus SetSubmitting(this ClusterBackupNowStatus s, string requestId, long? generation, DateTime now,
        ClusterBackupNowSpec? spec = null, long? taskHighWaterMark = null, string? ocpEndpoint = null, string? ocpConnectionUid = null,
        List<long>? recentTaskIds = null)
    {
        s.Phase = BackupPhase.Submitting;
        s.Reason = "Submitting";
        s.Message = "sending backupNow to OCP";
        s.RequestId = requestId;
        s.AttemptStartedAt = now;
        s.SubmitAttempts = 0;
        s.SubmittedGeneration = generation;
        s.SubmittedSpec = spec;
        s.TaskHighWaterMark = taskHighWaterMark;
        s.RecentTaskIds = recentTaskIds;
        s.OcpEndpoint = ocpEndpoint;
        s.OcpConnectionUid = ocpConnectionUid;
        return s;
    }

    /// <summary>
    /// Back to Pending after OCP said for sure that nothing was started (busy cluster). The submitted
    /// spec and its generation stay: the next intent is for the same spec, so an edit reported as
    /// ignored stays ignored.
    /// </summary>
    public static ClusterBackupNowStatus ClearIntent(this ClusterBackupNowStatus s)
    {
        s.RequestId = null;
        s.AttemptStartedAt = null;
        s.SubmitAttempts = null;
        s.TaskHighWaterMark = null;
        s.RecentTaskIds = null;
        s.OcpEndpoint = null;
        s.OcpConnectionUid = null;
        return s;
    }

    /// <summary>
    /// The phase stays and the reason says why it does not move on yet (e.g. a Secret is missing
    /// while an intent is kept, or a restarted operator waits for an earlier POST to surface).
    /// </summary>
    public static ClusterBackupNowStatus SetWaiting(this ClusterBackupNowStatus s, string reason, string message)
    {
        s.Reason = reason;
        s.Message = message;
        return s;
    }

    /// <summary>
    /// The intent is kept while the outcome of a POST that may have reached OCP is confirmed (a lost
    /// answer, or "busy" after such a POST): Submitting, looking for its task before any new attempt.
    /// </summary>
    public static ClusterBackupNowStatus SetConfirming(this ClusterBackupNowStatus s, string reason, string message)
    {
        s.Phase = BackupPhase.Submitting;
        s.Reason = reason;
        s.Message = message;
        return s;
    }

    /// <summary>
    /// OCP answered: an outage is over (OcpReachable, if an outage set it, turns True). A backup that was
    /// Unknown returns to the phase its record says: Running when it has tasks, else Submitting.
    /// </summary>
    public static ClusterBackupNowStatus SetOcpAnswered(this ClusterBackupNowStatus s, DateTime now, long? generation)
    {
        s.UnreachableSince = null;
        s.SetAnswered(now, generation);
        if (s.Phase == BackupPhase.Unknown)
        {
            s.Phase = s.TaskIds is { Count: > 0 } ? BackupPhase.Running : BackupPhase.Submitting;
        }

        return s;
    }

    public static ClusterBackupNowStatus SetRunning(this ClusterBackupNowStatus s, IList<long> taskIds, string message, DateTime now, long? generation)
    {
        s.Phase = BackupPhase.Running;
        s.Reason = "TasksRunning";
        s.Message = message;
        s.TaskIds = taskIds;
        s.SubmittedAt ??= now;
        s.UnreachableSince = null;
        s.SetCondition(ConditionTypes.Submitted, true, "Accepted", $"OCP task(s) {string.Join(", ", taskIds)}", now, generation);
        s.SetAnswered(now, generation);
        return s;
    }

    public static ClusterBackupNowStatus SetSucceeded(this ClusterBackupNowStatus s, string message, DateTime now, long? generation)
    {
        s.Phase = BackupPhase.Succeeded;
        s.Reason = "Completed";
        s.Message = message;
        s.CompletedAt = now;
        s.UnreachableSince = null;
        s.SetOutcome(ConditionTypes.Complete, "Succeeded", message, now, generation);
        return s;
    }

    public static ClusterBackupNowStatus SetFailed(this ClusterBackupNowStatus s, string reason, string message, DateTime now, long? generation)
    {
        s.Phase = BackupPhase.Failed;
        s.Reason = reason;
        s.Message = message;
        s.CompletedAt = now;
        s.UnreachableSince = null;
        s.SetOutcome(ConditionTypes.Failed, reason, message, now, generation);
        return s;
    }

    /// <summary>
    /// True when a finished backup's conditions say what its phase says: Complete True and Failed not
    /// True when it Succeeded, the reverse when it Failed. An operator before issue 14 set Complete True
    /// on failure too. Always true for a backup that has not finished.
    /// </summary>
    public static bool HasOutcomeConditions(this ClusterBackupNowStatus s) => s.Phase switch
    {
        BackupPhase.Succeeded => s.IsConditionTrue(ConditionTypes.Complete) && !s.IsConditionTrue(ConditionTypes.Failed),
        BackupPhase.Failed => s.IsConditionTrue(ConditionTypes.Failed) && !s.IsConditionTrue(ConditionTypes.Complete),
        _ => true,
    };

    /// <summary>
    /// Rewrites the Complete or Failed condition of a finished backup from its phase, reason and message,
    /// dated when it completed: what <see cref="SetSucceeded"/> or <see cref="SetFailed"/> would have written.
    /// </summary>
    public static ClusterBackupNowStatus RecordOutcomeConditions(this ClusterBackupNowStatus s, DateTime now, long? generation)
    {
        var at = s.CompletedAt ?? now;
        if (s.Phase == BackupPhase.Succeeded)
        {
            s.SetOutcome(ConditionTypes.Complete, "Succeeded", s.Message ?? "", at, generation);
        }
        else if (s.Phase == BackupPhase.Failed)
        {
            s.SetOutcome(ConditionTypes.Failed, s.Reason ?? BackupPhase.Failed, s.Message ?? "", at, generation);
        }

        return s;
    }

    /// <summary>OCP did not answer: the backup's fate is unknown, the operator keeps asking.</summary>
    public static ClusterBackupNowStatus SetUnknown(this ClusterBackupNowStatus s, string reason, string message, DateTime now, long? generation)
    {
        s.Phase = BackupPhase.Unknown;
        s.Reason = reason;
        s.Message = message;
        s.UnreachableSince ??= now;
        s.SetCondition(ConditionTypes.OcpReachable, false, reason, message, now, generation);
        return s;
    }

    /// <summary>
    /// OcpReachable is there once OCP could not be reached (False), and turns True when it answers again.
    /// A backup OCP always answered has none: "True, OCP answered" on every backup would only make each
    /// status write larger.
    /// </summary>
    private static void SetAnswered(this ClusterBackupNowStatus s, DateTime now, long? generation)
    {
        if (s.Conditions?.Any(c => c.Type == ConditionTypes.OcpReachable) == true)
        {
            s.SetCondition(ConditionTypes.OcpReachable, true, "Answered", "OCP answered", now, generation);
        }
    }

    /// <summary>Sets a condition; lastTransitionTime moves only when its status flips.</summary>
    public static void SetCondition(this ClusterBackupNowStatus s, string type, bool status, string reason, string message, DateTime now, long? generation) =>
        Conditions.Set(s.Conditions ??= [], type, status, reason, message, now, generation);

    // The outcome as a Kubernetes Job tells it: one of Complete and Failed is True, the other absent.
    private static void SetOutcome(this ClusterBackupNowStatus s, string type, string reason, string message, DateTime now, long? generation)
    {
        var other = type == ConditionTypes.Complete ? ConditionTypes.Failed : ConditionTypes.Complete;
        var conditions = s.Conditions ??= [];
        foreach (var stale in conditions.Where(c => c.Type == other).ToList())
        {
            conditions.Remove(stale);
        }

        Conditions.Set(conditions, type, true, reason, message, now, generation);
    }

    public static bool IsConditionTrue(this ClusterBackupNowStatus s, string type) =>
        s.Conditions?.Any(c => c.Type == type && c.Status == "True") == true;
}
