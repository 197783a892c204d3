using BackupOperator.E2E.Infrastructure;
using BackupOperator.Entities;
using k8s;
using k8s.Models;

namespace BackupOperator.E2E;

/// <summary>
/// The operator's own API client with the credentials a cluster hands out besides a fixed token: a
/// client certificate, and a token file that is rotated (as the kubelet rotates a Pod's projected
/// service account token) after the old token stopped being accepted. Each runs the operator alone,
/// bound to the operator's roles like its ServiceAccount, and restores the shared one after.
/// </summary>
[Collection(E2ECollection.Name)]
public sealed class OperatorCredentialsTests(E2EEnvironment env)
{
    private static readonly string[] Terminal = [BackupPhase.Succeeded, BackupPhase.Failed];
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(90);

    [Fact]
    public async Task With_a_client_certificate_the_operator_runs_a_backup()
    {
        var ct = TestTimeout.Token();
        await BindOperatorRolesAsync("cert", new Rbacv1Subject { Kind = "User", Name = KubeApiServer.CertificateUser, ApiGroup = "rbac.authorization.k8s.io" }, ct);
        var kubeconfig = Path.Combine(env.Api.Directory, "cert-operator.kubeconfig");
        env.Api.WriteClientCertificateKubeconfig(kubeconfig);

        await WithOwnOperatorAsync(kubeconfig, async op =>
        {
            await env.CreateBackupAsync(Backups.Nfs("cert-auth", 611), ct);
            var done = await env.WaitForPhaseAsync("cert-auth", Terminal, Timeout, ct);
            Assert.Equal(BackupPhase.Succeeded, done.Status!.Phase);
            // The kubeconfig holds no token: without the certificate the operator would be system:anonymous, allowed nothing.
            Assert.Equal(1, await env.Simulator.StartedAsync(611, ct));
        }, ct);
    }

    [Fact]
    public async Task A_token_file_rotated_after_its_token_was_revoked_is_used_without_a_restart()
    {
        var ct = TestTimeout.Token();
        var first = await ServiceAccountWithOperatorRolesAsync("rotating-first", ct);
        var second = await ServiceAccountWithOperatorRolesAsync("rotating-second", ct);
        var tokenFile = Path.Combine(env.Api.Directory, "rotating.token");
        var firstToken = await TokenAsync(first, ct);
        await File.WriteAllTextAsync(tokenFile, firstToken + "\n", ct);
        var kubeconfig = Path.Combine(env.Api.Directory, "rotating-operator.kubeconfig");
        env.Api.WriteTokenFileKubeconfig(kubeconfig, tokenFile);

        await WithOwnOperatorAsync(kubeconfig, async op =>
        {
            await env.CreateBackupAsync(Backups.Nfs("token-before-rotation", 612), ct);
            Assert.Equal(BackupPhase.Succeeded, (await env.WaitForPhaseAsync("token-before-rotation", Terminal, Timeout, ct)).Status!.Phase);

            // The first token stops being accepted (its ServiceAccount is gone); the file then holds another.
            var next = await TokenAsync(second, ct);
            await env.Admin.CoreV1.DeleteNamespacedServiceAccountAsync(first, E2EEnvironment.OperatorNamespace, cancellationToken: ct);
            using var revoked = env.Api.Client(firstToken);
            await env.UntilAsync(async () => await IsRefusedAsync(revoked, ct), Timeout, "the first token refused", ct);
            await File.WriteAllTextAsync(tokenFile, next + "\n", ct);

            await env.CreateBackupAsync(Backups.Nfs("token-after-rotation", 613), ct);
            var after = await env.WaitForPhaseAsync("token-after-rotation", Terminal, Timeout, ct);
            Assert.Equal(BackupPhase.Succeeded, after.Status!.Phase);
            Assert.False(op.HasExited);
            Assert.Equal(1, await env.Simulator.StartedAsync(613, ct));
        }, ct);
    }

