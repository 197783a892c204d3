using System.Diagnostics;
using BackupOperator.E2E.Infrastructure;
using BackupOperator.Entities;
using k8s;
using k8s.Models;

namespace BackupOperator.E2E;

/// <summary>The operator or the API server dies at the worst moment; no backup is lost, none is doubled.</summary>
[Collection(E2ECollection.Name)]
public sealed class CrashTests(E2EEnvironment env)
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(90);
    private static readonly string[] Terminal = [BackupPhase.Succeeded, BackupPhase.Failed];

    [Fact]
    public async Task Operator_killed_while_following_tasks_finishes_the_backup_after_restart()
    {
        var ct = TestTimeout.Token();
        await env.Simulator.ConfigureAsync(new { taskDurationMs = 6000 }, ct);
        try
        {
            await env.CreateBackupAsync(Backups.Nfs("kill-running", 301), ct);
            await env.WaitForPhaseAsync("kill-running", [BackupPhase.Running], Timeout, ct);
            env.Operator.Kill();
            await env.RestartOperatorAsync(ct);
            var done = await env.WaitForPhaseAsync("kill-running", Terminal, Timeout, ct);
            Assert.Equal(BackupPhase.Succeeded, done.Status!.Phase);
            await env.Simulator.AssertOwnBackupOnlyAsync(done, ct);
        }
        finally
        {
            await env.Simulator.ConfigureAsync(new { taskDurationMs = 1500 }, ct);
            await EnsureOperatorAsync(ct);
        }
    }

    [Fact]
    public async Task Operator_killed_with_the_post_in_flight_adopts_the_task_after_restart()
    {
        var ct = TestTimeout.Token();
        try
        {
            // OCP holds the request for 4 s and then starts the backup: the operator dies before any answer.
            await env.Simulator.AddFaultAsync(new { operation = "backupNow", clusterId = 302, kind = "delay", delayMs = 4000 }, ct);
            await env.CreateBackupAsync(Backups.Nfs("kill-in-flight", 302), ct);
            await env.UntilAsync(async () => await env.Simulator.PostsAsync(302, ct) == 1, Timeout, "the POST at OCP", ct);
            env.Operator.Kill();
            await env.UntilAsync(async () => await env.Simulator.StartedAsync(302, ct) == 1, Timeout, "the backup started by OCP", ct);
            var orphan = await env.GetBackupAsync("kill-in-flight", ct);
            Assert.Equal(BackupPhase.Submitting, orphan.Status!.Phase); // the intent survived the crash

            await env.RestartOperatorAsync(ct);
            var done = await env.WaitForPhaseAsync("kill-in-flight", Terminal, Timeout, ct);
            Assert.Equal(BackupPhase.Succeeded, done.Status!.Phase);
            Assert.True(done.Status.Adopted);
            Assert.Equal(orphan.Status.RequestId, done.Status.RequestId);
            await env.Simulator.AssertOwnBackupOnlyAsync(done, ct);
        }
        finally
        {
            await EnsureOperatorAsync(ct);
        }
    }

    // Crashed after the POST, before the status write: adopts, sends nothing. The real process dying at
    // each such moment, and between the intent write and the POST, is KillMatrixTests.
    [Fact]
    public async Task An_intent_left_by_a_crash_after_the_post_is_resolved_by_adoption()
    {
        const long clusterId = 304L;
        var ct = TestTimeout.Token();
        var name = $"orphan-intent-{clusterId}";
        try
        {
            env.Operator.Kill();
            await env.CreateBackupAsync(Backups.Nfs(name, clusterId), ct);
            var intentAt = DateTime.UtcNow;
            var intent = new
            {
                status = new
                {
                    phase = "Submitting",
                    reason = "Submitting",
                    requestId = $"crashed-{clusterId}",
                    attemptStartedAt = intentAt.ToString("yyyy-MM-ddTHH:mm:ss.ffffffZ", System.Globalization.CultureInfo.InvariantCulture),
                    submitAttempts = 0,
                    submittedGeneration = 1,
                },
            };
            var status = new V1Patch(System.Text.Json.JsonSerializer.Serialize(intent), V1Patch.PatchType.MergePatch);
            await env.Admin.CustomObjects.PatchNamespacedCustomObjectStatusAsync(status, V1alpha1ClusterBackupNow.ApiGroup,
                V1alpha1ClusterBackupNow.Version, E2EEnvironment.Namespace, V1alpha1ClusterBackupNow.Plural, name, cancellationToken: ct);
            await PostAsTheCrashedOperatorAsync(clusterId, $"crashed-{clusterId}", ct);

            await env.RestartOperatorAsync(ct);
            var done = await env.WaitForPhaseAsync(name, Terminal, Timeout, ct);
            Assert.Equal(BackupPhase.Succeeded, done.Status!.Phase);
            Assert.Equal($"crashed-{clusterId}", done.Status.RequestId);
            Assert.True(done.Status.Adopted);
            await env.Simulator.AssertOwnBackupOnlyAsync(done, ct);
        }
        finally
        {
            await EnsureOperatorAsync(ct);
        }
    }

    [Fact]
    public async Task Api_server_restart_mid_backup_loses_nothing()
    {
        var ct = TestTimeout.Token();
        await env.Simulator.ConfigureAsync(new { taskDurationMs = 6000 }, ct);
        try
        {
            await env.CreateBackupAsync(Backups.Nfs("apiserver-restart", 305), ct);
            await env.WaitForPhaseAsync("apiserver-restart", [BackupPhase.Running], Timeout, ct);
            await env.Api.RestartApiServerAsync(ct);
            var done = await env.WaitForPhaseAsync("apiserver-restart", Terminal, Timeout, ct);
            Assert.Equal(BackupPhase.Succeeded, done.Status!.Phase);
            await env.Simulator.AssertOwnBackupOnlyAsync(done, ct);

            // The watch came back: a resource created after the restart is seen too.
            await env.CreateBackupAsync(Backups.Nfs("after-restart", 306), ct);
            Assert.Equal(BackupPhase.Succeeded, (await env.WaitForPhaseAsync("after-restart", Terminal, Timeout, ct)).Status!.Phase);
        }
        finally
        {
            await env.Simulator.ConfigureAsync(new { taskDurationMs = 1500 }, ct);
        }
    }

    [Fact]
    public async Task Two_replicas_one_leader_hand_over_without_a_duplicate_and_release_the_lease_on_stop()
    {
        var ct = TestTimeout.Token(5);
        using var standby = await env.StartOperatorAsync(ct);
        try
        {
            var leader = await LeaseHolderAsync(ct);
            Assert.StartsWith("e2e-operator-", leader, StringComparison.Ordinal);
            await env.CreateBackupAsync(Backups.Nfs("ha-a", 307), ct);
            var first = await env.WaitForPhaseAsync("ha-a", Terminal, Timeout, ct);
            Assert.Equal(BackupPhase.Succeeded, first.Status!.Phase);

            env.Operator.Kill(); // the leader (it started first) dies without releasing its lease
            var handover = Stopwatch.StartNew();
            await env.CreateBackupAsync(Backups.Nfs("ha-b", 308), ct);
            var second = await env.WaitForPhaseAsync("ha-b", Terminal, Timeout, ct);
            Assert.Equal(BackupPhase.Succeeded, second.Status!.Phase);
            Assert.True(handover.Elapsed < TimeSpan.FromSeconds(30), $"handover took {handover.Elapsed}");
            Assert.NotEqual(leader, await LeaseHolderAsync(ct));
            await env.Simulator.AssertOwnBackupOnlyAsync(await env.GetBackupAsync("ha-a", ct), ct); // the new leader did not send it again
            await env.Simulator.AssertOwnBackupOnlyAsync(second, ct);

            Assert.True(standby.Terminate(TimeSpan.FromSeconds(30)), "operator did not stop on SIGTERM");
            Assert.True(string.IsNullOrEmpty(await LeaseHolderAsync(ct)), "the lease was not released on graceful stop");
        }
        finally
        {
            await env.RestartOperatorAsync(ct);
        }
    }

    /// <summary>The POST the crashed operator sent for its intent: with the intent's request id, as the operator sends it.</summary>
    private async Task PostAsTheCrashedOperatorAsync(long clusterId, string requestId, CancellationToken ct)
    {
        const string body = """{"backupMode":"PHYSICAL_BACKUP","dataBackupMode":"FULL_BACKUP","obBackupServiceStorageConfig":{"obBackupStorageBaseInfo":{"backupStorageType":"BACKUP_STORAGE_FILE","storageUrl":"/obbackup/"}}}""";
        using var http = new HttpClient { BaseAddress = new Uri(env.Simulator.Url) };
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/api/v2/ob/clusters/{clusterId}/backup/backupNow")
        {
            Content = new StringContent(body, System.Text.Encoding.UTF8, "application/json"),
        };
        request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Basic",
            Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes($"{SimulatorHandle.User}:{SimulatorHandle.Password}")));
        request.Headers.Add("X-Request-Id", requestId);
        using var response = await http.SendAsync(request, ct);
        response.EnsureSuccessStatusCode();
    }

    private async Task<string?> LeaseHolderAsync(CancellationToken ct) =>
        (await env.Admin.CoordinationV1.ReadNamespacedLeaseAsync("backup-operator-leader", E2EEnvironment.OperatorNamespace, cancellationToken: ct)).Spec.HolderIdentity;

    private async Task EnsureOperatorAsync(CancellationToken ct)
    {
        if (env.Operator.HasExited)
        {
            await env.RestartOperatorAsync(ct);
        }
    }
}
