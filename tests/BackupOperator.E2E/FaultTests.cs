using BackupOperator.E2E.Infrastructure;
using BackupOperator.Entities;
using k8s;
using k8s.Models;

namespace BackupOperator.E2E;

/// <summary>OCP misbehaves; every backup still ends right, and OCP never starts a second backup for one resource.</summary>
[Collection(E2ECollection.Name)]
public sealed class FaultTests(E2EEnvironment env)
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(90);
    private static readonly string[] Terminal = [BackupPhase.Succeeded, BackupPhase.Failed];

    [Theory]
    [InlineData("dropAfterAccept", 201L, true)]   // OCP started it, then the connection closed: answer lost
    [InlineData("delayAfterAccept", 202L, true)]  // OCP started it, answered after the client's timeout
    [InlineData("http", 203L, false)]             // 500 without starting anything
    [InlineData("html", 204L, false)]             // a proxy's 502 page
    [InlineData("dropBeforeAccept", 205L, false)] // connection closed before OCP did anything
    [InlineData("truncated", 206L, false)]        // a cut-off JSON answer
    public async Task An_unconfirmed_submission_ends_in_exactly_one_backup(string fault, long clusterId, bool ocpStartedIt)
    {
        var ct = TestTimeout.Token();
        await env.Simulator.AddFaultAsync(new { operation = "backupNow", clusterId, kind = fault, delayMs = 5000 }, ct);
        var name = $"unconfirmed-{clusterId}";
        await env.CreateBackupAsync(Backups.Nfs(name, clusterId), ct);
        var done = await env.WaitForPhaseAsync(name, Terminal, Timeout, ct);
        Assert.Equal(BackupPhase.Succeeded, done.Status!.Phase);
        Assert.Equal(1, await env.Simulator.StartedAsync(clusterId, ct));
        Assert.Equal(await env.Simulator.TaskIdsAsync(clusterId, ct), done.Status.TaskIds);
        if (ocpStartedIt)
        {
            Assert.True(done.Status.Adopted);
            Assert.Equal(1, await env.Simulator.PostsAsync(clusterId, ct));
        }

        await env.WaitForEventAsync(name, e => e.Reason == "SubmissionUnconfirmed", ct);
    }

    [Fact]
    public async Task Unreachable_ocp_is_unknown_then_recovers_without_a_restart()
    {
        var ct = TestTimeout.Token();
        await env.CreateSecretAsync("ocp-down", new() { ["url"] = $"http://127.0.0.1:{KubeApiServer.FreePort()}", ["username"] = SimulatorHandle.User, ["password"] = SimulatorHandle.Password }, ct);
        await env.CreateBackupAsync(Backups.Nfs("unreachable-1", 210, secret: "ocp-down"), ct);
        var unknown = await env.WaitForPhaseAsync("unreachable-1", [BackupPhase.Unknown], Timeout, ct);
        Assert.Equal("OcpUnreachable", unknown.Status!.Reason);
        Assert.Contains("connection failed", unknown.Status.Message, StringComparison.Ordinal);
        Assert.Equal(0, await env.Simulator.PostsAsync(210, ct));

        var patch = new V1Patch("{\"stringData\":{\"url\":\"" + env.Simulator.Url + "\"}}", V1Patch.PatchType.MergePatch);
        await env.Admin.CoreV1.PatchNamespacedSecretAsync(patch, "ocp-down", E2EEnvironment.Namespace, cancellationToken: ct);
        var done = await env.WaitForPhaseAsync("unreachable-1", Terminal, Timeout, ct);
        Assert.Equal(BackupPhase.Succeeded, done.Status!.Phase);
        Assert.Equal(1, await env.Simulator.StartedAsync(210, ct));
        Assert.Contains(done.Status.Conditions!, c => c.Type == ConditionTypes.OcpReachable && c.Status == "True");
    }

    [Fact]
    public async Task Two_backups_of_one_cluster_run_one_after_the_other()
    {
        var ct = TestTimeout.Token();
        await env.CreateBackupAsync(Backups.Nfs("serial-a", 211), ct);
        await env.CreateBackupAsync(Backups.Nfs("serial-b", 211), ct);
        var a = await env.WaitForPhaseAsync("serial-a", Terminal, Timeout, ct);
        var b = await env.WaitForPhaseAsync("serial-b", Terminal, Timeout, ct);
        Assert.Equal(BackupPhase.Succeeded, a.Status!.Phase);
        Assert.Equal(BackupPhase.Succeeded, b.Status!.Phase);
        Assert.Equal(2, await env.Simulator.StartedAsync(211, ct));
        Assert.Equal(2, await env.Simulator.PostsAsync(211, ct)); // the operator waited itself: OCP never had to refuse
        var (first, second) = a.Status.SubmittedAt < b.Status.SubmittedAt ? (a, b) : (b, a);
        Assert.True(second.Status!.SubmittedAt >= first.Status!.CompletedAt, "the second backup started before the first ended");
    }

    [Fact]
    public async Task A_cluster_busy_with_a_backup_started_outside_kubernetes_makes_the_backup_wait()
    {
        var ct = TestTimeout.Token();
        await env.Simulator.ConfigureAsync(new { taskDurationMs = 5000 }, ct);
        try
        {
            await env.Simulator.StartBackupDirectlyAsync(212, ct);

            await env.CreateBackupAsync(Backups.Nfs("busy-1", 212), ct);
            var pending = await env.WaitForPhaseAsync("busy-1", [BackupPhase.Pending], Timeout, ct);
            Assert.Equal("ClusterBusy", pending.Status!.Reason);
            Assert.Null(pending.Status.RequestId);
            var done = await env.WaitForPhaseAsync("busy-1", Terminal, Timeout, ct);
            Assert.Equal(BackupPhase.Succeeded, done.Status!.Phase);
            Assert.NotEqual(true, done.Status.Adopted); // the outside backup was not taken for ours
            Assert.Equal(2, await env.Simulator.StartedAsync(212, ct));
        }
        finally
        {
            await env.Simulator.ConfigureAsync(new { taskDurationMs = 1500 }, ct);
        }
    }

    [Fact]
    public async Task Wrong_credentials_fail_with_ocps_401_message_and_an_event()
    {
        var ct = TestTimeout.Token();
        await env.CreateSecretAsync("ocp-wrong", new() { ["url"] = env.Simulator.Url, ["username"] = SimulatorHandle.User, ["password"] = "not-the-password" }, ct);
        await env.CreateBackupAsync(Backups.Nfs("wrong-pass", 213, secret: "ocp-wrong"), ct);
        var done = await env.WaitForPhaseAsync("wrong-pass", Terminal, Timeout, ct);
        Assert.Equal(BackupPhase.Failed, done.Status!.Phase);
        Assert.Equal("OcpAuthenticationFailed", done.Status.Reason);
        Assert.Contains("wrong password", done.Status.Message, StringComparison.Ordinal);
        await env.WaitForEventAsync("wrong-pass", e => e.Type == "Warning", ct);
        Assert.Equal(0, await env.Simulator.StartedAsync(213, ct));
    }

    [Fact]
    public async Task A_failed_task_fails_the_backup_naming_the_sub_task()
    {
        var ct = TestTimeout.Token();
        await env.Simulator.AddFaultAsync(new { clusterId = 214, kind = "taskFail" }, ct);
        await env.CreateBackupAsync(Backups.Nfs("task-fails", 214), ct);
        var done = await env.WaitForPhaseAsync("task-fails", Terminal, Timeout, ct);
        Assert.Equal(BackupPhase.Failed, done.Status!.Phase);
        Assert.Equal("TaskFailed", done.Status.Reason);
        Assert.Contains("Backup data", done.Status.Message, StringComparison.Ordinal);
        Assert.Equal("Backup data", done.Status.Tasks![0].FailedSubtask);
    }

    [Fact]
    public async Task A_spec_edit_after_submission_is_ignored_and_reported()
    {
        var ct = TestTimeout.Token();
        await env.CreateBackupAsync(Backups.Nfs("edited", 215), ct);
        await env.WaitForPhaseAsync("edited", Terminal, Timeout, ct);
        var patch = new V1Patch("""{"spec":{"dataBackupMode":"INCREMENTAL_BACKUP"}}""", V1Patch.PatchType.MergePatch);
        await env.Admin.CustomObjects.PatchNamespacedCustomObjectAsync(patch, V1alpha1ClusterBackupNow.ApiGroup,
            V1alpha1ClusterBackupNow.Version, E2EEnvironment.Namespace, V1alpha1ClusterBackupNow.Plural, "edited", cancellationToken: ct);
        V1alpha1ClusterBackupNow current = null!;
        await env.UntilAsync(async () => (current = await env.GetBackupAsync("edited", ct)).Status?.Conditions?.Any(c => c.Type == ConditionTypes.SpecChangeIgnored) == true,
            Timeout, $"the {ConditionTypes.SpecChangeIgnored} condition", ct);

        Assert.Contains(current.Status!.Conditions!, c => c.Type == ConditionTypes.SpecChangeIgnored && c.Status == "True");
        Assert.Equal(BackupPhase.Succeeded, current.Status.Phase);
        Assert.Equal(1, await env.Simulator.PostsAsync(215, ct));
        // The submitted spec is schema-less in the CRD: the API server kept every field of it, as submitted.
        Assert.Equal(System.Text.Json.JsonSerializer.Serialize(Backups.Nfs("edited", 215).Spec), System.Text.Json.JsonSerializer.Serialize(current.Status.SubmittedSpec));
    }
}
