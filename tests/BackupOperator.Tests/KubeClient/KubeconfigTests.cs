using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using BackupOperator.KubeClient;

namespace BackupOperator.Tests.KubeClient;

public sealed class KubeconfigTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("kubeconfig-tests").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void The_current_context_names_the_server_the_token_and_the_namespace()
    {
        var path = Write("""
            apiVersion: v1
            kind: Config
            clusters:
            - name: other
              cluster: {server: "https://other:6443"}
            - name: local
              cluster:
                server: https://127.0.0.1:6443
                insecure-skip-tls-verify: true
            users:
            - name: admin
              user:
                token: secret-token
            contexts:
            - name: local
              context: {cluster: local, user: admin, namespace: db}
            current-context: local
            """);

        var connection = Kubeconfig.Load(path);

        Assert.Equal(new Uri("https://127.0.0.1:6443"), connection.Server);
        Assert.Equal("secret-token", connection.Token);
        Assert.True(connection.SkipTlsVerify);
        Assert.Equal("db", connection.Namespace);
    }

    [Fact]
    public void A_named_context_wins_and_certificate_files_are_read_relative_to_the_kubeconfig()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=operator", key, HashAlgorithmName.SHA256);
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));
        File.WriteAllText(Path.Combine(_dir, "client.crt"), certificate.ExportCertificatePem());
        File.WriteAllText(Path.Combine(_dir, "client.key"), key.ExportPkcs8PrivateKeyPem());
        File.WriteAllText(Path.Combine(_dir, "ca.crt"), certificate.ExportCertificatePem());
        var path = Write("""
            clusters:
            - name: prod
              cluster: {server: "https://prod:6443", certificate-authority: ca.crt}
            users:
            - name: op
              user: {client-certificate: client.crt, client-key: client.key}
            contexts:
            - name: prod
              context: {cluster: prod, user: op}
            current-context: missing
            """);

        var connection = Kubeconfig.Load(path, "prod");

        Assert.Equal(certificate.Thumbprint, connection.ClientCertificate!.Thumbprint);
        Assert.True(connection.ClientCertificate.HasPrivateKey);
        Assert.Equal(certificate.Thumbprint, Assert.Single(connection.CertificateAuthority!).Thumbprint);
        Assert.False(connection.SkipTlsVerify);
    }

    [Fact]
    public void An_auth_provider_plugin_is_refused_with_a_reason()
    {
        var path = Write("""
            clusters: [{name: c, cluster: {server: "https://c"}}]
            users: [{name: u, user: {auth-provider: {name: gcp}}}]
            contexts: [{name: x, context: {cluster: c, user: u}}]
            current-context: x
            """);

        Assert.Contains("auth-provider", Assert.Throws<KubeconfigException>(() => Kubeconfig.Load(path)).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_exec_user_is_read_with_its_command_args_env_and_api_version()
    {
        var path = Write("""
            clusters: [{name: c, cluster: {server: "https://c"}}]
            users:
            - name: u
              user:
                exec:
                  apiVersion: client.authentication.k8s.io/v1
                  command: bin/get-token
                  args: [--cluster, c]
                  env: [{name: REGION, value: eu}]
                  installHint: install get-token
                  interactiveMode: Never
            contexts: [{name: x, context: {cluster: c, user: u}}]
            current-context: x
            """);

        var exec = Kubeconfig.Load(path).Exec!;

        Assert.Equal(Path.Combine(_dir, "bin", "get-token"), exec.Command);
        Assert.Equal(["--cluster", "c"], exec.Args);
        Assert.Equal([new KeyValuePair<string, string>("REGION", "eu")], exec.Env);
        Assert.Equal(ExecConfig.V1, exec.ApiVersion);
        Assert.Equal("install get-token", exec.InstallHint);
    }

    [Fact]
    public void Kubeconfig_files_merge_as_kubectl_does_and_relative_paths_resolve_per_file()
    {
        var second = Directory.CreateDirectory(Path.Combine(_dir, "second")).FullName;
        File.WriteAllText(Path.Combine(second, "token"), "t2");
        var first = Write("""
            clusters: [{name: c, cluster: {server: "https://first"}}]
            users: [{name: shared, user: {token: from-first}}]
            contexts: [{name: a, context: {cluster: c, user: shared}}]
            """);
        var secondPath = Path.Combine(second, "config");
        File.WriteAllText(secondPath, """
            clusters: [{name: c, cluster: {server: "https://second"}}]
            users:
            - {name: shared, user: {token: from-second}}
            - {name: filed, user: {tokenFile: token}}
            contexts:
            - {name: a, context: {cluster: c, user: filed}}
            - {name: b, context: {cluster: c, user: filed, namespace: nb}}
            current-context: a
            """);

        var a = Kubeconfig.Load([first, secondPath], ConnectionOverrides.None);
        var b = Kubeconfig.Load([first, secondPath], new ConnectionOverrides { Context = "b" });

        Assert.Equal(new Uri("https://first"), a.Server);
        Assert.Equal("from-first", a.Token);
        Assert.Equal(Path.Combine(second, "token"), b.TokenFile);
        Assert.Equal("nb", b.Namespace);
    }

    [Fact]
    public void Overrides_replace_what_the_kubeconfig_says()
    {
        var path = Write("""
            clusters: [{name: c, cluster: {server: "https://c"}}, {name: d, cluster: {server: "https://d"}}]
            users: [{name: u, user: {token: kubeconfig-token}}, {name: v, user: {token: v-token}}]
            contexts: [{name: x, context: {cluster: c, user: u, namespace: nx}}]
            current-context: x
            """);

        var connection = Kubeconfig.Load([path], new ConnectionOverrides
        {
            Cluster = "d",
            User = "v",
            Namespace = "n",
            InsecureSkipTlsVerify = true,
            Impersonate = "jane",
            ImpersonateGroups = ["devs"],
            RequestTimeout = TimeSpan.FromSeconds(5),
        });
        var withToken = Kubeconfig.Load([path], new ConnectionOverrides { Server = "https://s:6443", Token = "flag-token" });

        Assert.Equal((new Uri("https://d"), "v-token", "n", true), (connection.Server, connection.Token, connection.Namespace, connection.SkipTlsVerify));
        Assert.Equal(("jane", "devs", TimeSpan.FromSeconds(5)), (connection.Impersonate, Assert.Single(connection.ImpersonateGroups), connection.RequestTimeout));
        Assert.Equal((new Uri("https://s:6443"), "flag-token"), (withToken.Server, withToken.Token));
    }

    [Fact]
    public void The_users_impersonation_is_kept_as_kubectl_keeps_it()
    {
        // kubectl acts as users[].user.as (and as-groups): an admin token kept for acting as a narrower user
        // must not act with the token's own rights; --as over it wins.
        var path = Write("""
            clusters: [{name: c, cluster: {server: "https://c"}}]
            users: [{name: u, user: {token: admin-token, as: jane, as-groups: [devs, ops]}}]
            contexts: [{name: x, context: {cluster: c, user: u}}]
            current-context: x
            """);

        var connection = Kubeconfig.Load([path], ConnectionOverrides.None);
        var flagged = Kubeconfig.Load([path], new ConnectionOverrides { Impersonate = "joe", ImpersonateGroups = ["qa"] });

        Assert.Equal("jane", connection.Impersonate);
        Assert.Equal(["devs", "ops"], connection.ImpersonateGroups);
        Assert.Equal("joe", flagged.Impersonate);
        Assert.Equal(["qa"], flagged.ImpersonateGroups);
    }

    [Theory]
    [InlineData("as-uid: \"42\"")]
    [InlineData("as-user-extra: {scopes: [view]}")]
    public void An_impersonation_it_cannot_send_is_refused_not_dropped(string field)
    {
        var path = Write($$$"""
            clusters: [{name: c, cluster: {server: "https://c"}}]
            users: [{name: u, user: {token: admin-token, as: jane, {{{field}}}}}]
            contexts: [{name: x, context: {cluster: c, user: u}}]
            current-context: x
            """);

        Assert.Contains("as-", Assert.Throws<KubeconfigException>(() => Kubeconfig.Load([path], ConnectionOverrides.None)).Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("client-certificate: client.crt")]
    [InlineData("client-key: client.key")]
    public void A_client_certificate_without_its_key_is_an_error_not_an_anonymous_request(string field)
    {
        // kubectl refuses it; dropping it silently sent the requests as system:anonymous (or another credential).
        File.WriteAllText(Path.Combine(_dir, "client.crt"), "unused");
        File.WriteAllText(Path.Combine(_dir, "client.key"), "unused");
        var path = Write($$$"""
            clusters: [{name: c, cluster: {server: "https://c"}}]
            users: [{name: u, user: {{{{field}}}}}]
            contexts: [{name: x, context: {cluster: c, user: u}}]
            current-context: x
            """);

        Assert.Contains("client-key", Assert.Throws<KubeconfigException>(() => Kubeconfig.Load([path], ConnectionOverrides.None)).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_cluster_that_trusts_a_ca_and_skips_verification_is_refused_unless_the_flag_skips_it()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        using var ca = new CertificateRequest("CN=ca", key, HashAlgorithmName.SHA256).CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));
        File.WriteAllText(Path.Combine(_dir, "ca.crt"), ca.ExportCertificatePem());
        var path = Write("""
            clusters: [{name: c, cluster: {server: "https://c", certificate-authority: ca.crt, insecure-skip-tls-verify: true}}]
            users: [{name: u, user: {token: t}}]
            contexts: [{name: x, context: {cluster: c, user: u}}]
            current-context: x
            """);

        var error = Assert.Throws<KubeconfigException>(() => Kubeconfig.Load(path));
        var flagged = Kubeconfig.Load([path], new ConnectionOverrides { InsecureSkipTlsVerify = true });

        Assert.Contains("certificate-authority together with insecure-skip-tls-verify", error.Message, StringComparison.Ordinal);
        Assert.Equal((true, null), (flagged.SkipTlsVerify, flagged.CertificateAuthority));
    }

    [Fact]
    public void An_unknown_context_is_an_error_naming_it()
    {
        var path = Write("clusters: []\ncontexts: []\ncurrent-context: gone\n");

        Assert.Contains("gone", Assert.Throws<KubeconfigException>(() => Kubeconfig.Load(path)).Message, StringComparison.Ordinal);
    }

    private string Write(string yaml)
    {
        var path = Path.Combine(_dir, "config");
        File.WriteAllText(path, yaml);
        return path;
    }
}
