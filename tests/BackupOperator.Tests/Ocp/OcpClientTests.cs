using System.Globalization;
using System.Text;
using BackupOperator.Operator.Ocp;
using BackupOperator.Tests.Reconciliation.ClusterBackupNow;

namespace BackupOperator.Tests.Ocp;

/// <summary>What OCP (or a proxy in front of it) answers, as the reconciler gets to see it.</summary>
public sealed class OcpClientTests
{
    internal static readonly BackupNowRequest Request = new()
    {
        ObBackupObject = new BackupObjectDto(8, "CLUSTER"),
        BackupMode = "PHYSICAL_BACKUP",
        DataBackupMode = "FULL_BACKUP",
        ObBackupServiceStorageConfig = new StorageConfigDto
        {
            AlarmStoragePercentageThreshold = 95,
            ConfigName = "ycnfs223_0915",
            ServiceName = "ycfor223",
            StorageId = 26,
            ObBackupStorageBaseInfo = new StorageBaseInfoDto { BackupStorageType = "BACKUP_STORAGE_FILE", StorageUrl = "/obbackup/" },
        },
    };

    [Fact]
    public async Task Seed_sample_answer_is_read_and_the_request_is_ocps_json()
    {
        var stub = StubHandler.Always(200, TestResources.SeedSampleResponse);

        var answer = await Clients.Over(stub).BackupNowAsync(8, Request, CancellationToken.None);

        var result = Assert.Single(answer.Data.BackupObjectOpsResultList!);
        Assert.True(result.BeSuccessful);
        Assert.Equal([3000041L], result.TaskIdList);
        Assert.Equal(new BackupObjectDto(1000005, "CLUSTER"), Assert.Single(result.ObBackupObjectList!));
        Assert.Equal("DATA_BACKUP_NOW", answer.Data.ObBackupTaskType);
        Assert.Equal("5962f337662d4043", answer.TraceId);
        Assert.Equal("a83ad33525", answer.Server);
        Assert.Equal("2021-09-07T14:51:41.135+08:00", answer.Timestamp);
        Assert.Equal(TimeSpan.FromHours(8), DateTimeOffset.Parse(answer.Timestamp!, CultureInfo.InvariantCulture).Offset);

        var sent = Assert.Single(stub.Sent);
        Assert.Null(sent.RequestId); // no id given, no header
        Assert.Equal(HttpMethod.Post, sent.Method);
        Assert.Equal("https://ocp.example.com:8080/api/v2/ob/clusters/8/backup/backupNow", sent.Uri.AbsoluteUri);
        Assert.Equal("application/json", sent.ContentType);
        const string expectedBody = """{"obBackupObject":{"clusterId":8,"backupDimension":"CLUSTER"},"backupMode":"PHYSICAL_BACKUP","dataBackupMode":"FULL_BACKUP","obBackupServiceStorageConfig":{"alarmStoragePercentageThreshold":95,"configName":"ycnfs223_0915","obBackupStorageBaseInfo":{"backupStorageType":"BACKUP_STORAGE_FILE","storageUrl":"/obbackup/"},"serviceName":"ycfor223","storageId":26}}""";
        Assert.Equal(
            expectedBody,
            Encoding.UTF8.GetString(sent.Body));
    }

    [Fact]
    public async Task The_request_id_goes_out_as_the_x_request_id_header()
    {
        var stub = StubHandler.Always(200, TestResources.SeedSampleResponse);

        await Clients.Over(stub).BackupNowAsync(8, Request, CancellationToken.None, requestId: "0b6c2f1e-intent");

        Assert.Equal("0b6c2f1e-intent", Assert.Single(stub.Sent).RequestId);
    }

