using System.Text.Json;
using BackupOperator.Entities;
using BackupOperator.Operator.Ocp;

namespace BackupOperator.Tests.Reconciliation.ClusterBackupNow;

/// <summary>The one POST: what is sent, and what OCP's answer makes of the backup.</summary>
public sealed class SubmitTests
{
    [Fact]
    public async Task Post_carries_the_spec_the_backup_object_and_the_object_store_key()
    {
        var h = new Harness();
        h.Connector.AccessKey = new AccessKeyDto("LTAI-id", "oss-secret-value", "oss-cn-hangzhou.aliyuncs.com", null);
        var backup = TestResources.Backup(storageType: "BACKUP_STORAGE_OSS");
        await h.StepAsync(backup);

        await h.StepAsync(backup);

        var (clusterId, request) = Assert.Single(h.Ocp.Posts);
        Assert.Equal(8, clusterId);
        Assert.Equal(new BackupObjectDto(8, "CLUSTER"), request.ObBackupObject);
        Assert.Equal("PHYSICAL_BACKUP", request.BackupMode);
        Assert.Equal("FULL_BACKUP", request.DataBackupMode);
        var storage = request.ObBackupServiceStorageConfig;
        Assert.Equal((95, "ycnfs223_0915", "ycfor223", 26L), (storage.AlarmStoragePercentageThreshold, storage.ConfigName, storage.ServiceName, storage.StorageId));
        Assert.Equal("BACKUP_STORAGE_OSS", storage.ObBackupStorageBaseInfo.BackupStorageType);
        Assert.Equal("oss://bucket/backup", storage.ObBackupStorageBaseInfo.StorageUrl);
        Assert.Same(h.Connector.AccessKey, storage.ObBackupStorageBaseInfo.OssAccessKey);

        var json = JsonSerializer.Serialize(request, OcpJsonContext.Default.BackupNowRequest);
        Assert.Contains("\"obBackupObject\":{\"clusterId\":8,\"backupDimension\":\"CLUSTER\"}", json, StringComparison.Ordinal);
        Assert.Contains("\"ossAccessKey\":{\"accessKeyId\":\"LTAI-id\",\"accessKeySecret\":\"oss-secret-value\"", json, StringComparison.Ordinal);
        Assert.DoesNotContain("cosAccessKey", json, StringComparison.Ordinal);
        Assert.DoesNotContain("s3AccessKey", json, StringComparison.Ordinal);
        Assert.DoesNotContain("oss-secret-value", JsonSerializer.Serialize(backup.Status), StringComparison.Ordinal);
    }

    [Fact]
    public async Task File_storage_sends_no_access_key()
    {
        var h = new Harness();
        h.Connector.AccessKey = new AccessKeyDto("id", "secret", null, null);
        var backup = TestResources.Backup();
        await h.StepAsync(backup);
        await h.StepAsync(backup);

        var info = Assert.Single(h.Ocp.Posts).Request.ObBackupServiceStorageConfig.ObBackupStorageBaseInfo;
        Assert.Equal("/obbackup/", info.StorageUrl);
        Assert.Null(info.OssAccessKey);
        Assert.Null(info.CosAccessKey);
        Assert.Null(info.S3AccessKey);
    }

