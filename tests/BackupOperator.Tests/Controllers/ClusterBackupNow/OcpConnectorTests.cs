using System.Net;
using System.Text;
using System.Text.Json;
using BackupOperator.Entities;
using BackupOperator.Operator.Controllers.ClusterBackupNow;
using BackupOperator.Operator.Kubernetes;
using BackupOperator.Operator.Ocp;
using BackupOperator.Operator.Reconciliation.ClusterBackupNow;
using BackupOperator.Tests.KubeClient;
using BackupOperator.Tests.Reconciliation.ClusterBackupNow;
using k8s;
using k8s.Models;
using Microsoft.Extensions.Time.Testing;

namespace BackupOperator.Tests.Controllers.ClusterBackupNow;

/// <summary>Which connection and which Secrets a backup may use, and that it uses exactly those.</summary>
public sealed class OcpConnectorTests : IDisposable
{
    private readonly FakeTimeProvider _time = new(TestResources.Start);
    private readonly KubeApi _api = new();
    private readonly Factory _factory = new();

    public OcpConnectorTests()
    {
        _api.Secrets[("db", "ocp")] = (true, new() { ["url"] = "https://ocp.example.com", ["username"] = "admin", ["password"] = "pw" });
        _api.Secrets[("ocp-admin", "shared-creds")] = (true, new() { ["username"] = "svc", ["password"] = "pw2" });
        _api.Namespaces["db"] = new() { ["team"] = "a" };
        _api.Connections["shared"] = Connection(namespaces: ["db"]);
    }

    [Fact]
    public async Task A_burst_of_backups_reads_the_secret_once_and_a_changed_secret_is_read_after_the_cache_time()
    {
        var connector = Connector(TimeSpan.FromSeconds(10));
        await connector.ConnectAsync(OwnSecret("a"), null, CancellationToken.None);
        await connector.ConnectAsync(OwnSecret("b"), null, CancellationToken.None);
        _time.Advance(TimeSpan.FromSeconds(9));
        await connector.ConnectAsync(OwnSecret("c"), null, CancellationToken.None);
        Assert.Equal(1, _api.SecretReads);

        _api.Secrets[("db", "ocp")].Data["url"] = "https://ocp-new.example.com";
        _time.Advance(TimeSpan.FromSeconds(2));
        await connector.ConnectAsync(OwnSecret("d"), null, CancellationToken.None);
        Assert.Equal(2, _api.SecretReads);
        Assert.Equal("https://ocp-new.example.com", _factory.Last!.Url);
    }

    [Fact]
    public async Task A_missing_secret_is_not_remembered_so_creating_it_takes_effect_at_once()
    {
        var connector = Connector(TimeSpan.FromSeconds(10));
        var saved = _api.Secrets[("db", "ocp")];
        _api.Secrets.Remove(("db", "ocp"));
        var missing = await Assert.ThrowsAsync<OcpConfigurationException>(() => connector.ConnectAsync(OwnSecret("x"), null, CancellationToken.None));
        Assert.Contains("not found", missing.Message, StringComparison.Ordinal);

        _api.Secrets[("db", "ocp")] = saved;
        await connector.ConnectAsync(OwnSecret("x"), null, CancellationToken.None);
        Assert.Equal(2, _api.SecretReads);
    }

    [Fact]
    public async Task A_zero_cache_time_reads_the_secret_every_time()
    {
        var connector = Connector(TimeSpan.Zero);
        await connector.ConnectAsync(OwnSecret("x"), null, CancellationToken.None);
        await connector.ConnectAsync(OwnSecret("x"), null, CancellationToken.None);
        Assert.Equal(2, _api.SecretReads);
    }

    [Fact]
    public async Task A_granted_connection_sends_its_own_credentials_to_its_own_url()
    {
        var connector = Connector(TimeSpan.Zero);
        var backup = Shared();

        await connector.AuthorizeAsync(backup, null, CancellationToken.None);
        await connector.ConnectAsync(backup, null, CancellationToken.None);

        Assert.Equal("https://ocp.shared.example.com", _factory.Last!.Url);
        Assert.Equal("svc", _factory.Last.Username);
        Assert.Equal([("ocp-admin", "shared-creds")], _api.SecretsRead);
    }

