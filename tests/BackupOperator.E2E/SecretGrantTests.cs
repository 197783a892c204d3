using System.Text.Json;
using BackupOperator.E2E.Infrastructure;
using BackupOperator.Entities;
using k8s;
using k8s.Models;

namespace BackupOperator.E2E;

/// <summary>
/// The operator reads no Secret it was not given, on the real API server with config/rbac: nothing on
/// Secrets cluster-wide, connection credentials only in its credentials namespace, a team's Secret
/// only once the team granted it by name (`kubectl ocp secret grant`), and OCP hears nothing before.
/// </summary>
[Collection(E2ECollection.Name)]
public sealed class SecretGrantTests(E2EEnvironment env)
{
    private const string Operator = $"system:serviceaccount:{E2EEnvironment.OperatorNamespace}:{E2EEnvironment.OperatorServiceAccount}";

    [Fact]
    public async Task Config_rbac_lets_the_operator_get_secrets_only_in_its_credentials_namespace_and_those_granted_by_name()
    {
        var ct = TestTimeout.Token();
        var team = await NamespaceAsync("grant-rbac", ct);
        await env.CreateSecretAsync("granted", new() { ["username"] = "u", ["password"] = "p" }, ct, team);
        await env.CreateSecretAsync("not-granted", new() { ["username"] = "u", ["password"] = "p" }, ct, team, openToBackups: false);

        Assert.Equal("no", await CanIAsync(ct, "get", "secrets", "-n", E2EEnvironment.Namespace));
        Assert.Equal("no", await CanIAsync(ct, "get", "secrets", "-n", "kube-system"));
        Assert.Equal("no", await CanIAsync(ct, "get", "secrets", "--all-namespaces"));
        Assert.Equal("no", await CanIAsync(ct, "list", "secrets", "-n", E2EEnvironment.OperatorNamespace));
        Assert.Equal("no", await CanIAsync(ct, "watch", "secrets", "-n", E2EEnvironment.OperatorNamespace));
        Assert.Equal("yes", await CanIAsync(ct, "get", "secrets", "-n", E2EEnvironment.OperatorNamespace));
        Assert.Equal("yes", await CanIAsync(ct, "get", "secrets/granted", "-n", team));
        Assert.Equal("no", await CanIAsync(ct, "get", "secrets/not-granted", "-n", team));
        Assert.Equal("no", await CanIAsync(ct, "list", "secrets", "-n", team));
    }

