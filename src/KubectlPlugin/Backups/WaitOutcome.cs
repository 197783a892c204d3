using System.Globalization;
using System.Text;
using BackupOperator.Entities;
using BackupOperator.KubectlPlugin.Cli;
using BackupOperator.KubectlPlugin.Kubernetes;

namespace BackupOperator.KubectlPlugin.Backups;

/// <summary>
/// What a wait tells the user: one line, and the exit code. The phase decides (Succeeded and Failed
/// are terminal), not the conditions, so the meaning of a condition can change without changing this.
/// </summary>
public sealed record WaitOutcome(int ExitCode, string Line, bool IsError)
{
    public static WaitOutcome From(WaitResult result, string ns, string name, TimeSpan? timeout) => result.End switch
    {
        WaitEnd.Finished when result.Last!.Status?.Phase == BackupPhase.Succeeded => new(ExitCodes.Ok, ResultLine(result.Last), false),
        WaitEnd.Finished => new(ExitCodes.BackupFailed, ResultLine(result.Last!), false),
        WaitEnd.TimedOut => new(ExitCodes.TimedOut, result.Last is null
            ? $"timed out after {GoDuration.Format(timeout ?? TimeSpan.Zero)}: clusterbackupnow \"{name}\" did not appear in namespace \"{ns}\""
            : $"timed out after {GoDuration.Format(timeout ?? TimeSpan.Zero)}: {ResultLine(result.Last)}", true),
        WaitEnd.Deleted => new(ExitCodes.NotFoundOrForbidden, $"clusterbackupnow \"{name}\" was deleted before it finished{(result.Last is null ? "" : $" (last seen {ResultLine(result.Last)})")}", true),
        _ => new(ExitCodes.NotFoundOrForbidden, $"clusterbackupnow \"{name}\" not found in namespace \"{ns}\"", true),
    };

    /// <summary>
    /// <c>nightly-1 Succeeded (cluster 8, PHYSICAL/FULL, task(s) 3000001, traceId ae23): backup of cluster 8 completed</c>;
    /// a failure adds the reason, and OCP's error codes and hints that the message does not already hold.
    /// </summary>
    public static string ResultLine(V1alpha1ClusterBackupNow backup)
    {
        var status = backup.Status;
        var line = new StringBuilder();
        line.Append(backup.Metadata.Name).Append(' ').Append(string.IsNullOrEmpty(status?.Phase) ? "(no status yet)" : status.Phase);
        line.Append(" (cluster ").Append(backup.TargetClusterId.ToString(CultureInfo.InvariantCulture))
            .Append(", ").Append(Output.BackupTable.Modes(backup.EffectiveSpec))
            .Append(", task(s) ").Append(status?.TaskIds is { Count: > 0 } ids ? string.Join(',', ids) : "none");
        if (!string.IsNullOrEmpty(status?.TraceId))
        {
            line.Append(", traceId ").Append(status.TraceId);
        }

        line.Append(')');
        if (status is null)
        {
            return line.ToString();
        }

        var message = status.Message ?? "";
        if (status.Phase != BackupPhase.Succeeded && !string.IsNullOrEmpty(status.Reason))
        {
            line.Append(": ").Append(status.Reason);
        }

        if (message.Length > 0)
        {
            line.Append(": ").Append(message);
        }

        if (status.Phase == BackupPhase.Failed)
        {
            foreach (var r in status.Results ?? [])
            {
                if (!string.IsNullOrEmpty(r.ErrorCode) && !message.Contains(r.ErrorCode, StringComparison.Ordinal))
                {
                    line.Append("; errorCode ").Append(r.ErrorCode);
                }

                if (!string.IsNullOrEmpty(r.Hint) && !message.Contains(r.Hint, StringComparison.Ordinal))
                {
                    line.Append("; hint: ").Append(r.Hint);
                }
            }

            foreach (var t in status.Tasks ?? [])
            {
                if (!string.IsNullOrEmpty(t.FailedSubtask) && !message.Contains(t.FailedSubtask, StringComparison.Ordinal))
                {
                    line.Append("; task ").Append(t.Id.ToString(CultureInfo.InvariantCulture)).Append(" failed at ").Append(t.FailedSubtask);
                }
            }
        }

        return ApiErrors.OneLine(line.ToString());
    }
}
