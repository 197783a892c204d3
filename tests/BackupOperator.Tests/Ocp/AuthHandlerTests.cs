using System.Text;
using BackupOperator.Operator.Ocp;
using BackupOperator.Tests.Reconciliation.ClusterBackupNow;
using Microsoft.Extensions.Time.Testing;
using Polly;

namespace BackupOperator.Tests.Ocp;

/// <summary>The headers OCP checks, as they leave the client.</summary>
public sealed class AuthHandlerTests
{
    private const string Ok = """{"successful":true,"data":{"contents":[]}}""";
    private readonly FakeTimeProvider _time = new(TestResources.Start);

    [Fact]
    public async Task Signed_get_carries_date_host_and_the_hand_computed_signature()
    {
        var (client, stub) = Signed("https://ocp.example.com:443", "ocp.example.com:443");

        await client.ListTasksAsync(new TaskQuery(ClusterId: 8, Size: 100), CancellationToken.None);

        var sent = Assert.Single(stub.Sent);
        Assert.Equal("Tue, 24 Nov 2026 12:00:00 GMT", sent.Date);
        Assert.Equal("ocp.example.com:443", sent.Host);
        // printf 'GET\n\n\nTue, 24 Nov 2026 12:00:00 GMT\nocp.example.com:443\n\n/api/v2/tasks/instances?clusterId=8&page=1&size=100&sort=id%2Cdesc'
        //   | openssl dgst -sha1 -hmac test-secret-key -binary | base64
        Assert.Equal("OCP-ACCESS-KEY-HMACSHA1 AKID:ENA6bOr4LTrqceWejm6sXv67I80=", sent.Authorization);
    }

    [Fact]
    public async Task Signed_post_signs_the_exact_bytes_and_content_type_sent()
    {
        var (client, stub) = Signed("https://ocp.example.com:8080/", "ocp.example.com:8080");
        _time.Advance(TimeSpan.FromMinutes(90));

        await client.BackupNowAsync(8, new BackupNowRequest
        {
            BackupMode = "PHYSICAL_BACKUP",
            DataBackupMode = "FULL_BACKUP",
            ObBackupServiceStorageConfig = new StorageConfigDto { ObBackupStorageBaseInfo = new StorageBaseInfoDto { BackupStorageType = "BACKUP_STORAGE_FILE", StorageUrl = "/b/" } },
        }, CancellationToken.None);

        var sent = Assert.Single(stub.Sent);
        Assert.Equal("application/json", sent.ContentType);
        Assert.Equal("Tue, 24 Nov 2026 13:30:00 GMT", sent.Date);
        var expected = OcpSigner.Sign("test-secret-key", OcpSigner.StringToSign(
            "POST", sent.Body, "application/json", sent.Date!, "ocp.example.com:8080", [], "/api/v2/ob/clusters/8/backup/backupNow", []));
        Assert.Equal($"OCP-ACCESS-KEY-HMACSHA1 AKID:{expected}", sent.Authorization);
        Assert.StartsWith("{\"backupMode\":\"PHYSICAL_BACKUP\"", Encoding.UTF8.GetString(sent.Body), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_request_id_header_is_sent_but_not_signed()
    {
        var (client, stub) = Signed("https://ocp.example.com:8080/", "ocp.example.com:8080");

        await client.BackupNowAsync(8, new BackupNowRequest
        {
            BackupMode = "PHYSICAL_BACKUP",
            DataBackupMode = "FULL_BACKUP",
            ObBackupServiceStorageConfig = new StorageConfigDto { ObBackupStorageBaseInfo = new StorageBaseInfoDto { BackupStorageType = "BACKUP_STORAGE_FILE", StorageUrl = "/b/" } },
        }, CancellationToken.None, requestId: "req-7f3a");

        var sent = Assert.Single(stub.Sent);
        Assert.Equal("req-7f3a", sent.RequestId);
        // Only x-ocp-* headers are part of the string to sign: OCP verifies the same signature with or without it.
        var expected = OcpSigner.Sign("test-secret-key", OcpSigner.StringToSign(
            "POST", sent.Body, "application/json", sent.Date!, "ocp.example.com:8080", [], "/api/v2/ob/clusters/8/backup/backupNow", []));
        Assert.Equal($"OCP-ACCESS-KEY-HMACSHA1 AKID:{expected}", sent.Authorization);
    }

    [Fact]
    public async Task X_ocp_headers_are_signed_sorted()
    {
        var stub = StubHandler.Always(200, Ok);
        using var http = new HttpClient(new AkSkSigningHandler("AKID", "test-secret-key", "ocp.example.com", _time) { InnerHandler = stub });
        using var request = new HttpRequestMessage(HttpMethod.Get, "https://ocp.example.com/api/v2/tasks/instances/3000041");
        request.Headers.Add("x-ocp-trace-id", "t-42");
        request.Headers.Add("x-ocp-client", "backup-operator");

        await http.SendAsync(request);

        var toSign = "GET\n\n\nTue, 24 Nov 2026 12:00:00 GMT\nocp.example.com\nx-ocp-client:backup-operator\nx-ocp-trace-id:t-42\n/api/v2/tasks/instances/3000041";
        Assert.Equal($"OCP-ACCESS-KEY-HMACSHA1 AKID:{OcpSigner.Sign("test-secret-key", toSign)}", Assert.Single(stub.Sent).Authorization);
    }

    [Fact]
    public async Task Basic_auth_sends_user_and_password_in_base64()
    {
        var stub = StubHandler.Always(200, Ok);
        var client = new OcpClient(new HttpClient(new BasicAuthHandler("admin", "s3cret") { InnerHandler = stub }), Clients.BaseUrl, ResiliencePipeline.Empty);

        await client.ListTasksAsync(new TaskQuery(ClusterId: 8), CancellationToken.None);

        // printf '%s' admin:s3cret | base64
        Assert.Equal("Basic YWRtaW46czNjcmV0", Assert.Single(stub.Sent).Authorization);
    }

    private (OcpClient, StubHandler) Signed(string url, string host)
    {
        var stub = StubHandler.Always(200, Ok);
        var handler = new AkSkSigningHandler("AKID", "test-secret-key", OcpSigner.HostFromUrlText(url), _time) { InnerHandler = stub };
        Assert.Equal(host, OcpSigner.HostFromUrlText(url));
        return (new OcpClient(new HttpClient(handler), url, ResiliencePipeline.Empty), stub);
    }
}
