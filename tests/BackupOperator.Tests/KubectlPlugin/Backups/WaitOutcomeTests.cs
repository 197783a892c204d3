using BackupOperator.Entities;
using BackupOperator.KubectlPlugin.Backups;
using static BackupOperator.Tests.KubectlPlugin.Backups.PluginBackups;

namespace BackupOperator.Tests.KubectlPlugin.Backups;

/// <summary>The exit code is the phase's (Succeeded/Failed are terminal), never a condition's; one line says why.</summary>
public sealed class WaitOutcomeTests
{
    [Fact]
    public void Succeeded_is_0_with_the_cluster_modes_tasks_and_trace_id()
    {
        var b = Backup("nightly-1", BackupPhase.Succeeded, 3000001);
        b.Status!.Reason = "Completed";
        b.Status.Message = "backup of cluster 8 completed: task(s) 3000001 SUCCESSFUL";
        var outcome = WaitOutcome.From(new WaitResult(WaitEnd.Finished, b), "db", "nightly-1", null);
        Assert.Equal(new WaitOutcome(0, "nightly-1 Succeeded (cluster 8, PHYSICAL/FULL, task(s) 3000001, traceId ae2397e8eddcee52): backup of cluster 8 completed: task(s) 3000001 SUCCESSFUL", false), outcome);
    }

    [Fact]
    public void Failed_is_1_with_ocps_reason_hint_and_error_code_once_each_on_one_line()
    {
        var b = Backup("nightly-2", BackupPhase.Failed);
        b.Status!.Reason = "BackupRejected";
        b.Status.Message = "OCP refused the backup of cluster 8:\nOB_BACKUP_DEST_UNREACHABLE";
        b.Status.Results = [new BackupObjectResult { BeSuccessful = false, ErrorCode = "OB_BACKUP_DEST_UNREACHABLE", Hint = "NFS path /obbackup/ is not mounted" }];
        var outcome = WaitOutcome.From(new WaitResult(WaitEnd.Finished, b), "db", "nightly-2", null);
        Assert.Equal(1, outcome.ExitCode);
        Assert.False(outcome.IsError);
        Assert.Equal("nightly-2 Failed (cluster 8, PHYSICAL/FULL, task(s) none): BackupRejected: OCP refused the backup of cluster 8: OB_BACKUP_DEST_UNREACHABLE; hint: NFS path /obbackup/ is not mounted", outcome.Line);
    }

    [Fact]
    public void A_failed_task_names_its_failed_subtask()
    {
        var b = Backup("nightly-3", BackupPhase.Failed, 7);
        b.Status!.Reason = "TaskFailed";
        b.Status.Message = "OCP task 7 FAILED";
        b.Status.Tasks = [new OcpTaskState { Id = 7, Status = "FAILED", FailedSubtask = "Backup data" }];
        Assert.EndsWith("TaskFailed: OCP task 7 FAILED; task 7 failed at Backup data", WaitOutcome.From(new WaitResult(WaitEnd.Finished, b), "db", "nightly-3", null).Line, StringComparison.Ordinal);
    }

    [Fact]
    public void Timed_out_is_2_and_says_where_the_backup_stands()
    {
        var b = Backup("nightly-4", BackupPhase.Running, 9);
        b.Status!.Reason = "TasksRunning";
        b.Status.Message = "OCP task(s) 9 RUNNING";
        var outcome = WaitOutcome.From(new WaitResult(WaitEnd.TimedOut, b), "db", "nightly-4", TimeSpan.FromSeconds(2));
        Assert.Equal(new WaitOutcome(2, "timed out after 2s: nightly-4 Running (cluster 8, PHYSICAL/FULL, task(s) 9, traceId ae2397e8eddcee52): TasksRunning: OCP task(s) 9 RUNNING", true), outcome);
        Assert.Equal(new WaitOutcome(2, "timed out after 1m30s: clusterbackupnow \"nightly-now-x\" did not appear in namespace \"db\"", true),
            WaitOutcome.From(new WaitResult(WaitEnd.TimedOut, null), "db", "nightly-now-x", TimeSpan.FromSeconds(90)));
    }

    [Fact]
    public void Not_found_and_deleted_are_3()
    {
        Assert.Equal(new WaitOutcome(3, "clusterbackupnow \"x\" not found in namespace \"db\"", true), WaitOutcome.From(new WaitResult(WaitEnd.NotFound, null), "db", "x", null));
        var deleted = WaitOutcome.From(new WaitResult(WaitEnd.Deleted, Backup("x", BackupPhase.Pending)), "db", "x", null);
        Assert.Equal(3, deleted.ExitCode);
        Assert.StartsWith("clusterbackupnow \"x\" was deleted before it finished (last seen x Pending", deleted.Line, StringComparison.Ordinal);
    }

    [Fact]
    public void A_backup_without_status_yet_says_so()
    {
        Assert.Equal("fresh (no status yet) (cluster 8, PHYSICAL/FULL, task(s) none)", WaitOutcome.ResultLine(Backup("fresh", null)));
    }

    [Fact]
    public void The_submitted_spec_is_reported_not_a_later_edit()
    {
        var b = Backup("edited", BackupPhase.Succeeded, 1);
        b.Status!.SubmittedSpec = new ClusterBackupNowSpec { ClusterId = 5, BackupMode = "LOGICAL_BACKUP", DataBackupMode = OcpValues.IncrementalBackup };
        Assert.StartsWith("edited Succeeded (cluster 5, LOGICAL/INCREMENTAL, ", WaitOutcome.ResultLine(b), StringComparison.Ordinal);
    }
}
