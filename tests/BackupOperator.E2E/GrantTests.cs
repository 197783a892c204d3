using System.Net;
using BackupOperator.E2E.Infrastructure;
using BackupOperator.Entities;
using k8s;
using k8s.Autorest;
using k8s.Models;

namespace BackupOperator.E2E;

/// <summary>
/// Who may back up which OCP cluster, against the real API server and its RBAC: a ClusterOcpConnection
/// grants namespaces (by name or label) and clusters; a namespace's own Secret is used only when its
/// namespace granted the operator 'get' on it. A refused backup ends NotAllowed, an ungranted Secret
/// waits (SecretNotGranted), and OCP never hears of either.
/// </summary>
[Collection(E2ECollection.Name)]
public sealed class GrantTests(E2EEnvironment env)
{
    // Connection credentials live in the credentials namespace (Ocp:CredentialsNamespace: the operator's own).
    private const string AdminNamespace = E2EEnvironment.OperatorNamespace;

    [Fact]
    public async Task A_namespace_outside_the_grant_is_refused_while_the_granted_one_backs_up()
    {
        var ct = TestTimeout.Token();
        var (teamA, teamB) = (await NamespaceAsync("grant-a", ct), await NamespaceAsync("grant-b", ct));
        await ConnectionAsync("conn-by-name", ct, namespaces: [teamA]);

        await env.CreateBackupAsync(Shared("outsider", 9101, teamB, "conn-by-name"), ct);
        await env.CreateBackupAsync(Shared("insider", 9102, teamA, "conn-by-name"), ct);

        var refused = await env.WaitForPhaseAsync("outsider", [BackupPhase.Failed, BackupPhase.Succeeded], TimeSpan.FromSeconds(60), ct, teamB);
        Assert.Equal(("Failed", "NotAllowed"), (refused.Status!.Phase, refused.Status.Reason));
        Assert.Contains($"ClusterOcpConnection conn-by-name does not grant namespace {teamB}", refused.Status.Message, StringComparison.Ordinal);
        var warning = await env.WaitForEventAsync("outsider", e => e.Reason == "NotAllowed", ct, teamB);
        Assert.Equal("Warning", warning.Type);
        var allowed = await env.WaitForPhaseAsync("insider", [BackupPhase.Succeeded, BackupPhase.Failed], TimeSpan.FromSeconds(90), ct, teamA);
        Assert.Equal(BackupPhase.Succeeded, allowed.Status!.Phase);
        await env.Simulator.AssertNothingSentAsync(9101, ct);
        await env.Simulator.AssertOwnBackupOnlyAsync(allowed, ct);
    }

    [Fact]
    public async Task A_cluster_outside_the_allowed_list_is_refused()
    {
        var ct = TestTimeout.Token();
        var team = await NamespaceAsync("grant-c", ct);
        await ConnectionAsync("conn-clusters", ct, namespaces: [team], clusters: [9111]);

        await env.CreateBackupAsync(Shared("other-cluster", 9112, team, "conn-clusters"), ct);
        await env.CreateBackupAsync(Shared("listed-cluster", 9111, team, "conn-clusters"), ct);

        var refused = await env.WaitForPhaseAsync("other-cluster", [BackupPhase.Failed, BackupPhase.Succeeded], TimeSpan.FromSeconds(60), ct, team);
        Assert.Equal("NotAllowed", refused.Status!.Reason);
        Assert.Contains("does not allow cluster 9112 (spec.allowedClusterIds: 9111)", refused.Status.Message, StringComparison.Ordinal);
        var listed = await env.WaitForPhaseAsync("listed-cluster", [BackupPhase.Succeeded, BackupPhase.Failed], TimeSpan.FromSeconds(90), ct, team);
        Assert.Equal(BackupPhase.Succeeded, listed.Status!.Phase);
        await env.Simulator.AssertOwnBackupOnlyAsync(listed, ct);
        await env.Simulator.AssertNothingSentAsync(9112, ct);
    }