    [Fact]
    public async Task Accepted_backup_records_ocps_answer_and_is_running()
    {
        var h = new Harness();
        h.Ocp.AnswerPost(TestResources.ParseBackupNow(TestResources.SeedSampleResponse));
        h.Ocp.Tasks[3000041] = TestResources.Task(3000041);
        var backup = TestResources.Backup();
        await h.StepAsync(backup);

        var d = await h.StepAsync(backup);

        var s = d.Status!;
        Assert.Equal(BackupPhase.Running, s.Phase);
        Assert.Equal([3000041L], s.TaskIds);
        Assert.True(s.Successful);
        Assert.Equal("5962f337662d4043", s.TraceId);
        Assert.Equal("a83ad33525", s.Server);
        Assert.Equal("2021-09-07T14:51:41.135+08:00", s.OcpTimestamp);
        Assert.Equal("DATA_BACKUP_NOW", s.ObBackupTaskType);
        var result = Assert.Single(s.Results!);
        Assert.Equal(1000005, Assert.Single(result.ObBackupObjectList!).ClusterId);
        Assert.Equal(h.Now, s.SubmittedAt);
        Assert.True(s.IsConditionTrue(ConditionTypes.Submitted));
        Assert.Contains("3000041 RUNNING", s.Message, StringComparison.Ordinal);
        Assert.Equal(h.Options.PollInterval, d.RequeueAfter);
        var e = Assert.Single(d.Events);
        Assert.Equal("Submitted", e.Reason);
        Assert.Contains("task(s) 3000041", e.Note, StringComparison.Ordinal);
        Assert.Contains("5962f337662d4043", e.Note, StringComparison.Ordinal);
        Assert.Single(h.Ocp.Posts);
    }

    [Fact]
    public async Task A_backup_ocp_accepted_and_finished_records_only_what_ocp_told()
    {
        var h = new Harness();
        h.Ocp.AnswerPost(TestResources.Accepted(3000041));
        h.Ocp.Tasks[3000041] = TestResources.Task(3000041, "SUCCESSFUL");
        var backup = TestResources.Backup();
        await h.StepAsync(backup);

        var d = await h.StepAsync(backup);

        var s = d.Status!;
        Assert.Equal(BackupPhase.Succeeded, s.Phase);
        Assert.Equal([3000041L], s.TaskIds);
        Assert.True(s.Successful);
        // OCP's one result only echoed cluster 8 and task 3000041: taskIds and successful say it all.
        Assert.Null(s.Results);
        // OCP always answered: no "OcpReachable True" on every backup, only Submitted and the outcome.
        Assert.Equal([ConditionTypes.Submitted, ConditionTypes.Complete], s.Conditions!.Select(c => c.Type));
    }

    public static TheoryData<string, BackupObjectOpsResult[]> ResultsThatTellMore => new()
    {
        { "a hint", [new BackupObjectOpsResult { BeSuccessful = true, TaskIdList = [3000041], Hint = "storage at 91 %", ObBackupObjectList = [new BackupObjectDto(8, "CLUSTER")] }] },
        { "an error code", [new BackupObjectOpsResult { BeSuccessful = true, TaskIdList = [3000041], ErrorCode = "OB_WARN", ObBackupObjectList = [new BackupObjectDto(8, "CLUSTER")] }] },
        { "another cluster", [new BackupObjectOpsResult { BeSuccessful = true, TaskIdList = [3000041], ObBackupObjectList = [new BackupObjectDto(9, "CLUSTER")] }] },
        { "a tenant", [new BackupObjectOpsResult { BeSuccessful = true, TaskIdList = [3000041], ObBackupObjectList = [new BackupObjectDto(8, "TENANT", 1002)] }] },
        { "no object", [new BackupObjectOpsResult { BeSuccessful = true, TaskIdList = [3000041] }] },
        { "a task listed twice", [new BackupObjectOpsResult { BeSuccessful = true, TaskIdList = [3000041, 3000041], ObBackupObjectList = [new BackupObjectDto(8, "CLUSTER")] }] },
        { "two objects", [new BackupObjectOpsResult { BeSuccessful = true, TaskIdList = [3000041], ObBackupObjectList = [new BackupObjectDto(8, "CLUSTER"), new BackupObjectDto(8, "TENANT", 1002)] }] },
        {
            "two results", [
                new BackupObjectOpsResult { BeSuccessful = true, TaskIdList = [3000041], ObBackupObjectList = [new BackupObjectDto(8, "CLUSTER")] },
                new BackupObjectOpsResult { BeSuccessful = true, TaskIdList = [3000042], ObBackupObjectList = [new BackupObjectDto(8, "CLUSTER")] },
            ]
        },
    };

