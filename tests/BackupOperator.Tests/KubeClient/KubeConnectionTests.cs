using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using BackupOperator.KubeClient;

namespace BackupOperator.Tests.KubeClient;

/// <summary>The API server's certificate: trusted when it chains to the kubeconfig's CA and names the host; never on a name mismatch.</summary>
public sealed class KubeConnectionTests
{
    [Fact]
    public async Task A_redirect_is_not_followed_so_credentials_and_impersonation_never_reach_another_server()
    {
        using var elsewhere = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        elsewhere.Start();
        var elsewherePort = ((System.Net.IPEndPoint)elsewhere.LocalEndpoint).Port;
        var reached = elsewhere.AcceptTcpClientAsync();
        using var server = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        server.Start();
        var answered = AnswerOnceAsync(server, $"HTTP/1.1 307 Temporary Redirect\r\nLocation: http://127.0.0.1:{elsewherePort}/api\r\nContent-Length: 0\r\n\r\n");
        var connection = new KubeConnection(new Uri($"http://127.0.0.1:{((System.Net.IPEndPoint)server.LocalEndpoint).Port}"))
        {
            Token = "admin-token",
            Impersonate = "jane",
        };
        using var http = connection.CreateHttpClient();

        using var bounded = new CancellationTokenSource(TimeSpan.FromSeconds(10)); // a client that follows waits on the other server
        using var response = await http.GetAsync(new Uri("api", UriKind.Relative), bounded.Token);
        await answered;

        Assert.Equal(System.Net.HttpStatusCode.TemporaryRedirect, response.StatusCode);
        Assert.False(reached.IsCompleted, "the client followed the redirect to another server");
    }