    [Fact]
    public async Task A_connection_whose_secret_is_missing_waits_and_backs_up_once_the_secret_exists()
    {
        var ct = TestTimeout.Token();
        var team = await NamespaceAsync("grant-d", ct);
        await ConnectionAsync("conn-no-secret", ct, namespaces: [team], secret: "not-yet-there");

        await env.CreateBackupAsync(Shared("waits-for-secret", 9121, team, "conn-no-secret"), ct);

        var waiting = await env.WaitForPhaseAsync("waits-for-secret", [BackupPhase.Pending], TimeSpan.FromSeconds(60), ct, team);
        Assert.Equal("ConfigurationInvalid", waiting.Status!.Reason);
        Assert.Contains($"Secret {AdminNamespace}/not-yet-there", waiting.Status.Message, StringComparison.Ordinal);
        await env.Simulator.AssertNothingSentAsync(9121, ct);

        await CredentialsAsync("not-yet-there", ct);
        var done = await env.WaitForPhaseAsync("waits-for-secret", [BackupPhase.Succeeded, BackupPhase.Failed], TimeSpan.FromSeconds(90), ct, team);
        Assert.Equal(BackupPhase.Succeeded, done.Status!.Phase);
        await env.Simulator.AssertOwnBackupOnlyAsync(done, ct);
    }

    [Fact]
    public async Task A_label_selector_grant_follows_the_namespace_labels_and_never_touches_a_submitted_backup()
    {
        var ct = TestTimeout.Token();
        var team = await NamespaceAsync("grant-e", ct, labels: new() { ["backup-tier"] = "gold" });
        await ConnectionAsync("conn-by-label", ct, selector: new V1LabelSelector { MatchLabels = new Dictionary<string, string> { ["backup-tier"] = "gold" } });

        await env.CreateBackupAsync(Shared("while-labelled", 9131, team, "conn-by-label"), ct);
        var first = await env.WaitForPhaseAsync("while-labelled", [BackupPhase.Succeeded, BackupPhase.Failed], TimeSpan.FromSeconds(90), ct, team);
        Assert.Equal(BackupPhase.Succeeded, first.Status!.Phase);
        await env.Simulator.AssertOwnBackupOnlyAsync(first, ct);

        var ns = await env.Admin.CoreV1.ReadNamespaceAsync(team, cancellationToken: ct);
        ns.Metadata.Labels.Remove("backup-tier");
        await env.Admin.CoreV1.ReplaceNamespaceAsync(ns, team, cancellationToken: ct);
        await env.CreateBackupAsync(Shared("after-unlabel", 9132, team, "conn-by-label"), ct);

        var refused = await env.WaitForPhaseAsync("after-unlabel", [BackupPhase.Failed, BackupPhase.Succeeded], TimeSpan.FromSeconds(60), ct, team);
        Assert.Equal("NotAllowed", refused.Status!.Reason);
        Assert.Contains("labels do not match spec.namespaceSelector", refused.Status.Message, StringComparison.Ordinal);
        await env.Simulator.AssertNothingSentAsync(9132, ct);
        var unchanged = await env.GetBackupAsync("while-labelled", ct, team);
        Assert.Equal(BackupPhase.Succeeded, unchanged.Status!.Phase);
        Assert.Equal(first.Status.TaskIds!, unchanged.Status.TaskIds!);
    }

