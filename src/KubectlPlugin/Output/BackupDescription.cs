using System.Globalization;
using System.Text;
using BackupOperator.Entities;
using k8s.Models;

namespace BackupOperator.KubectlPlugin.Output;

/// <summary>
/// `kubectl ocp backup describe`: the backup as `kubectl describe` lays out a resource, with OCP's
/// side (tasks, states, traceId, OCP's times) kept apart from the operator's.
/// </summary>
public static class BackupDescription
{
    /// <param name="events">The backup's events, or null when they could not be read (the reason in <paramref name="eventsUnavailable"/>).</param>
    public static string Render(V1alpha1ClusterBackupNow backup, IReadOnlyList<Corev1Event>? events, string? eventsUnavailable, DateTimeOffset now)
    {
        var md = backup.Metadata;
        var spec = backup.EffectiveSpec;
        var status = backup.Status;
        var text = new StringBuilder();
        Field(text, 0, "Name", md.Name);
        Field(text, 0, "Namespace", md.NamespaceProperty);
        Field(text, 0, "Labels", Pairs(md.Labels));
        Field(text, 0, "Annotations", Pairs(md.Annotations?.Where(a => a.Key != "kubectl.kubernetes.io/last-applied-configuration")));
        Field(text, 0, "Created", md.CreationTimestamp is { } c ? $"{Time(c)} ({Age.Of(c, now)} ago)" : null);
        if (md.OwnerReferences?.FirstOrDefault(o => o.Controller == true) is { } owner)
        {
            Field(text, 0, "Controlled By", $"{owner.Kind}/{owner.Name}");
        }

        text.Append(status?.SubmittedSpec is null ? "Spec:\n" : "Spec (as submitted):\n");
        Field(text, 1, "Cluster", spec.ClusterId.ToString(CultureInfo.InvariantCulture));
        Field(text, 1, "Backup Mode", spec.BackupMode);
        Field(text, 1, "Data Backup Mode", spec.DataBackupMode);
        var storage = spec.ObBackupServiceStorageConfig;
        Field(text, 1, "Storage", storage?.ObBackupStorageBaseInfo is { } info ? $"{info.BackupStorageType} {info.StorageUrl}" : null);
        Field(text, 1, "OCP", spec.OcpConnectionRef?.Name is { } conn ? $"ClusterOcpConnection {conn}" : spec.OcpSecretRef?.Name is { } sec ? $"Secret {sec}" : null);
        if (spec.TtlSecondsAfterFinished is { } ttl)
        {
            Field(text, 1, "TTL After Finished", $"{ttl}s");
        }

        text.Append("Status:\n");
        Field(text, 1, "Phase", status?.Phase ?? "<none>");
        Field(text, 1, "Reason", status?.Reason);
        Field(text, 1, "Message", status?.Message);
        if (status is not null)
        {
            Field(text, 1, "Task Ids", BackupTable.Tasks(status.TaskIds));
            Field(text, 1, "Trace Id", status.TraceId);
            Field(text, 1, "OCP Verdict", status.Successful is { } ok ? (ok ? "successful" : "refused") : null);
            Field(text, 1, "Task Type", status.ObBackupTaskType);
            Field(text, 1, "OCP Server", status.Server);
            Field(text, 1, "OCP Timestamp", status.OcpTimestamp);
            Field(text, 1, "Adopted", status.Adopted == true ? "true (found in OCP after the POST's answer was lost)" : null);
            Field(text, 1, "Request Id", status.RequestId);
            Field(text, 1, "Submitted At", Time(status.SubmittedAt));
            Field(text, 1, "Completed At", Time(status.CompletedAt));
            Field(text, 1, "Unreachable Since", Time(status.UnreachableSince));
        }

        if (status?.Results is { Count: > 0 } results)
        {
            text.Append("OCP Results:\n");
            text.Append(Indent(1, Table.Render(["OBJECTS", "SUCCESSFUL", "TASKS", "ERROR CODE", "HINT"], results.Select(r => (IReadOnlyList<string>)
            [
                string.Join(',', r.ObBackupObjectList?.Select(o => $"{o.BackupDimension ?? "CLUSTER"}:{o.ClusterId}{(o.TenantId is { } t ? $"/{t}" : "")}") ?? []),
                r.BeSuccessful is { } b ? (b ? "true" : "false") : "?",
                BackupTable.Tasks(r.TaskIdList),
                Dash(r.ErrorCode),
                Dash(r.Hint),
            ]))));
        }

        text.Append("OCP Tasks:");
        if (status?.Tasks is { Count: > 0 } tasks)
        {
            text.Append('\n').Append(Indent(1, Table.Render(["ID", "NAME", "STATUS", "CREATED", "STARTED", "FINISHED", "FAILED SUBTASK"], tasks.Select(t => (IReadOnlyList<string>)
            [
                t.Id.ToString(CultureInfo.InvariantCulture), Dash(t.Name), Dash(t.Status), Dash(t.CreateTime), Dash(t.StartTime), Dash(t.FinishTime), Dash(t.FailedSubtask),
            ]))));
        }
        else
        {
            text.Append(" <none>\n");
        }

        text.Append("Conditions:");
        if (status?.Conditions is { Count: > 0 } conditions)
        {
            text.Append('\n').Append(Indent(1, Table.Render(["TYPE", "STATUS", "REASON", "LAST TRANSITION", "MESSAGE"], conditions.Select(c => (IReadOnlyList<string>)
            [
                c.Type, c.Status, Dash(c.Reason), Time(c.LastTransitionTime) ?? "-", Dash(c.Message),
            ]))));
        }
        else
        {
            text.Append(" <none>\n");
        }

        text.Append("Events:");
        if (events is null)
        {
            text.Append(" <unavailable: ").Append(eventsUnavailable).Append(">\n");
        }
        else if (events.Count == 0)
        {
            text.Append(" <none>\n");
        }
        else
        {
            text.Append('\n').Append(Indent(1, Table.Render(["TYPE", "REASON", "AGE", "FROM", "MESSAGE"], events.OrderBy(When).Select(e => (IReadOnlyList<string>)
            [
                Dash(e.Type), Dash(e.Reason), When(e) is { } w ? Age.Of(w, now) : "-", Dash(e.ReportingComponent ?? e.Source?.Component), Dash(e.Message),
            ]))));
        }

        return text.ToString();
    }

