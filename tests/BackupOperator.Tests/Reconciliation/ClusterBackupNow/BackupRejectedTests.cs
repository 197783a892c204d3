using BackupOperator.Entities;

namespace BackupOperator.Tests.Reconciliation.ClusterBackupNow;

/// <summary>HTTP 200 with beSuccessful=false: OCP did not start the backup, and says why.</summary>
public sealed class BackupRejectedTests
{
    [Theory]
    [InlineData("\"BACKUP_SERVICE_NOT_READY\"", "BACKUP_SERVICE_NOT_READY")]
    [InlineData("60012", "60012")]
    [InlineData("{\"code\":\"OB_BACKUP_CONFIG_ERROR\",\"level\":2}", "{\"code\":\"OB_BACKUP_CONFIG_ERROR\",\"level\":2}")]
    public async Task Per_object_failure_fails_with_error_code_and_hint(string errorCodeJson, string errorCodeText)
    {
        var (h, backup) = await SubmittingAsync();
        h.Ocp.AnswerPost(TestResources.ParseBackupNow(Answer(errorCodeJson, "storage /obbackup/ is not mounted", "[]")));

        var d = await h.StepAsync(backup);

        var s = d.Status!;
        Assert.Equal(BackupPhase.Failed, s.Phase);
        Assert.Equal("BackupRejected", s.Reason);
        Assert.Contains($"errorCode {errorCodeText}", s.Message, StringComparison.Ordinal);
        Assert.Contains("storage /obbackup/ is not mounted", s.Message, StringComparison.Ordinal);
        Assert.False(s.Successful);
        var result = Assert.Single(s.Results!);
        Assert.False(result.BeSuccessful);
        Assert.Equal(errorCodeText, result.ErrorCode);
        Assert.Equal("storage /obbackup/ is not mounted", result.Hint);
        Assert.Equal("trace-200", s.TraceId);
        Assert.Null(d.RequeueAfter);
        Assert.Contains(errorCodeText, Assert.Single(d.Events).Note, StringComparison.Ordinal);
        Assert.Empty(h.Ocp.TaskReads);
    }

    [Fact]
    public async Task Per_object_busy_hint_waits_for_the_cluster()
    {
        var (h, backup) = await SubmittingAsync();
        h.Ocp.AnswerPost(TestResources.ParseBackupNow(Answer("\"BACKUP_CONFLICT\"", "a data backup task is in progress", "[]")));

        var d = await h.StepAsync(backup);

        Assert.Equal(BackupPhase.Pending, d.Status!.Phase);
        Assert.Equal("ClusterBusy", d.Status.Reason);
        Assert.Contains("a data backup task is in progress", d.Status.Message, StringComparison.Ordinal);
        Assert.Null(d.Status.RequestId);
        Assert.Equal(h.Options.BusyRecheckInterval, d.RequeueAfter);
    }

    [Fact]
    public async Task Partial_failure_keeps_the_started_task_ids()
    {
        var (h, backup) = await SubmittingAsync();
        h.Ocp.AnswerPost(TestResources.ParseBackupNow(Answer("1", "tenant t2 skipped", "[3000050]")));

        var d = await h.StepAsync(backup);

        Assert.Equal(BackupPhase.Failed, d.Status!.Phase);
        Assert.Equal([3000050L], d.Status.TaskIds);
        Assert.Contains("task(s) 3000050 were started", d.Status.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Answer_without_results_fails()
    {
        var (h, backup) = await SubmittingAsync();
        h.Ocp.AnswerPost(TestResources.ParseBackupNow("""{"successful":true,"data":{"backupObjectOpsResultList":[]}}"""));

        var d = await h.StepAsync(backup);

        Assert.Equal("BackupRejected", d.Status!.Reason);
        Assert.Contains("without any backup object result", d.Status.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("[]")]
    [InlineData("null")]
    public async Task A_successful_object_that_started_no_task_fails_with_ocps_result_kept(string taskIds)
    {
        // OCP said "successful" for the cluster and started nothing: the backup fails, and its status
        // must show what OCP answered, not read as if OCP had answered without any result.
        var (h, backup) = await SubmittingAsync();
        h.Ocp.AnswerPost(TestResources.ParseBackupNow($$$"""
            {"successful":true,"data":{"obBackupTaskType":"DATA_BACKUP_NOW","backupObjectOpsResultList":[
              {"beSuccessful":true,"obBackupObjectList":[{"clusterId":8,"backupDimension":"CLUSTER"}],"taskIdList":{{{taskIds}}}}]}}
            """));

        var d = await h.StepAsync(backup);

        Assert.Equal(BackupPhase.Failed, d.Status!.Phase);
        Assert.Equal("BackupRejected", d.Status.Reason);
        var result = Assert.Single(d.Status.Results ?? []);
        Assert.True(result.BeSuccessful);
        Assert.Equal(8, Assert.Single(result.ObBackupObjectList!).ClusterId);
        Assert.DoesNotContain("without any backup object result", d.Status.Message, StringComparison.Ordinal);
        Assert.Empty(h.Ocp.Posts.Skip(1));
    }

    private static async Task<(Harness, V1alpha1ClusterBackupNow)> SubmittingAsync()
    {
        var h = new Harness();
        var backup = TestResources.Backup();
        await h.StepAsync(backup);
        return (h, backup);
    }

    private static string Answer(string errorCode, string hint, string taskIds) => $$$"""
        {"successful":true,"status":200,"traceId":"trace-200","server":"a83ad33525","timestamp":"2026-11-24T20:00:00.000+08:00",
         "data":{"obBackupTaskType":"DATA_BACKUP_NOW","backupObjectOpsResultList":[
           {"beSuccessful":false,"obBackupObjectList":[{"clusterId":8,"backupDimension":"CLUSTER"}],
            "taskIdList":{{{taskIds}}},"errorCode":{{{errorCode}}},"hint":"{{{hint}}}"}]}}
        """;
}