    [Theory]
    [InlineData(502, "<html><body><h1>502 Bad Gateway</h1></body></html>", OcpFailureKind.ServerError, true, null, "not OCP's JSON envelope (content type application/json")]
    [InlineData(403, "<html>Forbidden by proxy</html>", OcpFailureKind.InvalidResponse, false, null, "not OCP's JSON envelope")]
    [InlineData(200, "", OcpFailureKind.InvalidResponse, true, null, "not OCP's JSON envelope")]
    [InlineData(200, """{"data":{"backupObjectOpsResultList":[{"beSucc""", OcpFailureKind.InvalidResponse, true, null, "not OCP's JSON envelope")]
    [InlineData(400, """{"error":{"code":"E1","message":"from another service"}}""", OcpFailureKind.InvalidResponse, false, null, "not OCP's JSON envelope")]
    [InlineData(200, """{"successful":true,"traceId":"t"}""", OcpFailureKind.InvalidResponse, true, null, "successful answer without data")]
    [InlineData(401, "\"UNAUTHORIZED\"|Bad credentials", OcpFailureKind.Rejected, false, "UNAUTHORIZED", "Bad credentials")]
    [InlineData(404, "10004|Cluster not found: 8", OcpFailureKind.Rejected, false, "10004", "Cluster not found: 8")]
    [InlineData(409, "\"BACKUP_IN_PROGRESS\"|Backup task is in progress", OcpFailureKind.Rejected, false, "BACKUP_IN_PROGRESS", "Backup task is in progress")]
    [InlineData(500, "\"INTERNAL\"|NullPointerException in BackupService", OcpFailureKind.ServerError, true, "INTERNAL", "NullPointerException in BackupService")]
    [InlineData(200, "\"BAD\"|refused with 200", OcpFailureKind.Rejected, false, "BAD", "refused with 200")]
    public async Task Failed_answer_is_an_ocp_error_with_kind_status_code_and_text(
        int status, string body, OcpFailureKind kind, bool mayHaveActed, string? code, string fragment)
    {
        var envelope = body.Split('|') is [var c, var m] ? Clients.Envelope(status, c, m) : body;

        var e = await Assert.ThrowsAsync<OcpApiException>(() => Clients.Over(StubHandler.Always(status, envelope)).BackupNowAsync(8, Request, CancellationToken.None));

        Assert.Equal(kind, e.Kind);
        Assert.Equal(status, e.HttpStatus);
        Assert.Equal(code, e.Code);
        Assert.Contains(fragment, e.Message, StringComparison.Ordinal);
        Assert.Contains($"HTTP {status}", e.Message, StringComparison.Ordinal);
        Assert.Equal(mayHaveActed, e.MayHaveActed);
        foreach (var notOcps in new[] { "html", "Bad Gateway", "proxy", "backupObjectOpsResultList", "another service" })
        {
            Assert.DoesNotContain(notOcps, e.Message, StringComparison.Ordinal);
        }

        if (code is not null)
        {
            Assert.Equal($"trace-{status}", e.TraceId);
        }
    }

    [Fact]
    public async Task Html_is_reported_by_its_content_type_and_never_by_its_text()
    {
        var html = "<html>\n" + new string('x', 5000) + "\n</html>";

        var e = await Assert.ThrowsAsync<OcpApiException>(() =>
            Clients.Over(new StubHandler(_ => StubHandler.Answer(502, html, "text/html"))).GetTaskAsync(1, CancellationToken.None));

        Assert.Equal("OCP getTask: the answer is not OCP's JSON envelope (content type text/html; its body is not reported); HTTP 502 (ServerError)", e.Message);
    }

    [Theory]
    [InlineData(HttpRequestError.ConnectionError, OcpFailureKind.Unreachable, "connection failed")]
    [InlineData(HttpRequestError.NameResolutionError, OcpFailureKind.Unreachable, "host name not resolved")]
    [InlineData(HttpRequestError.SecureConnectionError, OcpFailureKind.Unreachable, "TLS handshake failed")]
    [InlineData(HttpRequestError.ResponseEnded, OcpFailureKind.Lost, "connection lost before the answer")]
    public async Task Transport_failure_says_whether_the_request_can_have_reached_ocp(HttpRequestError error, OcpFailureKind kind, string fragment)
    {
        var stub = new StubHandler(_ => throw new HttpRequestException(error, "Connection refused (ocp.example.com:8080)"));

        var e = await Assert.ThrowsAsync<OcpApiException>(() => Clients.Over(stub).BackupNowAsync(8, Request, CancellationToken.None));

        Assert.Equal(kind, e.Kind);
        Assert.Contains(fragment, e.Message, StringComparison.Ordinal);
        Assert.Equal(kind == OcpFailureKind.Lost, e.MayHaveActed);
        Assert.Null(e.HttpStatus);
    }