    [Fact]
    public async Task A_backup_naming_an_ungranted_secret_waits_with_the_commands_and_backs_up_once_after_kubectl_ocp_secret_grant()
    {
        await KubectlOcp.PublishedAsync(TestTimeout.Token(10)); // published once per run: a build, not part of this test's bound
        var ct = TestTimeout.Token();
        var team = await NamespaceAsync("grant-later", ct);
        await env.CreateSecretAsync("team-ocp", new()
        {
            ["url"] = env.Simulator.Url,
            ["username"] = SimulatorHandle.User,
            ["password"] = SimulatorHandle.Password,
        }, ct, team, openToBackups: false);
        await env.CreateBackupAsync(Backups.Nfs("waits-for-grant", 9761, secret: "team-ocp", ns: team), ct);

        var waiting = await WaitForReasonAsync("waits-for-grant", team, "SecretNotGranted", ct);
        Assert.Equal(BackupPhase.Pending, waiting.Status!.Phase);
        Assert.Contains($"kubectl -n {team} create role backup-operator-read-team-ocp --verb=get --resource=secrets --resource-name=team-ocp", waiting.Status.Message, StringComparison.Ordinal);
        Assert.Contains($"kubectl -n {team} create rolebinding backup-operator-read-team-ocp --role=backup-operator-read-team-ocp --serviceaccount={E2EEnvironment.OperatorNamespace}:{E2EEnvironment.OperatorServiceAccount}",
            waiting.Status.Message, StringComparison.Ordinal);
        var told = await env.WaitForEventAsync("waits-for-grant", e => e.Reason == "SecretNotGranted", ct, team);
        Assert.Equal("Warning", told.Type);
        // Looked at again, to the end (Backup:BusyRecheckInterval is 0.5 s here), and still waiting; OCP heard nothing.
        await env.UntilReconciledSinceAsync(team, "waits-for-grant", env.Operator.ReconcilesOf(team, "waits-for-grant"), ct);
        Assert.Equal(BackupPhase.Pending, (await env.GetBackupAsync("waits-for-grant", ct, team)).Status!.Phase);
        await env.Simulator.AssertNothingSentAsync(9761, ct);

        var admin = new Dictionary<string, string> { ["KUBECONFIG"] = env.Api.AdminKubeconfig };
        var grant = await KubectlOcp.RunAsync(["secret", "grant", "team-ocp", "-n", team], ct, admin);
        Assert.True(grant.ExitCode == 0, grant.ToString());
        Assert.Equal(["role.rbac.authorization.k8s.io/backup-operator-read-team-ocp created", "rolebinding.rbac.authorization.k8s.io/backup-operator-read-team-ocp created"], grant.Lines);
        var again = await KubectlOcp.RunAsync(["secret", "grant", "team-ocp", "-n", team], ct, admin);
        Assert.True(again.ExitCode == 0, again.ToString());
        Assert.Equal(["role.rbac.authorization.k8s.io/backup-operator-read-team-ocp unchanged", "rolebinding.rbac.authorization.k8s.io/backup-operator-read-team-ocp unchanged"], again.Lines);

        var done = await env.WaitForPhaseAsync("waits-for-grant", [BackupPhase.Succeeded, BackupPhase.Failed], TimeSpan.FromSeconds(90), ct, team);
        Assert.Equal(BackupPhase.Succeeded, done.Status!.Phase);
        await env.Simulator.AssertOwnBackupOnlyAsync(done, ct);
    }

    [Fact]
    public async Task A_connection_naming_credentials_outside_the_credentials_namespace_is_not_ready_and_sends_nothing()
    {
        var ct = TestTimeout.Token();
        var team = await NamespaceAsync("grant-elsewhere", ct);
        // Even granted by its namespace, a connection editor may not have this Secret sent anywhere.
        await env.CreateSecretAsync("elsewhere-creds", new() { ["username"] = SimulatorHandle.User, ["password"] = SimulatorHandle.Password }, ct, team);
        await Manifests.CreateConnectionAsync(env.Admin, new V1alpha1ClusterOcpConnection
        {
            Metadata = new V1ObjectMeta { Name = "conn-elsewhere" },
            Spec = new ClusterOcpConnectionSpec
            {
                Url = env.Simulator.Url,
                CredentialsSecretRef = new SecretReference { Namespace = team, Name = "elsewhere-creds" },
                Namespaces = [team],
            },
        }, ct);
        var backup = Backups.Nfs("through-elsewhere", 9311, ns: team);
        backup.Spec.OcpSecretRef = null;
        backup.Spec.OcpConnectionRef = new OcpConnectionReference { Name = "conn-elsewhere" };
        await env.CreateBackupAsync(backup, ct);

        V1Condition? ready = null;
        await env.UntilAsync(async () => (ready = (await ConnectionAsync("conn-elsewhere", ct)).Status.ReadyCondition())?.Reason == "SecretNamespaceNotAllowed",
            TimeSpan.FromSeconds(60), "conn-elsewhere Ready=False SecretNamespaceNotAllowed", ct);
        Assert.Equal("False", ready!.Status);
        Assert.Contains($"only in namespace {E2EEnvironment.OperatorNamespace}", ready.Message, StringComparison.Ordinal);
        var waiting = await WaitForReasonAsync("through-elsewhere", team, "SecretNamespaceNotAllowed", ct);
        Assert.Equal(BackupPhase.Pending, waiting.Status!.Phase);
        Assert.Contains($"set spec.credentialsSecretRef.namespace to {E2EEnvironment.OperatorNamespace}", waiting.Status.Message, StringComparison.Ordinal);
        await env.Simulator.AssertNothingSentAsync(9311, ct);
    }

