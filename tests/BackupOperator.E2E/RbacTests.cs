using BackupOperator.E2E.Infrastructure;
using BackupOperator.Entities;
using k8s;
using k8s.Models;

namespace BackupOperator.E2E;

/// <summary>The operator runs with exactly config/rbac; take a permission away and it says so, clearly.</summary>
[Collection(E2ECollection.Name)]
public sealed class RbacTests(E2EEnvironment env)
{
    [Fact]
    public async Task Without_get_on_secrets_the_backup_waits_and_the_log_and_status_name_the_missing_permission()
    {
        var ct = TestTimeout.Token();
        // A Secret the operator has never read: a read it made earlier may be reused for Ocp:SecretCacheDuration.
        await env.CreateSecretAsync("ocp-rbac-test", new()
        {
            ["url"] = env.Simulator.Url,
            ["username"] = SimulatorHandle.User,
            ["password"] = SimulatorHandle.Password,
        }, ct);
        var role = await env.Admin.RbacAuthorizationV1.ReadClusterRoleAsync("backup-operator-manager", cancellationToken: ct);
        var original = role.Rules.ToList();
        role.Rules = original.Where(r => !r.Resources.Contains("secrets")).ToList();
        await env.Admin.RbacAuthorizationV1.ReplaceClusterRoleAsync(role, role.Metadata.Name, cancellationToken: ct);
        try
        {
            await env.CreateBackupAsync(Backups.Nfs("no-secret-access", 601, secret: "ocp-rbac-test"), ct);
            var pending = await env.WaitForPhaseAsync("no-secret-access", [BackupPhase.Pending], TimeSpan.FromSeconds(60), ct);
            Assert.Equal("ConfigurationInvalid", pending.Status!.Reason);
            Assert.Contains("RBAC must grant 'get' on secrets", pending.Status.Message, StringComparison.Ordinal);
            // The child's output reaches its log file asynchronously.
            await env.UntilAsync(() => Task.FromResult(env.Operator.Log.Contains("RBAC must grant 'get' on secrets", StringComparison.Ordinal)),
                TimeSpan.FromSeconds(10), "the RBAC hint in the operator's log", ct);
            Assert.Equal(0, await env.Simulator.PostsAsync(601, ct));
        }
        finally
        {
            var current = await env.Admin.RbacAuthorizationV1.ReadClusterRoleAsync("backup-operator-manager", cancellationToken: ct);
            current.Rules = original;
            await env.Admin.RbacAuthorizationV1.ReplaceClusterRoleAsync(current, current.Metadata.Name, cancellationToken: ct);
        }

        // Permission back: the backup proceeds by itself.
        var done = await env.WaitForPhaseAsync("no-secret-access", [BackupPhase.Succeeded, BackupPhase.Failed], TimeSpan.FromSeconds(90), ct);
        Assert.Equal(BackupPhase.Succeeded, done.Status!.Phase);
    }
}