    [Fact]
    public async Task A_user_who_may_only_create_backups_can_use_neither_an_ungranted_connection_nor_a_secret_they_cannot_read()
    {
        var ct = TestTimeout.Token();
        var (mine, theirs) = (await NamespaceAsync("grant-dev", ct), await NamespaceAsync("grant-other", ct));
        await ConnectionAsync("conn-theirs", ct, namespaces: [theirs]);
        // Someone else's OCP credentials in the developer's namespace, not granted to the operator; and an object-store key likewise.
        await env.CreateSecretAsync("team-ocp", new() { ["url"] = env.Simulator.Url, ["username"] = SimulatorHandle.User, ["password"] = SimulatorHandle.Password }, ct, mine, openToBackups: false);
        await env.CreateSecretAsync("team-oss", new() { ["accessKeyId"] = "AK-team", ["accessKeySecret"] = "SK-team-private" }, ct, mine, openToBackups: false);
        await env.CreateSecretAsync("opened-ocp", new() { ["url"] = env.Simulator.Url, ["username"] = SimulatorHandle.User, ["password"] = SimulatorHandle.Password }, ct, mine);
        var dev = await DeveloperAsync(mine, ct);

        // What the developer's token can do by itself: create backups, not read Secrets, not make connections.
        var read = await Assert.ThrowsAsync<HttpOperationException>(() => dev.CoreV1.ReadNamespacedSecretAsync("team-ocp", mine, cancellationToken: ct));
        Assert.Equal(HttpStatusCode.Forbidden, read.Response.StatusCode);
        var connect = await Assert.ThrowsAsync<HttpOperationException>(() => dev.CustomObjects.CreateClusterCustomObjectAsync(
            Connection("conn-mine", [mine], null, null, "x"), V1alpha1ClusterOcpConnection.ApiGroup, V1alpha1ClusterOcpConnection.Version, V1alpha1ClusterOcpConnection.Plural, cancellationToken: ct));
        Assert.Equal(HttpStatusCode.Forbidden, connect.Response.StatusCode);
        var grant = await Assert.ThrowsAsync<HttpOperationException>(() => SecretGrants.GrantAsync(dev, mine, "team-ocp", ct));
        Assert.Equal(HttpStatusCode.Forbidden, grant.Response.StatusCode);

        await Manifests.CreateBackupAsync(dev, Shared("borrowed-connection", 9141, mine, "conn-theirs"), mine, ct);
        var ownSecret = Backups.Nfs("borrowed-secret", 9142, secret: "team-ocp", ns: mine);
        await Manifests.CreateBackupAsync(dev, ownSecret, mine, ct);
        var oss = Backups.Nfs("borrowed-key", 9143, secret: "opened-ocp", ns: mine);
        oss.Spec.ObBackupServiceStorageConfig!.ObBackupStorageBaseInfo = new ObBackupStorageBaseInfo
        {
            BackupStorageType = "BACKUP_STORAGE_OSS",
            StorageUrl = "oss://bucket/backup",
            Endpoint = "oss-cn-hangzhou.aliyuncs.com",
            AccessKeySecretRef = new AccessKeySecretReference { Name = "team-oss" },
        };
        await Manifests.CreateBackupAsync(dev, oss, mine, ct);

        foreach (var (name, phase, reason, expected) in new[]
        {
            ("borrowed-connection", BackupPhase.Failed, "NotAllowed", $"ClusterOcpConnection conn-theirs does not grant namespace {mine}"),
            ("borrowed-secret", BackupPhase.Pending, "SecretNotGranted", $"Secret {mine}/team-ocp (spec.ocpSecretRef) is not granted to the operator"),
            ("borrowed-key", BackupPhase.Pending, "SecretNotGranted", $"Secret {mine}/team-oss (accessKeySecretRef) is not granted to the operator"),
        })
        {
            var refused = await env.WaitForPhaseAsync(name, [phase], TimeSpan.FromSeconds(60), ct, mine);
            await env.UntilAsync(async () => (await env.GetBackupAsync(name, ct, mine)).Status?.Reason == reason, TimeSpan.FromSeconds(30), $"{name} {reason}", ct);
            refused = await env.GetBackupAsync(name, ct, mine);
            Assert.Equal(reason, refused.Status!.Reason);
            Assert.Contains(expected, refused.Status.Message, StringComparison.Ordinal);
            var said = string.Join('\n', (await env.EventsForAsync(name, ct, mine)).Select(e => e.Note)) + KubernetesJson.Serialize(refused.Status);
            Assert.DoesNotContain(SimulatorHandle.Password, said, StringComparison.Ordinal);
            Assert.DoesNotContain("SK-team-private", said, StringComparison.Ordinal);
        }

        foreach (var cluster in new long[] { 9141, 9142, 9143 })
        {
            await env.Simulator.AssertNothingSentAsync(cluster, ct);
        }

        Assert.DoesNotContain("SK-team-private", env.AllOperatorLogs, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(true, true)]
    [InlineData(false, false)]
    public async Task A_backup_naming_both_connections_or_none_is_refused_at_apply(bool secret, bool connection)
    {
        var ct = TestTimeout.Token();
        var backup = Backups.Nfs($"refs-{secret}-{connection}".ToLowerInvariant(), 9151);
        backup.Spec.OcpSecretRef = secret ? new LocalSecretReference { Name = "ocp-credentials" } : null;
        backup.Spec.OcpConnectionRef = connection ? new OcpConnectionReference { Name = "any" } : null;

        var refused = await Assert.ThrowsAsync<HttpOperationException>(() => env.CreateBackupAsync(backup, ct));

        Assert.Equal(HttpStatusCode.UnprocessableEntity, refused.Response.StatusCode);
    }

    private static V1alpha1ClusterBackupNow Shared(string name, long clusterId, string ns, string connection)
    {
        var backup = Backups.Nfs(name, clusterId, ns: ns);
        backup.Spec.OcpSecretRef = null;
        backup.Spec.OcpConnectionRef = new OcpConnectionReference { Name = connection };
        return backup;
    }

    private async Task<string> NamespaceAsync(string prefix, CancellationToken ct, Dictionary<string, string>? labels = null)
    {
        var name = $"{prefix}-{Guid.NewGuid().ToString("N")[..6]}";
        await env.Admin.CoreV1.CreateNamespaceAsync(new V1Namespace { Metadata = new V1ObjectMeta { Name = name, Labels = labels } }, cancellationToken: ct);
        return name;
    }

    /// <summary>The administrator's side: the credentials Secret in their own namespace, and the connection.</summary>
    private async Task ConnectionAsync(string name, CancellationToken ct, List<string>? namespaces = null, V1LabelSelector? selector = null,
        List<long>? clusters = null, string secret = "shared-ocp-credentials")
    {
        try
        {
            await env.Admin.CoreV1.CreateNamespaceAsync(new V1Namespace { Metadata = new V1ObjectMeta { Name = AdminNamespace } }, cancellationToken: ct);
        }
        catch (HttpOperationException e) when (e.Response.StatusCode == HttpStatusCode.Conflict)
        {
            // another test made it
        }

        if (secret == "shared-ocp-credentials")
        {
            try
            {
                await CredentialsAsync(secret, ct);
            }
            catch (HttpOperationException e) when (e.Response.StatusCode == HttpStatusCode.Conflict)
            {
                // another test made it
            }
        }

        await env.Admin.CustomObjects.CreateClusterCustomObjectAsync(Connection(name, namespaces, selector, clusters, secret),
            V1alpha1ClusterOcpConnection.ApiGroup, V1alpha1ClusterOcpConnection.Version, V1alpha1ClusterOcpConnection.Plural, cancellationToken: ct);
    }

    private Task CredentialsAsync(string name, CancellationToken ct) =>
        env.CreateSecretAsync(name, new() { ["username"] = SimulatorHandle.User, ["password"] = SimulatorHandle.Password }, ct, AdminNamespace, openToBackups: false);

    private V1alpha1ClusterOcpConnection Connection(string name, List<string>? namespaces, V1LabelSelector? selector, List<long>? clusters, string secret) => new()
    {
        Metadata = new V1ObjectMeta { Name = name },
        Spec = new ClusterOcpConnectionSpec
        {
            Url = env.Simulator.Url,
            CredentialsSecretRef = new SecretReference { Namespace = AdminNamespace, Name = secret },
            Namespaces = namespaces,
            NamespaceSelector = selector,
            AllowedClusterIds = clusters,
        },
    };

    /// <summary>A ServiceAccount of <paramref name="ns"/> whose only power is ClusterBackupNow resources there, and a client with its real token.</summary>
    private async Task<IKubernetes> DeveloperAsync(string ns, CancellationToken ct)
    {
        await env.Admin.CoreV1.CreateNamespacedServiceAccountAsync(new V1ServiceAccount { Metadata = new V1ObjectMeta { Name = "dev" } }, ns, cancellationToken: ct);
        await env.Admin.RbacAuthorizationV1.CreateNamespacedRoleAsync(new V1Role
        {
            Metadata = new V1ObjectMeta { Name = "backups-only" },
            Rules = [new V1PolicyRule { ApiGroups = [V1alpha1ClusterBackupNow.ApiGroup], Resources = [V1alpha1ClusterBackupNow.Plural], Verbs = ["create", "get", "list", "watch"] }],
        }, ns, cancellationToken: ct);
        await env.Admin.RbacAuthorizationV1.CreateNamespacedRoleBindingAsync(new V1RoleBinding
        {
            Metadata = new V1ObjectMeta { Name = "dev-backups-only" },
            RoleRef = new V1RoleRef { ApiGroup = "rbac.authorization.k8s.io", Kind = "Role", Name = "backups-only" },
            Subjects = [new Rbacv1Subject { Kind = "ServiceAccount", Name = "dev", NamespaceProperty = ns }],
        }, ns, cancellationToken: ct);
        var token = await env.Admin.CoreV1.CreateNamespacedServiceAccountTokenAsync(
            new Authenticationv1TokenRequest { Spec = new V1TokenRequestSpec { Audiences = ["https://kubernetes.default.svc"], ExpirationSeconds = 3600 } },
            "dev", ns, cancellationToken: ct);
        return env.Api.Client(token.Status.Token);
    }
}