    [Fact]
    public async Task A_secret_with_an_ocp_url_is_refused_as_object_store_keys()
    {
        var ct = TestTimeout.Token();
        const string Value = "oss-url-key-Secret-3b8e";
        await env.CreateSecretAsync("oss-with-url", new() { ["url"] = env.Simulator.Url, ["accessKeyId"] = SimulatorHandle.User, ["accessKeySecret"] = Value }, ct);
        var backup = Backups.Nfs("key-is-ocp", 9321);
        backup.Spec.ObBackupServiceStorageConfig!.ObBackupStorageBaseInfo = new ObBackupStorageBaseInfo
        {
            BackupStorageType = "BACKUP_STORAGE_OSS",
            StorageUrl = "oss://bucket/backup",
            Endpoint = "oss-cn-hangzhou.aliyuncs.com",
            AccessKeySecretRef = new AccessKeySecretReference { Name = "oss-with-url" },
        };
        await env.CreateBackupAsync(backup, ct);

        var refused = await env.WaitForPhaseAsync("key-is-ocp", [BackupPhase.Failed, BackupPhase.Succeeded], TimeSpan.FromSeconds(60), ct);
        Assert.Equal((BackupPhase.Failed, "NotAllowed"), (refused.Status!.Phase, refused.Status.Reason));
        Assert.Contains($"Secret {E2EEnvironment.Namespace}/oss-with-url (accessKeySecretRef) has a 'url' key", refused.Status.Message, StringComparison.Ordinal);
        Assert.Contains("OCP credentials are never sent as object-store keys", refused.Status.Message, StringComparison.Ordinal);
        var said = KubernetesJson.Serialize(refused.Status) + string.Join('\n', (await env.EventsForAsync("key-is-ocp", ct)).Select(e => e.Note));
        Assert.DoesNotContain(Value, said, StringComparison.Ordinal);
        Assert.DoesNotContain(env.Simulator.Url, said, StringComparison.Ordinal);
        await env.Simulator.AssertNothingSentAsync(9321, ct);
    }

    /// <summary>`kubectl auth can-i VERB RESOURCE ARGS --as=<the operator>` with the administrator's kubeconfig: "yes" or "no".</summary>
    private async Task<string> CanIAsync(CancellationToken ct, params string[] args)
    {
        var run = await Kubectl.RunAsync(env.Api.AdminKubeconfig, ["auth", "can-i", .. args, $"--as={Operator}"], ct);
        var answer = run.Stdout.Trim();
        Assert.True(answer is "yes" or "no" && run.ExitCode == (answer == "yes" ? 0 : 1), run.ToString());
        return answer;
    }

    private async Task<V1alpha1ClusterBackupNow> WaitForReasonAsync(string name, string ns, string reason, CancellationToken ct)
    {
        V1alpha1ClusterBackupNow? last = null;
        await env.UntilAsync(async () => (last = await env.GetBackupAsync(name, ct, ns)).Status?.Reason == reason, TimeSpan.FromSeconds(60),
            $"{ns}/{name} with reason {reason}", ct);
        return last!;
    }

    private async Task<V1alpha1ClusterOcpConnection> ConnectionAsync(string name, CancellationToken ct)
    {
        var obj = await env.Admin.CustomObjects.GetClusterCustomObjectAsync(
            V1alpha1ClusterOcpConnection.ApiGroup, V1alpha1ClusterOcpConnection.Version, V1alpha1ClusterOcpConnection.Plural, name, ct);
        return KubernetesJson.Deserialize<V1alpha1ClusterOcpConnection>(((JsonElement)obj).GetRawText());
    }

    private async Task<string> NamespaceAsync(string prefix, CancellationToken ct)
    {
        var name = $"{prefix}-{Guid.NewGuid().ToString("N")[..6]}";
        await env.Admin.CoreV1.CreateNamespaceAsync(new V1Namespace { Metadata = new V1ObjectMeta { Name = name } }, cancellationToken: ct);
        return name;
    }
}
