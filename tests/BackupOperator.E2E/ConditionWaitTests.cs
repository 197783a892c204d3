using System.Text.RegularExpressions;
using BackupOperator.E2E.Infrastructure;
using BackupOperator.Entities;
using k8s;
using k8s.Models;

namespace BackupOperator.E2E;

/// <summary>
/// The conditions contract (issue 14) as a pipeline meets it: the real kubectl binary, its exit codes,
/// against the real API server. Complete ends a wait only on success, Failed only on failure.
/// Clusters 9301–9310.
/// </summary>
[Collection(E2ECollection.Name)]
public sealed partial class ConditionWaitTests(E2EEnvironment env)
{
    private const string Hint = "NFS path /obbackup/ is not mounted on observer 10.0.0.7";

    [Fact]
    public async Task Kubectl_wait_for_Complete_ends_0_on_success_and_for_Failed_does_not_end()
    {
        var ct = TestTimeout.Token();
        await env.CreateBackupAsync(Backups.Nfs("wait-ok", 9301), ct);

        var complete = await WaitAsync("wait-ok", "Complete", "60s", ct);
        Assert.True(complete.ExitCode == 0, complete.ToString());
        Assert.Equal(BackupPhase.Succeeded, (await env.GetBackupAsync("wait-ok", ct)).Status!.Phase);

        var failed = await WaitAsync("wait-ok", "Failed", "2s", ct);
        Assert.True(failed.ExitCode != 0, failed.ToString());
        Assert.Contains("timed out", failed.Stderr, StringComparison.OrdinalIgnoreCase);

        // An edit after the end is ignored; the outcome still ends a wait (kubectl compares the
        // condition's observedGeneration with metadata.generation).
        await env.Admin.CustomObjects.PatchNamespacedCustomObjectAsync(
            new V1Patch("""{"spec": {"clusterId": 9310}}""", V1Patch.PatchType.MergePatch),
            V1alpha1ClusterBackupNow.ApiGroup, V1alpha1ClusterBackupNow.Version, E2EEnvironment.Namespace, V1alpha1ClusterBackupNow.Plural, "wait-ok",
            cancellationToken: ct);
        var afterEdit = await WaitAsync("wait-ok", "Complete", "60s", ct);
        Assert.True(afterEdit.ExitCode == 0, afterEdit.ToString());
        Assert.Equal(0, await env.Simulator.PostsAsync(9310, ct));
    }

    [Fact]
    public async Task Kubectl_wait_for_Failed_ends_0_when_ocp_refuses_and_for_Complete_does_not_end()
    {
        var ct = TestTimeout.Token();
        await RefuseAsync(9302, ct);
        await env.CreateBackupAsync(Backups.Nfs("wait-refused", 9302), ct);

        var failed = await WaitAsync("wait-refused", "Failed", "60s", ct);
        Assert.True(failed.ExitCode == 0, failed.ToString());

        var complete = await WaitAsync("wait-refused", "Complete", "2s", ct);
        Assert.True(complete.ExitCode != 0, complete.ToString());
        Assert.Contains("timed out", complete.Stderr, StringComparison.OrdinalIgnoreCase);

        // OCP's reason and hint, as a user reads them next to the phase.
        var shown = await Kubectl.RunAsync(env.Api.AdminKubeconfig,
            ["-n", E2EEnvironment.Namespace, "get", "cbn/wait-refused", "-o",
             """jsonpath={.status.phase}|{.status.conditions[?(@.type=="Failed")].reason}|{.status.conditions[?(@.type=="Failed")].message}|{.status.message}"""], ct);
        Assert.True(shown.ExitCode == 0, shown.ToString());
        var parts = shown.Stdout.Split('|');
        Assert.Equal([BackupPhase.Failed, "BackupRejected"], parts[..2]);
        Assert.Contains(Hint, parts[2], StringComparison.Ordinal);
        Assert.Equal(parts[3], parts[2]);
        Assert.Equal(1, await env.Simulator.PostsAsync(9302, ct));
    }

    [Fact]
    public async Task The_pipeline_step_of_the_gitops_doc_passes_on_success_and_fails_on_a_refusal()
    {
        var ct = TestTimeout.Token();
        await RefuseAsync(9304, ct);
        var checkout = Directory.CreateTempSubdirectory("backup-operator-pipeline-").FullName;
        try
        {
            var ok = await RunPipelineStepAsync(checkout, "pipeline-ok", 9303, ct);
            Assert.True(ok.ExitCode == 0, ok.ToString());
            var printed = Lines(ok);
            Assert.Equal(2, printed.Length);
            Assert.Equal("clusterbackupnow.ocp.oceanbase.com/pipeline-ok created", printed[0]);
            Assert.StartsWith("Succeeded Completed: ", printed[1], StringComparison.Ordinal);

            var refused = await RunPipelineStepAsync(checkout, "pipeline-refused", 9304, ct);
            Assert.True(refused.ExitCode != 0, refused.ToString());
            var outcome = Lines(refused)[^1];
            Assert.StartsWith("Failed BackupRejected: OCP did not start the backup", outcome, StringComparison.Ordinal);
            Assert.Contains(Hint, outcome, StringComparison.Ordinal);
            // It ended on the outcome, not on its timeout.
            Assert.True(refused.Took < TimeSpan.FromSeconds(50), refused.ToString());
        }
        finally
        {
            Directory.Delete(checkout, recursive: true);
        }
    }

