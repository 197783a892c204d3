using BackupOperator.Operator.Ocp;
using Microsoft.Extensions.Time.Testing;

namespace BackupOperator.Tests.Ocp;

/// <summary>Reads are retried; backupNow, which may start a backup each time, never is.</summary>
public sealed class RetryTests
{
    private const string ServerError = """{"successful":false,"status":500,"error":{"code":"INTERNAL","message":"busy database"}}""";

    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 24, 12, 0, 0, TimeSpan.Zero));

    [Fact]
    public async Task Backup_now_is_sent_once_on_a_server_error()
    {
        var stub = StubHandler.Always(500, ServerError);
        var client = Clients.Over(stub, OcpClientFactory.ReadPipeline(new OcpOptions { ReadRetries = 2 }, _time));

        await Assert.ThrowsAsync<OcpApiException>(() => Clients.DriveAsync(_time, () => client.BackupNowAsync(8, new BackupNowRequest
        {
            BackupMode = "PHYSICAL_BACKUP",
            DataBackupMode = "FULL_BACKUP",
            ObBackupServiceStorageConfig = new StorageConfigDto { ObBackupStorageBaseInfo = new StorageBaseInfoDto { BackupStorageType = "BACKUP_STORAGE_FILE" } },
        }, CancellationToken.None)));

        Assert.Single(stub.Sent);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(2)]
    [InlineData(4)]
    public async Task Task_read_is_retried_read_retries_times_on_a_server_error(int retries)
    {
        var stub = StubHandler.Always(500, ServerError);
        var client = Clients.Over(stub, OcpClientFactory.ReadPipeline(new OcpOptions { ReadRetries = retries }, _time));

        var e = await Assert.ThrowsAsync<OcpApiException>(() => Clients.DriveAsync(_time, () => client.GetTaskAsync(1, CancellationToken.None)));

        Assert.Equal(OcpFailureKind.ServerError, e.Kind);
        Assert.Equal(retries + 1, stub.Sent.Count);
    }

    [Fact]
    public async Task Task_list_recovers_when_a_retry_succeeds()
    {
        var stub = new StubHandler(n => n == 1
            ? StubHandler.Answer(502, "<html>bad gateway</html>", "text/html")
            : StubHandler.Answer(200, """{"successful":true,"data":{"contents":[]}}"""));
        var client = Clients.Over(stub, OcpClientFactory.ReadPipeline(new OcpOptions { ReadRetries = 2 }, _time));

        var page = await Clients.DriveAsync(_time, () => client.ListTasksAsync(new TaskQuery(ClusterId: 8), CancellationToken.None));

        Assert.Empty(page.Data.Contents!);
        Assert.Equal(2, stub.Sent.Count);
    }

    [Fact]
    public async Task A_refusal_is_not_retried()
    {
        var stub = StubHandler.Always(404, """{"successful":false,"status":404,"error":{"code":"NOT_FOUND","message":"no task 1"}}""");
        var client = Clients.Over(stub, OcpClientFactory.ReadPipeline(new OcpOptions { ReadRetries = 2 }, _time));

        var e = await Assert.ThrowsAsync<OcpApiException>(() => Clients.DriveAsync(_time, () => client.GetTaskAsync(1, CancellationToken.None)));

        Assert.Equal(404, e.HttpStatus);
        Assert.Single(stub.Sent);
    }
}
