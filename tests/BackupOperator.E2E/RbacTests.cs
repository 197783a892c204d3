using BackupOperator.E2E.Infrastructure;
using BackupOperator.Entities;
using k8s;
using k8s.Models;

namespace BackupOperator.E2E;

/// <summary>The operator runs with exactly config/rbac; take a permission away and it says so, clearly.</summary>
[Collection(E2ECollection.Name)]
public sealed class RbacTests(E2EEnvironment env)
{
    private const string CredentialsRole = "backup-operator-credentials";

    [Fact]
    public async Task Without_get_on_secrets_in_the_credentials_namespace_the_backup_waits_and_the_log_and_status_name_the_missing_permission()
    {
        var ct = TestTimeout.Token();
        const string Ns = E2EEnvironment.OperatorNamespace;
        var role = await env.Admin.RbacAuthorizationV1.ReadNamespacedRoleAsync(CredentialsRole, Ns, cancellationToken: ct);
        var original = role.Rules.ToList();
        role.Rules = [];
        await env.Admin.RbacAuthorizationV1.ReplaceNamespacedRoleAsync(role, CredentialsRole, Ns, cancellationToken: ct);
        try
        {
            // A Secret and a connection the operator has never read (a read is reused for Ocp:SecretCacheDuration),
            // made only after the permission is gone: the connection's own check reads the Secret too.
            await env.CreateSecretAsync("ocp-rbac-test", new() { ["username"] = SimulatorHandle.User, ["password"] = SimulatorHandle.Password }, ct, Ns, openToBackups: false);
            await Manifests.CreateConnectionAsync(env.Admin, new V1alpha1ClusterOcpConnection
            {
                Metadata = new V1ObjectMeta { Name = "conn-rbac-test" },
                Spec = new ClusterOcpConnectionSpec
                {
                    Url = env.Simulator.Url,
                    CredentialsSecretRef = new SecretReference { Namespace = Ns, Name = "ocp-rbac-test" },
                    Namespaces = [E2EEnvironment.Namespace],
                },
            }, ct);
            var backup = Backups.Nfs("no-secret-access", 601);
            backup.Spec.OcpSecretRef = null;
            backup.Spec.OcpConnectionRef = new OcpConnectionReference { Name = "conn-rbac-test" };
            await env.CreateBackupAsync(backup, ct);
            var pending = await env.WaitForPhaseAsync("no-secret-access", [BackupPhase.Pending], TimeSpan.FromSeconds(60), ct);
            await env.UntilAsync(async () => (await env.GetBackupAsync("no-secret-access", ct)).Status?.Message?.Contains("RBAC must grant", StringComparison.Ordinal) == true,
                TimeSpan.FromSeconds(30), "the RBAC hint in the status", ct);
            pending = await env.GetBackupAsync("no-secret-access", ct);
            Assert.Equal("ConfigurationInvalid", pending.Status!.Reason);
            Assert.Contains($"the operator may not read Secret {Ns}/ocp-rbac-test", pending.Status.Message, StringComparison.Ordinal);
            Assert.Contains($"config/rbac's Role {CredentialsRole} in namespace {Ns}", pending.Status.Message, StringComparison.Ordinal);
            // The child's output reaches its log file asynchronously.
            await env.UntilAsync(() => Task.FromResult(env.Operator.Log.Contains($"config/rbac's Role {CredentialsRole}", StringComparison.Ordinal)),
                TimeSpan.FromSeconds(10), "the RBAC hint in the operator's log", ct);
            Assert.Equal(0, await env.Simulator.PostsAsync(601, ct));
        }
        finally
        {
            var current = await env.Admin.RbacAuthorizationV1.ReadNamespacedRoleAsync(CredentialsRole, Ns, cancellationToken: CancellationToken.None);
            current.Rules = original;
            await env.Admin.RbacAuthorizationV1.ReplaceNamespacedRoleAsync(current, CredentialsRole, Ns, cancellationToken: CancellationToken.None);
        }

        // Permission back: the backup proceeds by itself.
        var done = await env.WaitForPhaseAsync("no-secret-access", [BackupPhase.Succeeded, BackupPhase.Failed], TimeSpan.FromSeconds(90), ct);
        Assert.Equal(BackupPhase.Succeeded, done.Status!.Phase);
    }
}