    [Fact]
    public async Task A_namespace_the_connection_does_not_grant_is_refused_naming_the_connection_and_the_rule()
    {
        var connector = Connector(TimeSpan.Zero);
        var backup = Shared(ns: "team-b");
        _api.Namespaces["team-b"] = [];

        var denied = await Assert.ThrowsAsync<OcpAccessDeniedException>(() => connector.AuthorizeAsync(backup, null, CancellationToken.None));

        Assert.Contains("ClusterOcpConnection shared does not grant namespace team-b", denied.Message, StringComparison.Ordinal);
        Assert.Empty(_api.SecretsRead);
    }

    [Fact]
    public async Task A_label_selector_grant_follows_the_namespaces_labels_as_they_are_now()
    {
        _api.Connections["shared"] = Connection(selector: new V1LabelSelector { MatchLabels = new Dictionary<string, string> { ["backup"] = "allowed" } });
        var connector = Connector(TimeSpan.Zero);
        _api.Namespaces["db"] = new() { ["backup"] = "allowed" };
        await connector.AuthorizeAsync(Shared(), null, CancellationToken.None);

        _api.Namespaces["db"] = new() { ["backup"] = "revoked" };
        var denied = await Assert.ThrowsAsync<OcpAccessDeniedException>(() => connector.AuthorizeAsync(Shared(), null, CancellationToken.None));
        Assert.Contains("labels do not match spec.namespaceSelector", denied.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_cluster_outside_the_allowed_list_is_refused()
    {
        _api.Connections["shared"] = Connection(namespaces: ["db"], clusters: [1, 2]);
        var connector = Connector(TimeSpan.Zero);

        var denied = await Assert.ThrowsAsync<OcpAccessDeniedException>(() => connector.AuthorizeAsync(Shared(clusterId: 8), null, CancellationToken.None));

        Assert.Contains("does not allow cluster 8 (spec.allowedClusterIds: 1, 2)", denied.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_missing_connection_is_a_configuration_problem_that_may_be_fixed()
    {
        var connector = Connector(TimeSpan.Zero);
        _api.Connections.Clear();

        var missing = await Assert.ThrowsAsync<OcpConfigurationException>(() => connector.AuthorizeAsync(Shared(), null, CancellationToken.None));

        Assert.Contains("ClusterOcpConnection shared (spec.ocpConnectionRef) not found", missing.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_namespace_secret_not_granted_to_the_operator_waits_with_the_two_commands_that_grant_it()
    {
        _api.Secrets[("db", "ocp")] = (false, _api.Secrets[("db", "ocp")].Data);
        var connector = Connector(TimeSpan.Zero);

        var waiting = await Assert.ThrowsAsync<OcpConfigurationException>(() => connector.AuthorizeAsync(OwnSecret("x"), null, CancellationToken.None));

        Assert.Equal(OcpConfigurationException.SecretNotGranted, waiting.Reason);
        Assert.Contains("Secret db/ocp (spec.ocpSecretRef) is not granted to the operator", waiting.Message, StringComparison.Ordinal);
        Assert.Contains("`kubectl -n db create role backup-operator-read-ocp --verb=get --resource=secrets --resource-name=ocp`", waiting.Message, StringComparison.Ordinal);
        Assert.Contains("`kubectl -n db create rolebinding backup-operator-read-ocp --role=backup-operator-read-ocp --serviceaccount=ops-system:backup-bot`", waiting.Message, StringComparison.Ordinal);
        Assert.Null(_factory.Last);

        // Granted: the same backup proceeds; nothing remembered the refusal.
        _api.Secrets[("db", "ocp")] = (true, _api.Secrets[("db", "ocp")].Data);
        await connector.AuthorizeAsync(OwnSecret("x"), null, CancellationToken.None);
        await connector.ConnectAsync(OwnSecret("x"), null, CancellationToken.None);
        Assert.Equal("https://ocp.example.com", _factory.Last!.Url);
    }

    [Fact]
    public async Task An_object_store_key_secret_needs_the_same_grant()
    {
        _api.Secrets[("db", "oss-key")] = (false, new() { ["accessKeyId"] = "id", ["accessKeySecret"] = "s3cr3t" });
        var connector = Connector(TimeSpan.Zero);
        var backup = Shared(storageType: "BACKUP_STORAGE_OSS");

        var waiting = await Assert.ThrowsAsync<OcpConfigurationException>(() => connector.AuthorizeAsync(backup, null, CancellationToken.None));
        Assert.Equal(OcpConfigurationException.SecretNotGranted, waiting.Reason);
        Assert.Contains("Secret db/oss-key (accessKeySecretRef) is not granted", waiting.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("s3cr3t", waiting.Message, StringComparison.Ordinal);
        var read = await Assert.ThrowsAsync<OcpConfigurationException>(() => connector.GetStorageAccessKeyAsync(backup, CancellationToken.None));
        Assert.Equal(OcpConfigurationException.SecretNotGranted, read.Reason);

        _api.Secrets[("db", "oss-key")] = (true, _api.Secrets[("db", "oss-key")].Data);
        await connector.AuthorizeAsync(backup, null, CancellationToken.None);
        Assert.Equal("id", (await connector.GetStorageAccessKeyAsync(backup, CancellationToken.None))!.AccessKeyId);
    }

    [Fact]
    public async Task A_secret_with_an_ocp_url_is_never_sent_as_object_store_keys()
    {
        _api.Secrets[("db", "oss-key")] = (true, new() { ["url"] = "https://ocp.example.com", ["accessKeyId"] = "id", ["accessKeySecret"] = "s3cr3t" });
        var connector = Connector(TimeSpan.Zero);
        var backup = Shared(storageType: "BACKUP_STORAGE_OSS");

        var denied = await Assert.ThrowsAsync<OcpAccessDeniedException>(() => connector.AuthorizeAsync(backup, null, CancellationToken.None));
        Assert.Contains("Secret db/oss-key (accessKeySecretRef) has a 'url' key", denied.Message, StringComparison.Ordinal);
        Assert.Contains("OCP credentials are never sent as object-store keys", denied.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("ocp.example.com", denied.Message, StringComparison.Ordinal);
        // Had it appeared after the intent, the key is still not handed out.
        await Assert.ThrowsAsync<OcpConfigurationException>(() => connector.GetStorageAccessKeyAsync(backup, CancellationToken.None));
    }

    [Fact]
    public async Task Connection_credentials_outside_the_credentials_namespace_are_never_read()
    {
        _api.Secrets[("team-b", "their-creds")] = (true, new() { ["username"] = "them", ["password"] = "theirs" });
        _api.Connections["shared"].Spec.CredentialsSecretRef = new SecretReference { Namespace = "team-b", Name = "their-creds" };
        var connector = Connector(TimeSpan.Zero);

        var waiting = await Assert.ThrowsAsync<OcpConfigurationException>(() => connector.ConnectAsync(Shared(), null, CancellationToken.None));

        Assert.Equal(OcpConfigurationException.SecretNamespaceNotAllowed, waiting.Reason);
        Assert.Contains("only in namespace ocp-admin (Ocp:CredentialsNamespace)", waiting.Message, StringComparison.Ordinal);
        Assert.Empty(_api.SecretsRead);
        Assert.Null(_factory.Last);
    }

    [Fact]
    public async Task A_refused_read_drops_the_kept_one_so_a_revoked_grant_counts_at_once()
    {
        var reader = Reader(TimeSpan.FromSeconds(10));
        await reader.ReadContentAsync("db", "ocp", "f", CancellationToken.None);
        _api.Secrets[("db", "ocp")] = (false, _api.Secrets[("db", "ocp")].Data);

        // Kept: the cached read hides the revocation; a fresh read does not, and drops what was kept.
        await reader.ReadContentAsync("db", "ocp", "f", CancellationToken.None);
        Assert.Equal(1, _api.SecretReads);
        var refused = await Assert.ThrowsAsync<SecretUnavailableException>(() => reader.ReadFreshAsync("db", "ocp", "f", CancellationToken.None));
        Assert.True(refused.Forbidden);
        await Assert.ThrowsAsync<SecretUnavailableException>(() => reader.ReadContentAsync("db", "ocp", "f", CancellationToken.None));
        Assert.Equal(3, _api.SecretReads);
    }

    [Fact]
    public async Task A_fresh_consent_check_asks_the_api_server_inside_the_cache_time()
    {
        var connector = Connector(TimeSpan.FromSeconds(10));
        await connector.RequireGrantAsync("db", "ocp", "spec.ocpSecretRef", fresh: false, CancellationToken.None);
        await connector.RequireGrantAsync("db", "ocp", "spec.ocpSecretRef", fresh: false, CancellationToken.None);
        Assert.Equal(1, _api.SecretReads);

        _api.Secrets[("db", "ocp")] = (false, _api.Secrets[("db", "ocp")].Data);
        var revoked = await Assert.ThrowsAsync<OcpConfigurationException>(() => connector.RequireGrantAsync("db", "ocp", "spec.ocpSecretRef", fresh: true, CancellationToken.None));
        Assert.Equal(OcpConfigurationException.SecretNotGranted, revoked.Reason);
        // The refusal dropped the kept read: the next connect asks again and is refused too.
        var connect = await Assert.ThrowsAsync<OcpConfigurationException>(() => connector.ConnectAsync(OwnSecret("y"), null, CancellationToken.None));
        Assert.Equal(OcpConfigurationException.SecretNotGranted, connect.Reason);
        Assert.Equal(3, _api.SecretReads);
    }

    [Fact]
    public async Task A_backup_in_the_credentials_namespace_may_not_name_its_secrets_although_the_operator_could_read_them()
    {
        _api.Namespaces["ocp-admin"] = [];
        var own = OwnSecret("x");
        own.Metadata.NamespaceProperty = "ocp-admin";
        own.Spec.OcpSecretRef = new LocalSecretReference { Name = "shared-creds" };
        var key = Shared(ns: "ocp-admin", storageType: "BACKUP_STORAGE_OSS");
        key.Spec.ObBackupServiceStorageConfig!.ObBackupStorageBaseInfo!.AccessKeySecretRef = new AccessKeySecretReference { Name = "shared-creds" };
        _api.Connections["shared"] = Connection(namespaces: ["ocp-admin"]);
        var connector = Connector(TimeSpan.Zero);

        var denied = await Assert.ThrowsAsync<OcpAccessDeniedException>(() => connector.AuthorizeAsync(own, null, CancellationToken.None));
        Assert.Contains("Secret ocp-admin/shared-creds (spec.ocpSecretRef) is in the credentials namespace", denied.Message, StringComparison.Ordinal);
        await Assert.ThrowsAsync<OcpAccessDeniedException>(() => connector.AuthorizeAsync(key, null, CancellationToken.None));
        await Assert.ThrowsAsync<OcpConfigurationException>(() => connector.ConnectAsync(own, null, CancellationToken.None));
        await Assert.ThrowsAsync<OcpConfigurationException>(() => connector.GetStorageAccessKeyAsync(key, CancellationToken.None));
        Assert.Empty(_api.SecretsRead);
        Assert.Null(_factory.Last);
    }

    [Theory]
    [InlineData("x;rm -rf ~")]
    [InlineData("../other")]
    [InlineData("Upper")]
    public async Task A_name_no_secret_can_have_is_neither_read_nor_put_into_a_command(string name)
    {
        var own = OwnSecret("x");
        own.Spec.OcpSecretRef = new LocalSecretReference { Name = name };
        var connector = Connector(TimeSpan.Zero);

        var invalid = await Assert.ThrowsAsync<OcpConfigurationException>(() => connector.AuthorizeAsync(own, null, CancellationToken.None));

        Assert.Equal(OcpConfigurationException.ConfigurationInvalid, invalid.Reason);
        Assert.DoesNotContain(name, invalid.Message, StringComparison.Ordinal);
        Assert.Empty(_api.SecretsRead);
    }

    [Fact]
    public async Task A_missing_secret_is_a_configuration_problem_not_a_missing_grant()
    {
        _api.Secrets.Remove(("db", "ocp"));
        var connector = Connector(TimeSpan.Zero);

        var missing = await Assert.ThrowsAsync<OcpConfigurationException>(() => connector.AuthorizeAsync(OwnSecret("x"), null, CancellationToken.None));

        Assert.Equal(OcpConfigurationException.ConfigurationInvalid, missing.Reason);
        Assert.Contains("Secret db/ocp (spec.ocpSecretRef) not found", missing.Message, StringComparison.Ordinal);
    }

    public void Dispose() => _api.Dispose();

    private static V1alpha1ClusterBackupNow OwnSecret(string name)
    {
        var backup = TestResources.Backup(name: name);
        backup.Spec.OcpConnectionRef = null;
        backup.Spec.OcpSecretRef = new LocalSecretReference { Name = "ocp" };
        return backup;
    }

    private static V1alpha1ClusterBackupNow Shared(string ns = "db", long clusterId = 8, string storageType = OcpValues.StorageFile)
    {
        var backup = TestResources.Backup(ns: ns, clusterId: clusterId, storageType: storageType);
        backup.Spec.OcpConnectionRef = new OcpConnectionReference { Name = "shared" };
        return backup;
    }

    private static V1alpha1ClusterOcpConnection Connection(List<string>? namespaces = null, V1LabelSelector? selector = null, List<long>? clusters = null) => new()
    {
        Metadata = new V1ObjectMeta { Name = "shared" },
        Spec = new ClusterOcpConnectionSpec
        {
            Url = "https://ocp.shared.example.com",
            CredentialsSecretRef = new SecretReference { Namespace = "ocp-admin", Name = "shared-creds" },
            Namespaces = namespaces,
            NamespaceSelector = selector,
            AllowedClusterIds = clusters,
        },
    };

    private OcpConnector Connector(TimeSpan cache, bool allowNamespaceSecrets = true)
    {
        var client = TestKubeApi.Client(_api);
        return new OcpConnector(new SecretReader(client, _time, cache), new NamespaceReader(client),
            new ResourceReader<V1alpha1ClusterOcpConnection>(client), _factory,
            Microsoft.Extensions.Options.Options.Create(new OcpOptions
            {
                CredentialsNamespace = "ocp-admin",
                ServiceAccount = "ops-system:backup-bot",
                AllowNamespaceSecrets = allowNamespaceSecrets,
            }));
    }

    [Fact]
    public async Task With_namespace_secrets_switched_off_a_backup_naming_its_own_secret_is_refused_and_the_secret_never_read()
    {
        var connector = Connector(TimeSpan.Zero, allowNamespaceSecrets: false);

        var denied = await Assert.ThrowsAsync<OcpAccessDeniedException>(() => connector.AuthorizeAsync(OwnSecret("x"), null, CancellationToken.None));
        await Assert.ThrowsAsync<OcpAccessDeniedException>(() => connector.ResolveAsync(OwnSecret("x"), CancellationToken.None));
        await Assert.ThrowsAsync<OcpAccessDeniedException>(() => connector.ConnectAsync(OwnSecret("x"), null, CancellationToken.None));

        Assert.Contains("Ocp:AllowNamespaceSecrets=false", denied.Message, StringComparison.Ordinal);
        Assert.Empty(_api.SecretsRead);
        Assert.Null(_factory.Last);
        // A ClusterOcpConnection is what is left, and it works.
        await connector.AuthorizeAsync(Shared(), null, CancellationToken.None);
        await connector.ConnectAsync(Shared(), null, CancellationToken.None);
        Assert.Equal("https://ocp.shared.example.com", _factory.Last!.Url);
    }

    [Fact]
    public async Task A_connection_recreated_under_its_name_is_not_the_recorded_one_and_a_moved_url_gets_no_credentials()
    {
        var connector = Connector(TimeSpan.Zero);
        _api.Connections["shared"].Metadata.Uid = "uid-1";
        var recorded = (await connector.ConnectAsync(Shared(), null, CancellationToken.None)).Target;
        Assert.Equal(new OcpTarget("https://ocp.shared.example.com:443", "uid-1"), recorded);

        _api.Connections["shared"].Metadata.Uid = "uid-2"; // deleted and created again
        var denied = await Assert.ThrowsAsync<OcpAccessDeniedException>(() => connector.AuthorizeAsync(Shared(), recorded, CancellationToken.None));
        Assert.Contains("deleted and created again", denied.Message, StringComparison.Ordinal);

        _api.Connections["shared"].Metadata.Uid = "uid-1";
        _api.Connections["shared"].Spec.Url = "https://ocp.elsewhere.example.com";
        var reads = _api.SecretReads;
        var moved = await Assert.ThrowsAsync<OcpConfigurationException>(() => connector.ConnectAsync(Shared(), recorded, CancellationToken.None));
        Assert.Contains("now points at OCP https://ocp.elsewhere.example.com:443, but this backup was submitted to https://ocp.shared.example.com:443", moved.Message, StringComparison.Ordinal);
        Assert.Equal(reads, _api.SecretReads); // the credentials were not even read
    }

    private SecretReader Reader(TimeSpan cache) => new(TestKubeApi.Client(_api), _time, cache);

    /// <summary>The API server's GETs of Secrets, Namespaces and ClusterOcpConnections; records the Secrets read.</summary>
    private sealed class KubeApi : DelegatingHandler
    {
        /// <summary>Granted: the operator's ServiceAccount may get it; otherwise the API server answers 403.</summary>
        public Dictionary<(string Ns, string Name), (bool Granted, Dictionary<string, string> Data)> Secrets { get; } = [];
        public Dictionary<string, Dictionary<string, string>> Namespaces { get; } = [];
        public Dictionary<string, V1alpha1ClusterOcpConnection> Connections { get; } = [];
        public List<(string Ns, string Name)> SecretsRead { get; } = [];
        public int SecretReads => SecretsRead.Count;

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var path = request.RequestUri!.AbsolutePath.Split('/', StringSplitOptions.RemoveEmptyEntries);
            if (path is ["api", "v1", "namespaces", var sns, "secrets", var sname] && Secrets.TryGetValue((sns, sname), out var secret) && !secret.Granted)
            {
                SecretsRead.Add((sns, sname));
                return Task.FromResult(new HttpResponseMessage(HttpStatusCode.Forbidden) { RequestMessage = request, Content = new StringContent("""{"kind":"Status","code":403,"reason":"Forbidden"}""", Encoding.UTF8, "application/json") });
            }

            object? body = path switch
            {
                ["api", "v1", "namespaces", var ns, "secrets", var name] => Secret(ns, name),
                ["api", "v1", "namespaces", var ns] => Namespaces.TryGetValue(ns, out var labels)
                    ? new V1Namespace { Metadata = new V1ObjectMeta { Name = ns, Labels = labels } }
                    : null,
                ["apis", "ocp.oceanbase.com", "v1alpha1", "clusterocpconnections", var name] => Connections.GetValueOrDefault(name),
                _ => throw new InvalidOperationException($"unexpected call {request.Method} {request.RequestUri}"),
            };
            return Task.FromResult(body is null
                ? new HttpResponseMessage(HttpStatusCode.NotFound) { RequestMessage = request, Content = new StringContent("""{"kind":"Status","code":404}""", Encoding.UTF8, "application/json") }
                : new HttpResponseMessage(HttpStatusCode.OK) { RequestMessage = request, Content = new StringContent(KubernetesJson.Serialize(body), Encoding.UTF8, "application/json") });
        }

        private V1Secret? Secret(string ns, string name)
        {
            SecretsRead.Add((ns, name));
            return Secrets.TryGetValue((ns, name), out var s)
                ? new V1Secret { Metadata = new V1ObjectMeta { Name = name, NamespaceProperty = ns }, Data = s.Data.ToDictionary(d => d.Key, d => Encoding.UTF8.GetBytes(d.Value)) }
                : null;
        }
    }

    private sealed class Factory : IOcpClientFactory
    {
        public OcpConnectionSettings? Last { get; private set; }

        public IOcpApi Get(OcpConnectionSettings settings)
        {
            Last = settings;
            return new FakeOcpApi();
        }
    }
}
