using BackupOperator.Entities;
using BackupOperator.KubectlPlugin.Output;
using k8s.Models;
using static BackupOperator.Tests.KubectlPlugin.Backups.PluginBackups;

namespace BackupOperator.Tests.KubectlPlugin.Output;

public sealed class BackupDescriptionTests
{
    private static readonly DateTimeOffset Now = new(2026, 5, 1, 1, 5, 0, TimeSpan.Zero);

    [Fact]
    public void Shows_ocps_tasks_with_their_states_and_times_the_trace_id_conditions_and_events()
    {
        var b = Backup("nightly-1", BackupPhase.Failed, 3000001);
        b.Spec.OcpConnectionRef = new OcpConnectionReference { Name = "db-team" };
        b.Status!.Reason = "TaskFailed";
        b.Status.Message = "OCP task 3000001 FAILED at Backup data";
        b.Status.Successful = true;
        b.Status.Tasks = [new OcpTaskState { Id = 3000001, Name = "Backup cluster 8", Status = "FAILED", FailedSubtask = "Backup data", CreateTime = "2026-05-01T09:00:01+08:00", StartTime = "2026-05-01T09:00:02+08:00", FinishTime = "2026-05-01T09:03:00+08:00" }];
        b.Status.Conditions = [new V1Condition { Type = "Submitted", Status = "True", Reason = "Accepted", Message = "OCP task(s) 3000001", LastTransitionTime = new DateTime(2026, 5, 1, 1, 0, 2, DateTimeKind.Utc) }];
        Corev1Event[] events =
        [
            new() { Type = "Warning", Reason = "Failed", Message = "backup of cluster 8 failed", ReportingComponent = "ocp.oceanbase.com/backup-operator", EventTime = new DateTime(2026, 5, 1, 1, 3, 0, DateTimeKind.Utc) },
            new() { Type = "Normal", Reason = "Submitted", Message = "OCP accepted the backup", Source = new V1EventSource { Component = "ocp.oceanbase.com/backup-operator" }, LastTimestamp = new DateTime(2026, 5, 1, 1, 0, 2, DateTimeKind.Utc) },
        ];

        var text = BackupDescription.Render(b, events, null, Now);

        Assert.Matches(@"(?m)^Name:\s+nightly-1$", text);
        Assert.Matches(@"(?m)^Created:\s+2026-05-01T01:00:00Z \(5m ago\)$", text);
        Assert.Matches(@"(?m)^  OCP:\s+ClusterOcpConnection db-team$", text);
        Assert.Matches(@"(?m)^  Phase:\s+Failed$", text);
        Assert.Matches(@"(?m)^  Reason:\s+TaskFailed$", text);
        Assert.Matches(@"(?m)^  Trace Id:\s+ae2397e8eddcee52$", text);
        Assert.Matches(@"(?m)^  ID\s+NAME\s+STATUS\s+CREATED\s+STARTED\s+FINISHED\s+FAILED SUBTASK$", text);
        Assert.Matches(@"(?m)^  3000001\s+Backup cluster 8\s+FAILED\s+2026-05-01T09:00:01\+08:00\s+2026-05-01T09:00:02\+08:00\s+2026-05-01T09:03:00\+08:00\s+Backup data$", text);
        Assert.Matches(@"(?m)^  Submitted\s+True\s+Accepted\s+2026-05-01T01:00:02Z\s+OCP task\(s\) 3000001$", text);
        var submitted = text.IndexOf("Normal    Submitted", StringComparison.Ordinal);
        var failed = text.IndexOf("Warning   Failed", StringComparison.Ordinal);
        Assert.True(submitted > 0 && failed > submitted, text); // oldest first
        Assert.Matches(@"(?m)^  Warning\s+Failed\s+2m\s+ocp.oceanbase.com/backup-operator\s+backup of cluster 8 failed$", text);
    }

    [Fact]
    public void A_fresh_backup_and_unreadable_events_say_so()
    {
        var text = BackupDescription.Render(Backup("new", null), null, "events is forbidden", Now);
        Assert.Matches(@"(?m)^  Phase:\s+<none>$", text);
        Assert.Contains("OCP Tasks: <none>\n", text, StringComparison.Ordinal);
        Assert.Contains("Conditions: <none>\n", text, StringComparison.Ordinal);
        Assert.Contains("Events: <unavailable: events is forbidden>\n", text, StringComparison.Ordinal);
    }
}
