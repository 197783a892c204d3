using System.Security.Cryptography;
using System.Text;
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

    /// <summary>True when the newest child this schedule wanted could not be created; its reason says why.</summary>
    public const string BackupNotCreated = "BackupNotCreated";

    /// <summary>The reason of BackupNotCreated=True when an object this schedule does not control already has the child's name.</summary>
    public const string NameTaken = "NameTaken";

    /// <summary>The reason of BackupNotCreated=True and Ready=False when the API server refused the child (invalid, forbidden, quota).</summary>
    public const string CreateRefused = "CreateRefused";

    /// <summary>The reason of BackupNotCreated=False once a child was created again.</summary>
    public const string Created = "Created";

    /// <summary>How many served run-now tokens the status remembers.</summary>
    public const int RememberedRunNowTokens = 10;

    private const int LongestTokenKeptAsIs = 63;

    /// <summary>Records that a child was created: BackupNotCreated, if it was ever set, turns False.</summary>
    public static ClusterBackupScheduleStatus SetCreated(this ClusterBackupScheduleStatus s, string name, DateTime now, long? generation)
    {
        if (s.Condition(BackupNotCreated) is not null)
        {
            Conditions.Set(s.Conditions!, BackupNotCreated, false, Created, $"created ClusterBackupNow {name}", now, generation);
        }

        return s;
    }

    /// <summary>Records a slot (or token) whose name is another's: BackupNotCreated=True, reason NameTaken. The schedule stays Ready.</summary>
    public static ClusterBackupScheduleStatus SetNameTaken(this ClusterBackupScheduleStatus s, string message, DateTime now, long? generation)
    {
        Conditions.Set(s.Conditions ??= [], BackupNotCreated, true, NameTaken, message, now, generation);
        return s;
    }

    /// <summary>Records a child the API server refused: BackupNotCreated=True and Ready=False, reason CreateRefused, with its message.</summary>
    public static ClusterBackupScheduleStatus SetCreateRefused(this ClusterBackupScheduleStatus s, string message, DateTime now, long? generation)
    {
        var conditions = s.Conditions ??= [];
        Conditions.Set(conditions, BackupNotCreated, true, CreateRefused, message, now, generation);
        Conditions.Set(conditions, Ready, false, CreateRefused, $"no backup can be created: {message}", now, generation);
        return s;
    }

    /// <summary>True when <paramref name="token"/> was served: it is lastRunNowToken or one of the remembered runNowTokens.</summary>
    public static bool HasServed(this ClusterBackupScheduleStatus? s, string token) =>
        s is not null && (s.LastRunNowToken == token || (s.RunNowTokens?.Contains(TokenKey(token)) ?? false));

    /// <summary>Records <paramref name="token"/> as served: lastRunNowToken, and the newest of the remembered tokens.</summary>
    public static ClusterBackupScheduleStatus RememberRunNowToken(this ClusterBackupScheduleStatus s, string token)
    {
        var remembered = s.RunNowTokens?.ToList() ?? [];
        if (remembered.Count == 0 && s.LastRunNowToken is { } older)
        {
            remembered.Add(TokenKey(older)); // written by an operator that kept only the last one
        }

        var key = TokenKey(token);
        remembered.Remove(key);
        remembered.Add(key);
        s.RunNowTokens = remembered.Skip(Math.Max(0, remembered.Count - RememberedRunNowTokens)).ToList();
        s.LastRunNowToken = token;
        return s;
    }

    /// <summary>How a token is kept in runNowTokens: as is, or a digest when long, so ten tokens never make a large status.</summary>
    public static string TokenKey(string token) =>
        token.Length <= LongestTokenKeptAsIs ? token : "sha256:" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(token)));

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
