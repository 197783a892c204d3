using System.Net;
using BackupOperator.KubeClient;
using Microsoft.Extensions.Time.Testing;

namespace BackupOperator.Tests.KubeClient;

/// <summary>
/// The operator in a Pod: its service account as client-go's InClusterConfig reads it, and a projected
/// token the kubelet rotates while the operator runs for weeks.
/// </summary>
public sealed class ServiceAccountTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("sa-").FullName;
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 12, 2, 0, 0, 0, TimeSpan.Zero));
    private HttpStatusCode _answer = HttpStatusCode.OK;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string TokenFile => Path.Combine(_dir, "token");

    private static Func<string, string?> Environment(string? host, string? port) => name => name switch
    {
        "KUBERNETES_SERVICE_HOST" => host,
        "KUBERNETES_SERVICE_PORT" => port,
        _ => null,
    };

    private void WriteServiceAccount(string token, string? ns)
    {
        using var ca = KubeConnectionTests.Authority("CN=cluster-ca");
        File.WriteAllText(Path.Combine(_dir, "ca.crt"), ca.ExportCertificatePem());
        File.WriteAllText(TokenFile, token + "\n");
        if (ns is not null)
        {
            File.WriteAllText(Path.Combine(_dir, "namespace"), ns);
        }
    }

    [Theory]
    [InlineData("10.96.0.1", "443", "https://10.96.0.1/")]
    [InlineData("fd00:10:96::1", "6443", "https://[fd00:10:96::1]:6443/")]
    public void The_pods_service_account_names_the_server_its_ca_its_token_and_its_namespace(string host, string port, string server)
    {
        WriteServiceAccount("t-1", "backup-system");

        Assert.True(KubeConnection.IsInCluster(_dir, Environment(host, port)));
        var connection = KubeConnection.InCluster(_dir, Environment(host, port));

        Assert.Equal(server, connection.Server.AbsoluteUri);
        Assert.Equal("CN=cluster-ca", Assert.Single(connection.CertificateAuthority!).Subject);
        Assert.Equal(TokenFile, connection.TokenFile);
        Assert.Null(connection.Token); // read from the file at each rotation, never kept in the connection
        Assert.Equal("backup-system", connection.Namespace);
    }

    [Fact]
    public void Outside_a_pod_there_is_no_service_account_to_use()
    {
        Assert.False(KubeConnection.IsInCluster(_dir, Environment("10.96.0.1", "443"))); // no token
        WriteServiceAccount("t-1", ns: null);
        Assert.False(KubeConnection.IsInCluster(_dir, Environment(null, "443")));
        Assert.False(KubeConnection.IsInCluster(_dir, Environment("10.96.0.1", "")));
        Assert.Null(KubeConnection.InCluster(_dir, Environment("10.96.0.1", "443")).Namespace);
    }

    [Fact]
    public async Task A_rotated_token_is_used_from_the_next_minute_on()
    {
        WriteServiceAccount("t-1", "db");
        var (send, sent) = Client();

        await send();
        File.WriteAllText(TokenFile, "t-2\n");
        _time.Advance(TimeSpan.FromSeconds(59));
        await send();
        _time.Advance(TimeSpan.FromSeconds(1));
        await send();

        Assert.Equal(["Bearer t-1", "Bearer t-1", "Bearer t-2"], sent);
    }

    [Fact]
    public async Task A_401_makes_the_next_request_read_the_token_again()
    {
        WriteServiceAccount("t-1", "db");
        var (send, sent) = Client();

        await send();
        File.WriteAllText(TokenFile, "t-2\n");
        _answer = HttpStatusCode.Unauthorized; // t-1 expired before the minute was up
        await send();
        _answer = HttpStatusCode.OK;
        await send();

        Assert.Equal(["Bearer t-1", "Bearer t-1", "Bearer t-2"], sent);
    }

    [Fact]
    public async Task A_token_file_that_cannot_be_read_for_a_moment_keeps_the_last_token()
    {
        WriteServiceAccount("t-1", "db");
        var (send, sent) = Client();

        await send();
        File.Delete(TokenFile); // the kubelet swapping the projected volume
        _time.Advance(TimeSpan.FromMinutes(2));
        await send();
        File.WriteAllText(TokenFile, "t-2\n");
        await send(); // tried again at once, not a minute later

        Assert.Equal(["Bearer t-1", "Bearer t-1", "Bearer t-2"], sent);
    }

    [Fact]
    public async Task Without_a_readable_token_file_no_request_goes_out()
    {
        WriteServiceAccount("t-1", "db");
        File.Delete(TokenFile);
        var (send, sent) = Client();

        await Assert.ThrowsAsync<FileNotFoundException>(send);
        Assert.Empty(sent);
    }

    private (Func<Task> Send, List<string> Sent) Client()
    {
        var sent = new List<string>();
        var connection = KubeConnection.InCluster(_dir, Environment("127.0.0.1", "6443"));
        var server = new FakeApiServer((request, _) =>
        {
            sent.Add(request.Headers.Authorization?.ToString() ?? "(none)");
            return (_answer, "{}");
        });
        var invoker = new HttpMessageInvoker(connection.CreateAuthorizationHandler(_time, server));
        return (async () => (await invoker.SendAsync(new HttpRequestMessage(HttpMethod.Get, "https://127.0.0.1:6443/api"), CancellationToken.None)).Dispose(), sent);
    }
}