    [Fact]
    public async Task Kubectl_explain_describes_the_status_fields()
    {
        var ct = TestTimeout.Token();
        var backup = await Kubectl.RunAsync(env.Api.AdminKubeconfig, ["explain", "clusterbackupnows.status"], ct);
        Assert.True(backup.ExitCode == 0, backup.ToString());
        Assert.Contains("Complete is True only when the backup Succeeded", Flatten(backup.Stdout), StringComparison.Ordinal);
        Assert.Contains("The traceId of OCP's answer to backupNow", Flatten(backup.Stdout), StringComparison.Ordinal);

        var tasks = await Kubectl.RunAsync(env.Api.AdminKubeconfig, ["explain", "clusterbackupnows.status.tasks.status"], ct);
        Assert.True(tasks.ExitCode == 0, tasks.ToString());
        Assert.Contains("OCP's word for the task's state", Flatten(tasks.Stdout), StringComparison.Ordinal);

        var connection = await Kubectl.RunAsync(env.Api.AdminKubeconfig, ["explain", "clusterocpconnections.status"], ct);
        Assert.True(connection.ExitCode == 0, connection.ToString());
        Assert.Contains("The metadata.generation last checked", Flatten(connection.Stdout), StringComparison.Ordinal);
    }

    private Task<Kubectl.Outcome> WaitAsync(string name, string condition, string timeout, CancellationToken ct) =>
        Kubectl.RunAsync(env.Api.AdminKubeconfig,
            ["-n", E2EEnvironment.Namespace, "wait", $"cbn/{name}", $"--for=condition={condition}", $"--timeout={timeout}"], ct);

    private Task RefuseAsync(long clusterId, CancellationToken ct) =>
        env.Simulator.AddFaultAsync(new { operation = "backupNow", clusterId, kind = "beSuccessfulFalse", errorCode = "OB_BACKUP_DEST_UNREACHABLE", hint = Hint }, ct);

    /// <summary>docs/gitops.md's pipeline step, as written but for its first line, in a checkout holding the backup's manifest.</summary>
    private async Task<Kubectl.Outcome> RunPipelineStepAsync(string checkout, string name, long clusterId, CancellationToken ct)
    {
        var manifest = Path.Combine(checkout, "backups", "one-off", name + ".yaml");
        Directory.CreateDirectory(Path.GetDirectoryName(manifest)!);
        await File.WriteAllTextAsync(manifest, $$"""
            apiVersion: ocp.oceanbase.com/v1alpha1
            kind: ClusterBackupNow
            metadata:
              name: {{name}}
            spec:
              clusterId: {{clusterId}}
              backupMode: PHYSICAL_BACKUP
              dataBackupMode: FULL_BACKUP
              obBackupServiceStorageConfig:
                obBackupStorageBaseInfo: {backupStorageType: BACKUP_STORAGE_FILE, storageUrl: /obbackup/}
              ocpSecretRef: {name: ocp-credentials}
            """, ct);

        var step = PipelineStep();
        var lines = step.Split('\n');
        Assert.Matches(FirstLine(), lines[0]);
        lines[0] = $"ns={E2EEnvironment.Namespace} name={name} timeout=60s";
        return await Kubectl.BashAsync(env.Api.AdminKubeconfig, string.Join('\n', lines), checkout, ct);
    }

    private static string PipelineStep()
    {
        var doc = File.ReadAllText(Path.Combine(RepoPaths.Root, "docs", "gitops.md"));
        var block = PipelineBlock().Match(doc);
        Assert.True(block.Success, "docs/gitops.md has no ```bash block after <!-- pipeline-step ... -->");
        return block.Groups["script"].Value;
    }

    private static string[] Lines(Kubectl.Outcome outcome) => outcome.Stdout.TrimEnd('\n').Split('\n');

    private static string Flatten(string text) => Regex.Replace(text, @"\s+", " ");

    [GeneratedRegex(@"<!-- pipeline-step[^>]*-->\s*```bash\n(?<script>.*?)```", RegexOptions.Singleline)]
    private static partial Regex PipelineBlock();

    [GeneratedRegex(@"^ns=\S+ name=\S+ timeout=\S+$")]
    private static partial Regex FirstLine();
}
