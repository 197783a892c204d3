using System.Net;
using BackupOperator.E2E.Infrastructure;
using BackupOperator.Entities;
using k8s;
using k8s.Autorest;
using k8s.Models;

namespace BackupOperator.E2E;

/// <summary>The mission, end to end: kubectl-style apply → OCP backupNow → task ids and outcome in status.</summary>
[Collection(E2ECollection.Name)]
public sealed class BackupLifecycleTests(E2EEnvironment env)
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);
    private static readonly string[] Terminal = [BackupPhase.Succeeded, BackupPhase.Failed];

    [Fact]
    public async Task Every_sample_succeeds_with_the_simulators_task_ids_and_one_post_each()
    {
        var ct = TestTimeout.Token();
        await env.CreateSecretAsync("oss-backup-key", new() { ["accessKeyId"] = "LTAI-sample-id", ["accessKeySecret"] = "oss-sample-secret-value" }, ct);
        var samples = Manifests.Load(RepoPaths.Config("samples")).OfType<V1alpha1ClusterBackupNow>().ToList();
        Assert.True(samples.Count >= 2, "config/samples should hold at least the NFS and the OSS sample");
        foreach (var sample in samples)
        {
            await env.CreateBackupAsync(sample, ct);
        }

        foreach (var sample in samples)
        {
            var done = await env.WaitForPhaseAsync(sample.Metadata.Name, Terminal, Timeout, ct);
            Assert.Equal(BackupPhase.Succeeded, done.Status!.Phase);
            var simulatorTasks = await env.Simulator.TaskIdsAsync(sample.Spec.ClusterId, ct);
            Assert.Equal(simulatorTasks, done.Status.TaskIds);
            Assert.True(done.Status.Successful);
            Assert.Equal("DATA_BACKUP_NOW", done.Status.ObBackupTaskType);
            Assert.False(string.IsNullOrEmpty(done.Status.TraceId));
            Assert.All(done.Status.Tasks!, t => Assert.Equal("SUCCESSFUL", t.Status));
            Assert.NotNull(done.Status.CompletedAt);
            await env.Simulator.AssertOwnBackupOnlyAsync(done, ct);
        }

        // The OSS key went from its Secret into the request body, verbatim.
        var oss = samples.Single(s => s.Spec.ObBackupServiceStorageConfig!.ObBackupStorageBaseInfo!.BackupStorageType == "BACKUP_STORAGE_OSS");
        var last = await env.Simulator.LastRequestAsync(oss.Spec.ClusterId, ct);
        Assert.Equal("LTAI-sample-id", last!["accessKey"]!["id"]!.GetValue<string>());
        Assert.Equal("oss-sample-secret-value", last["accessKey"]!["secret"]!.GetValue<string>());
    }

    [Fact]
    public async Task Status_shows_running_with_task_ids_before_succeeding_and_events_tell_the_story()
    {
        var ct = TestTimeout.Token();
        await env.Simulator.ConfigureAsync(new { taskDurationMs = 4000 }, ct);
        try
        {
            await env.CreateBackupAsync(Backups.Nfs("story-1", 101), ct);
            var running = await env.WaitForPhaseAsync("story-1", [BackupPhase.Running], Timeout, ct);
            Assert.NotEmpty(running.Status!.TaskIds!);
            Assert.NotNull(running.Status.RequestId);
            var done = await env.WaitForPhaseAsync("story-1", Terminal, Timeout, ct);
            Assert.Equal(BackupPhase.Succeeded, done.Status!.Phase);
            Assert.Equal(1, done.Status.ObservedGeneration);
            await env.WaitForEventAsync("story-1", e => e.Reason == "Submitted", ct);
            await env.WaitForEventAsync("story-1", e => e.Reason == "Succeeded", ct);
        }
        finally
        {
            await env.Simulator.ConfigureAsync(new { taskDurationMs = 1500 }, ct);
        }
    }

    [Fact]
    public async Task Aksk_signed_connection_works_against_the_simulators_signature_check()
    {
        var ct = TestTimeout.Token();
        await env.CreateBackupAsync(Backups.Nfs("aksk-1", 102, secret: "ocp-aksk"), ct);
        var done = await env.WaitForPhaseAsync("aksk-1", Terminal, Timeout, ct);
        Assert.Equal(BackupPhase.Succeeded, done.Status!.Phase);
        await env.Simulator.AssertOwnBackupOnlyAsync(done, ct);
    }

    [Fact]
    public async Task A_bad_resource_is_refused_by_the_api_server_naming_the_field()
    {
        var ct = TestTimeout.Token();
        var badMode = Backups.Nfs("bad-mode", 103);
        badMode.Spec.BackupMode = "SNAPSHOT";
        var e1 = await Assert.ThrowsAsync<HttpOperationException>(() => env.CreateBackupAsync(badMode, ct));
        Assert.Equal(HttpStatusCode.UnprocessableEntity, e1.Response.StatusCode);
        Assert.Contains("spec.backupMode", e1.Response.Content, StringComparison.Ordinal);

        var zeroCluster = Backups.Nfs("zero-cluster", 0);
        var e2 = await Assert.ThrowsAsync<HttpOperationException>(() => env.CreateBackupAsync(zeroCluster, ct));
        Assert.Contains("spec.clusterId", e2.Response.Content, StringComparison.Ordinal);

        var threshold = Backups.Nfs("bad-threshold", 103);
        threshold.Spec.ObBackupServiceStorageConfig!.AlarmStoragePercentageThreshold = 101;
        var e3 = await Assert.ThrowsAsync<HttpOperationException>(() => env.CreateBackupAsync(threshold, ct));
        Assert.Contains("alarmStoragePercentageThreshold", e3.Response.Content, StringComparison.Ordinal);
        Assert.Equal(0, await env.Simulator.PostsAsync(103, ct));
    }

    [Fact]
    public async Task Ocp_refusal_inside_a_200_is_a_failed_backup_with_ocps_error_code_and_hint()
    {
        var ct = TestTimeout.Token();
        await env.Simulator.AddFaultAsync(new { operation = "backupNow", clusterId = 104, kind = "beSuccessfulFalse", errorCode = "OB_BACKUP_DEST_UNREACHABLE", hint = "NFS path /obbackup/ is not mounted on observer 10.0.0.7" }, ct);
        await env.CreateBackupAsync(Backups.Nfs("hint-1", 104), ct);
        var done = await env.WaitForPhaseAsync("hint-1", Terminal, Timeout, ct);
        Assert.Equal(BackupPhase.Failed, done.Status!.Phase);
        Assert.False(done.Status.Successful);
        Assert.Contains("NFS path /obbackup/ is not mounted", done.Status.Message, StringComparison.Ordinal);
        Assert.Equal("OB_BACKUP_DEST_UNREACHABLE", done.Status.Results![0].ErrorCode);
        await env.WaitForEventAsync("hint-1", e => e.Type == "Warning" && e.Note!.Contains("not mounted", StringComparison.Ordinal), ct);
        Assert.Equal(1, await env.Simulator.PostsAsync(104, ct));
    }

    [Fact]
    public async Task Unknown_cluster_fails_with_ocps_404_message()
    {
        var ct = TestTimeout.Token();
        await env.CreateBackupAsync(Backups.Nfs("missing-cluster", 999_999_999), ct);
        var done = await env.WaitForPhaseAsync("missing-cluster", Terminal, Timeout, ct);
        Assert.Equal(BackupPhase.Failed, done.Status!.Phase);
        Assert.Equal("ClusterNotFound", done.Status.Reason);
    }

    [Fact]
    public async Task A_missing_secret_keeps_the_backup_pending_until_it_appears()
    {
        var ct = TestTimeout.Token();
        await env.CreateBackupAsync(Backups.Nfs("late-secret", 105, secret: "created-later"), ct);
        var pending = await env.WaitForPhaseAsync("late-secret", [BackupPhase.Pending], Timeout, ct);
        Assert.Contains("created-later", pending.Status!.Message, StringComparison.Ordinal);
        await env.CreateSecretAsync("created-later", new()
        {
            ["url"] = env.Simulator.Url,
            ["username"] = SimulatorHandle.User,
            ["password"] = SimulatorHandle.Password,
        }, ct);
        var done = await env.WaitForPhaseAsync("late-secret", Terminal, Timeout, ct);
        Assert.Equal(BackupPhase.Succeeded, done.Status!.Phase);
        await env.Simulator.AssertOwnBackupOnlyAsync(done, ct);
    }

    [Fact]
    public async Task Secret_values_never_reach_the_operators_log_or_the_status()
    {
        var ct = TestTimeout.Token();
        await env.CreateBackupAsync(Backups.Nfs("no-leak", 106, secret: "ocp-aksk"), ct);
        var done = await env.WaitForPhaseAsync("no-leak", Terminal, Timeout, ct);
        var status = KubernetesJson.Serialize(done.Status);
        var logs = env.AllOperatorLogs;
        Assert.NotEmpty(logs);
        foreach (var secret in new[] { SimulatorHandle.Password, SimulatorHandle.AccessKeySecret, "oss-sample-secret-value" })
        {
            Assert.DoesNotContain(secret, logs, StringComparison.Ordinal);
            Assert.DoesNotContain(secret, status, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task A_finished_backup_with_ttl_is_deleted_and_its_backup_kept()
    {
        var ct = TestTimeout.Token();
        var backup = Backups.Nfs("ttl-1", 107);
        backup.Spec.TtlSecondsAfterFinished = 2;
        await env.CreateBackupAsync(backup, ct);
        await env.WaitForPhaseAsync("ttl-1", Terminal, Timeout, ct);
        await env.UntilAsync(async () =>
        {
            try
            {
                await env.GetBackupAsync("ttl-1", ct);
                return false;
            }
            catch (HttpOperationException e) when (e.Response.StatusCode == HttpStatusCode.NotFound)
            {
                return true;
            }
        }, Timeout, "the resource deleted after its ttlSecondsAfterFinished", ct);
        // The backup itself is untouched: its one task was only ever read (no retry, rollback or other call changed it).
        var task = Assert.Single(await env.Simulator.TaskIdsAsync(107, ct));
        Assert.Equal(1, await env.Simulator.PostsAsync(107, ct));
        var changing = await env.Simulator.CallsChangingAsync(task, ct);
        Assert.True(changing.Count == 0, $"task {task} of the deleted resource was changed in OCP: {string.Join("; ", changing.Select(c => $"{c.At} {c.Method} {c.Path} by {c.User}"))}");
    }
}