    /// <summary>When an event last happened, whichever API wrote it (events.k8s.io sets eventTime and series, core/v1 lastTimestamp).</summary>
    public static DateTime? When(Corev1Event e) =>
        e.Series?.LastObservedTime ?? e.LastTimestamp ?? e.EventTime ?? e.FirstTimestamp ?? e.Metadata?.CreationTimestamp;

    private static void Field(StringBuilder text, int level, string label, string? value)
    {
        if (level > 0 && string.IsNullOrEmpty(value))
        {
            return;
        }

        var prefix = new string(' ', level * 2) + label + ":";
        text.Append(prefix.PadRight(22)).Append(' ').Append(Flat(string.IsNullOrEmpty(value) ? "<none>" : value)).Append('\n');
    }

    private static string Indent(int level, string block) =>
        string.Concat(block.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => new string(' ', level * 2) + l + "\n"));

    private static string? Pairs(IEnumerable<KeyValuePair<string, string>>? pairs) =>
        pairs is null || !pairs.Any() ? null : string.Join(", ", pairs.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => $"{p.Key}={p.Value}"));

    private static string? Time(DateTime? t) =>
        t is not { } v ? null
            : (v.Kind == DateTimeKind.Unspecified ? DateTime.SpecifyKind(v, DateTimeKind.Utc) : v.ToUniversalTime())
                .ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    private static string Dash(string? s) => string.IsNullOrEmpty(s) ? "-" : Flat(s);

    private static string Flat(string s) => Kubernetes.ApiErrors.OneLine(s);
}