    [Fact]
    public async Task Timeout_is_lost_and_may_have_acted()
    {
        var stub = new StubHandler(_ => throw new TaskCanceledException("timed out", new TimeoutException()));

        var e = await Assert.ThrowsAsync<OcpApiException>(() => Clients.Over(stub).BackupNowAsync(8, Request, CancellationToken.None));

        Assert.Equal(OcpFailureKind.Lost, e.Kind);
        Assert.True(e.MayHaveActed);
        Assert.Contains("no answer within", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Shutdown_cancellation_is_not_reported_as_an_ocp_failure()
    {
        using var cts = new CancellationTokenSource();
        var stub = new StubHandler(_ =>
        {
            cts.Cancel();
            throw new TaskCanceledException();
        });

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => Clients.Over(stub).GetTaskAsync(1, cts.Token));
    }

    [Theory]
    [InlineData("2", "\"MANUAL\"", "2")]
    [InlineData("\"RUNNING\"", "3", "RUNNING")]
    public async Task Task_status_as_number_or_string_is_kept_as_text(string statusJson, string typeJson, string expected)
    {
        var body = $$$"""
            {"successful":true,"status":200,"traceId":"t","newTopLevelField":{"x":1},
             "data":{"id":3000041,"name":"Backup cluster","taskDefinitionId":12,"cluster":{"id":8,"name":"obcluster"},
               "tenant":{"id":1,"name":"sys"},"creator":{"id":1,"name":"admin"},"status":{{{statusJson}}},"type":{{{typeJson}}},
               "operation":"EXECUTE","executor":"10.0.0.1","prohibitRollback":false,"createTime":"2026-11-24T20:00:00.000+08:00",
               "subtasks":[{"id":1,"name":"Backup data","status":"FAILED","unknown":[1,2]},{"id":2,"name":"Clean","status":3}]}}
            """;

        var task = (await Clients.Over(StubHandler.Always(200, body)).GetTaskAsync(3000041, CancellationToken.None)).Data;

        Assert.Equal(expected, task.Status);
        Assert.Equal(3000041, task.Id);
        Assert.Equal(new NamedRef(8, "obcluster"), task.Cluster);
        Assert.Equal(["FAILED", "3"], task.Subtasks!.Select(s => s.Status));
    }

    [Fact]
    public async Task Error_code_object_is_kept_as_its_json_text()
    {
        var body = """
            {"successful":true,"data":{"backupObjectOpsResultList":[{"beSuccessful":false,
             "errorCode":{"code":"OB_BACKUP_CONFIG_ERROR","args":[8]},"hint":"check the backup service"}]}}
            """;

        var answer = await Clients.Over(StubHandler.Always(200, body)).BackupNowAsync(8, Request, CancellationToken.None);

        var result = Assert.Single(answer.Data.BackupObjectOpsResultList!);
        Assert.Equal("""{"code":"OB_BACKUP_CONFIG_ERROR","args":[8]}""", result.ErrorCode);
        Assert.Equal("check the backup service", result.Hint);
    }

    [Fact]
    public async Task Task_list_sends_sorted_encoded_filters_and_reads_the_page()
    {
        var stub = StubHandler.Always(200, """
            {"successful":true,"data":{"contents":[{"id":5,"name":"Backup","status":"RUNNING"}],
             "page":{"totalElements":1,"totalPages":1,"number":1,"size":100}}}
            """);

        var page = (await Clients.Over(stub).ListTasksAsync(new TaskQuery(ClusterId: 8, Status: "RUNNING,FAILED", Size: 100), CancellationToken.None)).Data;

        Assert.Equal("?clusterId=8&page=1&size=100&sort=id%2Cdesc&status=RUNNING%2CFAILED", Assert.Single(stub.Sent).Uri.Query);
        Assert.Equal(5, Assert.Single(page.Contents!).Id);
        Assert.Equal(1, page.Page!.TotalElements);
    }
}