    /// <summary>Stops the shared operator, runs <paramref name="body"/> with one on <paramref name="kubeconfig"/>, then brings the shared one back.</summary>
    private async Task WithOwnOperatorAsync(string kubeconfig, Func<OperatorProcess, Task> body, CancellationToken ct)
    {
        env.Operator.Kill();
        try
        {
            using var own = await env.StartOperatorAsync(ct, kubeconfig: kubeconfig);
            try
            {
                await body(own);
            }
            finally
            {
                own.Kill();
            }
        }
        finally
        {
            await env.RestartOperatorAsync(ct);
        }
    }

    private async Task<string> ServiceAccountWithOperatorRolesAsync(string name, CancellationToken ct)
    {
        await env.Admin.CoreV1.CreateNamespacedServiceAccountAsync(new V1ServiceAccount { Metadata = new V1ObjectMeta { Name = name } },
            E2EEnvironment.OperatorNamespace, cancellationToken: ct);
        await BindOperatorRolesAsync(name, new Rbacv1Subject { Kind = "ServiceAccount", Name = name, NamespaceProperty = E2EEnvironment.OperatorNamespace }, ct);
        return name;
    }

    /// <summary>The operator's ClusterRole and leader-election Role (config/rbac), bound to <paramref name="subject"/> as to the operator's ServiceAccount.</summary>
    private async Task BindOperatorRolesAsync(string name, Rbacv1Subject subject, CancellationToken ct)
    {
        var binding = $"backup-operator-{name}";
        await env.Admin.RbacAuthorizationV1.CreateClusterRoleBindingAsync(new V1ClusterRoleBinding
        {
            Metadata = new V1ObjectMeta { Name = binding },
            RoleRef = new V1RoleRef { ApiGroup = "rbac.authorization.k8s.io", Kind = "ClusterRole", Name = "backup-operator-manager" },
            Subjects = [subject],
        }, cancellationToken: ct);
        await env.Admin.RbacAuthorizationV1.CreateNamespacedRoleBindingAsync(new V1RoleBinding
        {
            Metadata = new V1ObjectMeta { Name = binding },
            RoleRef = new V1RoleRef { ApiGroup = "rbac.authorization.k8s.io", Kind = "Role", Name = "backup-operator-leader-election" },
            Subjects = [subject],
        }, E2EEnvironment.OperatorNamespace, cancellationToken: ct);
        // The team's grant of its Secret names the operator's identity: this one is the operator here.
        await env.Admin.RbacAuthorizationV1.CreateNamespacedRoleBindingAsync(new V1RoleBinding
        {
            Metadata = new V1ObjectMeta { Name = binding },
            RoleRef = new V1RoleRef { ApiGroup = "rbac.authorization.k8s.io", Kind = "Role", Name = SecretGrant.RoleName("ocp-credentials") },
            Subjects = [subject],
        }, E2EEnvironment.Namespace, cancellationToken: ct);
    }

    private static async Task<bool> IsRefusedAsync(IKubernetes client, CancellationToken ct)
    {
        try
        {
            await client.CoordinationV1.ListNamespacedLeaseAsync(E2EEnvironment.OperatorNamespace, cancellationToken: ct);
            return false;
        }
        catch (k8s.Autorest.HttpOperationException e)
        {
            // 403: still authenticated (not allowed to list); 401: the token is refused.
            return e.Response.StatusCode == System.Net.HttpStatusCode.Unauthorized;
        }
    }

    private async Task<string> TokenAsync(string serviceAccount, CancellationToken ct) =>
        (await env.Admin.CoreV1.CreateNamespacedServiceAccountTokenAsync(
            new Authenticationv1TokenRequest { Spec = new V1TokenRequestSpec { Audiences = ["https://kubernetes.default.svc"], ExpirationSeconds = 3600 } },
            serviceAccount, E2EEnvironment.OperatorNamespace, cancellationToken: ct)).Status.Token;
}