    [Theory]
    [MemberData(nameof(ResultsThatTellMore))]
    public async Task Ocps_results_are_kept_whole_when_they_tell_more_than_the_task_ids(string what, BackupObjectOpsResult[] results)
    {
        var h = new Harness();
        h.Ocp.AnswerPost(new OcpResponse<BackupCommonResponse>(
            new BackupCommonResponse { ObBackupTaskType = "DATA_BACKUP_NOW", BackupObjectOpsResultList = results },
            true, "trace-accepted", "a83ad33525", "2026-11-24T20:00:00.000+08:00"));
        var backup = TestResources.Backup();
        await h.StepAsync(backup);

        var d = await h.StepAsync(backup);

        var kept = d.Status!.Results;
        Assert.True(kept is not null, what);
        Assert.Equal(results.Length, kept.Count);
        Assert.Equal(results.Select(r => (r.Hint, r.ErrorCode, r.ObBackupObjectList?.Count ?? 0)), kept.Select(r => (r.Hint, r.ErrorCode, r.ObBackupObjectList?.Count ?? 0)));
    }

    [Fact]
    public async Task Accepted_backup_stays_running_when_its_tasks_cannot_be_read_yet()
    {
        var h = new Harness();
        var backup = TestResources.Backup();
        await h.StepAsync(backup);
        h.Ocp.FailTaskRead(Fail.Lost("getTask"));

        var d = await h.StepAsync(backup);

        Assert.Equal(BackupPhase.Running, d.Status!.Phase);
        Assert.Contains("OCP accepted the backup: task(s) 3000041", d.Status.Message, StringComparison.Ordinal);
        Assert.Null(d.Status.UnreachableSince);
    }

    [Theory]
    [InlineData(409, "Conflict", null)]
    [InlineData(400, "Backup task of cluster 8 is in progress", null)]
    [InlineData(400, "Request refused", "BACKUP_TASK_ALREADY_RUNNING_IN_PROGRESS")]
    public async Task Busy_cluster_refusal_goes_back_to_waiting_without_an_intent(int status, string message, string? code)
    {
        var h = new Harness();
        var backup = TestResources.Backup();
        await h.StepAsync(backup);
        h.Ocp.FailPost(Fail.Rejected(status, message, code));

        var d = await h.StepAsync(backup);

        Assert.Equal(BackupPhase.Pending, d.Status!.Phase);
        Assert.Equal("ClusterBusy", d.Status.Reason);
        Assert.Contains(message, d.Status.Message, StringComparison.Ordinal);
        Assert.Null(d.Status.RequestId);
        Assert.Null(d.Status.AttemptStartedAt);
        Assert.Equal(h.Options.BusyRecheckInterval, d.RequeueAfter);
        Assert.Equal("ClusterBusy", Assert.Single(d.Events).Reason);

        var retry = await h.StepAsync(backup);
        Assert.Equal(BackupPhase.Submitting, retry.Status!.Phase);
        Assert.Single(h.Ocp.Posts);
    }

    [Theory]
    [InlineData(401, "OcpAuthenticationFailed", "Invalid access key or signature")]
    [InlineData(403, "OcpAuthenticationFailed", "No permission: CLUSTER_BACKUP_CREATE")]
    [InlineData(404, "ClusterNotFound", "Cluster 8 not found")]
    [InlineData(400, "OcpRejected", "Backup service not configured for cluster 8")]
    public async Task Final_refusal_fails_with_ocps_message(int status, string reason, string message)
    {
        var h = new Harness();
        var backup = TestResources.Backup();
        await h.StepAsync(backup);
        h.Ocp.FailPost(Fail.Rejected(status, message, "ERR"));

        var d = await h.StepAsync(backup);

        Assert.Equal(BackupPhase.Failed, d.Status!.Phase);
        Assert.Equal(reason, d.Status.Reason);
        Assert.Contains(message, d.Status.Message, StringComparison.Ordinal);
        Assert.Contains($"HTTP {status}", d.Status.Message, StringComparison.Ordinal);
        Assert.Equal("trace-rejected", d.Status.TraceId);
        Assert.Equal(h.Now, d.Status.CompletedAt);
        Assert.Null(d.RequeueAfter);
        Assert.True(Assert.Single(d.Events).Warning);
    }