    [Fact]
    public void Printed_a_connection_and_its_overrides_name_the_server_and_the_kind_of_credential_never_the_secret()
    {
        var connection = new KubeConnection(new Uri("https://alice:url-pw@127.0.0.1:6443")) { Token = "admin-token", Password = "basic-pw", Username = "bob", Impersonate = "jane" };
        var overrides = new ConnectionOverrides { Token = "flag-token", Impersonate = "jane", Server = "https://127.0.0.1:6443" };

        var printed = connection.ToString() + overrides.ToString() + (connection with { Token = null, TokenFile = "/t" });

        foreach (var secret in new[] { "admin-token", "basic-pw", "url-pw", "flag-token" })
        {
            Assert.DoesNotContain(secret, printed, StringComparison.Ordinal);
        }

        Assert.Contains("127.0.0.1:6443", connection.ToString(), StringComparison.Ordinal);
        Assert.Contains("jane", overrides.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Every_request_names_the_program_so_the_API_server_attributes_its_writes_to_it()
    {
        // The API server names a writer's managedFields entry, its audit records and its metrics after the
        // User-Agent's product: without one, every status write shows as manager "unknown".
        using var server = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        server.Start();
        var answered = AnswerOnceAsync(server, "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n");
        var connection = new KubeConnection(new Uri($"http://127.0.0.1:{((System.Net.IPEndPoint)server.LocalEndpoint).Port}"));
        using var http = connection.CreateHttpClient();

        using var response = await http.GetAsync(new Uri("api", UriKind.Relative));
        var head = await answered;

        var program = System.Reflection.Assembly.GetEntryAssembly()!.GetName();
        Assert.Contains($"\r\nUser-Agent: {program.Name}/{program.Version}", head, StringComparison.Ordinal);
    }

    /// <summary>Reads one request's head, writes <paramref name="answer"/> and returns the head.</summary>
    private static async Task<string> AnswerOnceAsync(System.Net.Sockets.TcpListener listener, string answer)
    {
        using var client = await listener.AcceptTcpClientAsync();
        var stream = client.GetStream();
        var head = new System.Text.StringBuilder();
        var buffer = new byte[4096];
        while (!head.ToString().Contains("\r\n\r\n", StringComparison.Ordinal))
        {
            var read = await stream.ReadAsync(buffer);
            if (read == 0)
            {
                break;
            }

            head.Append(System.Text.Encoding.ASCII.GetString(buffer, 0, read));
        }

        await stream.WriteAsync(System.Text.Encoding.ASCII.GetBytes(answer));
        return head.ToString();
    }

    [Fact]
    public void A_server_certificate_issued_by_the_kubeconfigs_ca_is_trusted()
    {
        using var ca = Authority("CN=kube-ca");
        using var server = Issue(ca, "CN=kube-apiserver");

        Assert.True(KubeConnection.Verify([ca], skip: false, server, SslPolicyErrors.RemoteCertificateChainErrors));
    }

    [Fact]
    public void A_certificate_of_another_ca_is_refused()
    {
        using var ca = Authority("CN=kube-ca");
        using var other = Authority("CN=someone-else");
        using var server = Issue(other, "CN=kube-apiserver");

        Assert.False(KubeConnection.Verify([ca], skip: false, server, SslPolicyErrors.RemoteCertificateChainErrors));
        Assert.False(KubeConnection.Verify(null, skip: false, server, SslPolicyErrors.RemoteCertificateChainErrors));
    }

    [Fact]
    public void A_name_mismatch_is_refused_even_from_the_right_ca()
    {
        using var ca = Authority("CN=kube-ca");
        using var server = Issue(ca, "CN=kube-apiserver");

        Assert.False(KubeConnection.Verify([ca], skip: false, server,
            SslPolicyErrors.RemoteCertificateChainErrors | SslPolicyErrors.RemoteCertificateNameMismatch));
    }

    [Fact]
    public void A_kubeconfig_ca_is_the_only_trust_so_a_certificate_the_system_trusts_is_refused()
    {
        // client-go: a kubeconfig that names a CA trusts that CA alone. A server certificate from a CA the machine
        // trusts (SslStream reports no error) is still someone else's server.
        using var ca = Authority("CN=kube-ca");
        using var publicCa = Authority("CN=public-ca");
        using var server = Issue(publicCa, "CN=kube-apiserver");

        Assert.False(KubeConnection.Verify([ca], skip: false, server, SslPolicyErrors.None));
    }

    [Fact]
    public void A_server_certificate_from_an_intermediate_of_the_kubeconfigs_ca_is_trusted_with_the_intermediate_the_server_sent()
    {
        using var ca = Authority("CN=kube-ca");
        using var intermediate = Issue(ca, "CN=kube-intermediate", authority: true);
        using var server = Issue(intermediate, "CN=kube-apiserver");

        Assert.True(KubeConnection.Verify([ca], skip: false, server, SslPolicyErrors.RemoteCertificateChainErrors, [intermediate]));
        Assert.False(KubeConnection.Verify([ca], skip: false, server, SslPolicyErrors.RemoteCertificateChainErrors));
    }

    [Fact]
    public void A_refusal_says_why_in_client_gos_words()
    {
        using var ca = Authority("CN=kube-ca");
        using var other = Authority("CN=someone-else");
        using var server = Issue(other, "CN=kube-apiserver");

        Assert.Equal("x509: certificate signed by unknown authority (the configured certificate-authority did not sign it)",
            KubeConnection.Rejection([ca], skip: false, server, SslPolicyErrors.RemoteCertificateChainErrors));
        Assert.Equal("x509: certificate signed by unknown authority", KubeConnection.Rejection(null, skip: false, server, SslPolicyErrors.RemoteCertificateChainErrors));
        Assert.Equal("x509: certificate is not valid for the server's host name",
            KubeConnection.Rejection([other], skip: false, server, SslPolicyErrors.RemoteCertificateNameMismatch));
        Assert.Null(KubeConnection.Rejection([other], skip: false, server, SslPolicyErrors.RemoteCertificateChainErrors));
    }

    [Fact]
    public void Insecure_skip_tls_verify_accepts_anything_and_a_system_trusted_certificate_needs_no_ca()
    {
        using var ca = Authority("CN=kube-ca");

        Assert.True(KubeConnection.Verify(null, skip: true, null, SslPolicyErrors.RemoteCertificateNotAvailable));
        Assert.True(KubeConnection.Verify(null, skip: false, ca, SslPolicyErrors.None));
    }

    internal static X509Certificate2 Authority(string name)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest(name, key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign, true));
        return request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(30));
    }

    private static X509Certificate2 Issue(X509Certificate2 issuer, string name, bool authority = false)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest(name, key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(authority, false, 0, authority));
        if (authority)
        {
            request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign, true));
        }

        var serial = new byte[8];
        RandomNumberGenerator.Fill(serial);
        using var issued = request.Create(issuer, DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(7), serial);
        return issued.CopyWithPrivateKey(key);
    }
}
