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
    public void An_exec_plugin_is_refused_with_a_reason()
    {
        var path = Write("""
            clusters: [{name: c, cluster: {server: "https://c"}}]
            users: [{name: u, user: {exec: {command: aws}}}]
            contexts: [{name: x, context: {cluster: c, user: u}}]
            current-context: x
            """);

        Assert.Contains("exec", Assert.Throws<NotSupportedException>(() => Kubeconfig.Load(path)).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_unknown_context_is_an_error_naming_it()
    {
        var path = Write("clusters: []\ncontexts: []\ncurrent-context: gone\n");

        Assert.Contains("gone", Assert.Throws<InvalidOperationException>(() => Kubeconfig.Load(path)).Message, StringComparison.Ordinal);
    }

    private string Write(string yaml)
    {
        var path = Path.Combine(_dir, "config");
        File.WriteAllText(path, yaml);
        return path;
    }
}
