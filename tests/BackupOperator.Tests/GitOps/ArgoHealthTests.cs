using System.Text.Json;
using BackupOperator.Entities;
using k8s;
using static BackupOperator.Tests.GitOps.ArgoHealthScript;

namespace BackupOperator.Tests.GitOps;

/// <summary>config/argocd/health.lua run by a real Lua interpreter, the way Argo CD runs it: a global obj, a returned hs.</summary>
public sealed class ArgoHealthTests
{
    private static readonly string Script = Load("health.lua");

    [Theory]
    [InlineData("no-status", "Progressing", "Waiting for the operator")]
    [InlineData("pending", "Progressing", "another backup of cluster 8 is active: default/nightly-0")]
    [InlineData("submitting", "Progressing", "sending the backup of cluster 8 to OCP")]
    [InlineData("running", "Progressing", "task(s) 3000001 running")]
    [InlineData("succeeded", "Healthy", "backup of cluster 8 completed: task(s) 3000001 SUCCESSFUL")]
    [InlineData("failed", "Degraded", "task 3000001 FAILED at sub-task \"Backup data\" (OB-1234: disk full)")]
    [InlineData("unknown", "Progressing", "OCP unreachable, retrying: connection refused (ocp.example.com:8080)")]
    public void Each_phase_has_its_health(string sample, string status, string message)
    {
        var health = Run(Script, Sample(sample));
        Assert.Equal((status, message), health);
    }

    [Fact]
    public void There_is_a_sample_for_every_phase()
    {
        var phases = Directory.GetFiles(Samples, "*.json")
            .Select(f => JsonDocument.Parse(File.ReadAllText(f)).RootElement)
            .Where(o => o.GetProperty("kind").GetString() == V1alpha1ClusterBackupNow.EntityKind && o.TryGetProperty("status", out _))
            .Select(o => o.GetProperty("status").GetProperty("phase").GetString());
        Assert.Equal(BackupPhase.All.Order(StringComparer.Ordinal), phases.Order(StringComparer.Ordinal));
    }

    [Theory]
    [InlineData("""{"status": {"phase": "Failed", "reason": "BackupRejected"}}""", "Degraded", "BackupRejected")]
    [InlineData("""{"status": {"phase": "Archived"}}""", "Unknown", "Unrecognized phase Archived")]
    public void Without_a_message_the_reason_is_shown_and_a_new_phase_is_Unknown(string json, string status, string message) =>
        Assert.Equal((status, message), Run(Script, json));

    [Fact]
    public void The_finished_samples_carry_the_conditions_the_operator_writes()
    {
        foreach (var name in new[] { "succeeded", "failed" })
        {
            var status = KubernetesJson.Deserialize<V1alpha1ClusterBackupNow>(Sample(name)).Status!;
            Assert.True(status.HasOutcomeConditions(), name);
        }
    }

    [Theory]
    [InlineData(ConditionTypes.Complete)] // a failure as an operator before issue 14 wrote it
    [InlineData(ConditionTypes.Failed)]
    public void Health_is_read_from_the_phase_so_the_conditions_of_a_failed_backup_do_not_change_it(string trueCondition)
    {
        var json = $$$"""
            {"status": {"phase": "Failed", "reason": "BackupRejected", "message": "no storage",
              "conditions": [{"type": "{{{trueCondition}}}", "status": "True", "reason": "BackupRejected", "message": "no storage"}]}}
            """;
        Assert.Equal(("Degraded", "no storage"), Run(Script, json));
    }

    [Fact]
    public void The_argocd_cm_patch_installs_the_same_script() =>
        Assert.Equal(Script, Installed(V1alpha1ClusterBackupNow.EntityKind));
}