    [Fact]
    public async Task Proxy_html_with_a_4xx_is_a_refusal_not_a_maybe()
    {
        var h = new Harness();
        var backup = TestResources.Backup();
        await h.StepAsync(backup);
        h.Ocp.FailPost(Fail.Invalid(status: 403));

        var d = await h.StepAsync(backup);

        Assert.Equal(BackupPhase.Failed, d.Status!.Phase);
        Assert.Equal("OcpAuthenticationFailed", d.Status.Reason);
        Assert.Contains("<html>", d.Status.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Throttled_post_stays_submitting_and_counts_no_attempt()
    {
        var h = new Harness();
        var backup = TestResources.Backup();
        await h.StepAsync(backup);
        h.Ocp.FailPost(Fail.Rejected(429, "Too many requests"));

        var d = await h.StepAsync(backup);

        Assert.Equal(BackupPhase.Submitting, d.Status!.Phase);
        Assert.Equal("OcpThrottled", d.Status.Reason);
        Assert.Contains("Too many requests", d.Status.Message, StringComparison.Ordinal);
        Assert.Equal(0, d.Status.SubmitAttempts);
        Assert.Equal(h.Options.RetryInterval, d.RequeueAfter);
    }

    [Fact]
    public async Task Unreachable_ocp_keeps_the_intent_and_counts_no_attempt()
    {
        var h = new Harness();
        var backup = TestResources.Backup();
        var requestId = (await h.StepAsync(backup)).Status!.RequestId;
        h.Ocp.FailPost(Fail.Unreachable());

        var d = await h.StepAsync(backup);

        Assert.Equal(BackupPhase.Unknown, d.Status!.Phase);
        Assert.Equal("OcpUnreachable", d.Status.Reason);
        Assert.Contains("backupNow was not sent", d.Status.Message, StringComparison.Ordinal);
        Assert.Equal(requestId, d.Status.RequestId);
        Assert.Equal(0, d.Status.SubmitAttempts);
        Assert.Equal(h.Now, d.Status.UnreachableSince);
        Assert.False(d.Status.IsConditionTrue(ConditionTypes.OcpReachable));
        Assert.Equal(h.Options.RetryInterval, d.RequeueAfter);
        Assert.Equal("Unknown", Assert.Single(d.Events).Reason);
    }
    public static TheoryData<string, string, int> OutagesThenAnAnswer => new()
    {
        { "task list before the intent, then refused", "list", 400 },
        { "task list before the intent, then busy", "list", 409 },
        { "backupNow not sent, then refused", "post", 400 },
    };

    [Theory]
    [MemberData(nameof(OutagesThenAnAnswer))]
    public async Task Ocp_answering_after_an_outage_turns_ocp_reachable_true_whatever_it_answers(string what, string outage, int answer)
    {
        // OcpReachable is only there once an outage set it False: it must turn True once OCP answers, or a
        // backup OCP refused (or found busy) reads as if OCP were still out of reach.
        var h = new Harness();
        var backup = TestResources.Backup();
        if (outage == "list")
        {
            h.Ocp.FailList(Fail.Unreachable("listTasks"));
        }
        else
        {
            await h.StepAsync(backup);
            h.Ocp.FailPost(Fail.Unreachable());
        }

        Assert.Equal(BackupPhase.Unknown, (await h.StepAsync(backup)).Status!.Phase);
        h.Time.Advance(h.Options.RetryInterval);
        h.Ocp.FailPost(Fail.Rejected(answer, answer == 409 ? "a backup is in progress" : "invalid storage"));
        await h.StepAsync(backup);
        await h.StepAsync(backup);

        var s = backup.Status!;
        Assert.True(s.Phase == (answer == 409 ? BackupPhase.Pending : BackupPhase.Failed), $"{what}: {s.Phase}");
        var reachable = Assert.Single(s.Conditions!, c => c.Type == ConditionTypes.OcpReachable);
        Assert.Equal("True", reachable.Status);
        Assert.Null(s.UnreachableSince);
    }
}
