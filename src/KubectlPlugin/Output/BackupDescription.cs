using System.Globalization;
using System.Text;
using BackupOperator.Entities;
using k8s.Models;
using static BackupOperator.KubectlPlugin.Output.DescribeText;

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
        DescribeText.Header(text, md, now);
        if (md.OwnerReferences?.FirstOrDefault(o => o.Controller == true) is { } owner)
        {
            Field(text, 0, "Controlled By", $"{owner.Kind}/{owner.Name}");
        }

        text.Append(status?.SubmittedSpec is null ? "Spec:\n" : "Spec (as submitted):\n");
        SpecFields(text, 1, spec, withDataBackupMode: true);

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

        Section(text, "OCP Tasks", ["ID", "NAME", "STATUS", "CREATED", "STARTED", "FINISHED", "FAILED SUBTASK"], (status?.Tasks ?? []).Select(t => (IReadOnlyList<string>)
        [
            t.Id.ToString(CultureInfo.InvariantCulture), Dash(t.Name), Dash(t.Status), Dash(t.CreateTime), Dash(t.StartTime), Dash(t.FinishTime), Dash(t.FailedSubtask),
        ]).ToList());
        DescribeText.Conditions(text, status?.Conditions);
        DescribeText.Events(text, events, eventsUnavailable, now);
        return text.ToString();
    }

    /// <summary>What a backup (or a schedule's backup template) asks of OCP; <paramref name="withDataBackupMode"/> false for a template, whose mode each slot picks.</summary>
    public static void SpecFields(StringBuilder text, int level, ClusterBackupNowSpec spec, bool withDataBackupMode)
    {
        Field(text, level, "Cluster", spec.ClusterId.ToString(CultureInfo.InvariantCulture));
        Field(text, level, "Backup Mode", spec.BackupMode);
        if (withDataBackupMode)
        {
            Field(text, level, "Data Backup Mode", spec.DataBackupMode);
        }

        var storage = spec.ObBackupServiceStorageConfig;
        Field(text, level, "Storage", storage?.ObBackupStorageBaseInfo is { } info ? $"{info.BackupStorageType} {info.StorageUrl}" : null);
        Field(text, level, "OCP", spec.OcpConnectionRef?.Name is { } conn ? $"ClusterOcpConnection {conn}" : spec.OcpSecretRef?.Name is { } sec ? $"Secret {sec}" : null);
        if (spec.TtlSecondsAfterFinished is { } ttl)
        {
            Field(text, level, "TTL After Finished", $"{ttl}s");
        }
    }
}
