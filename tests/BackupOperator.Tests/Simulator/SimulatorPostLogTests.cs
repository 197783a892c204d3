using System.Text.Json.Nodes;
using BackupOperator.OcpSimulator;
using BackupOperator.Operator.Ocp;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Time.Testing;
using Polly;

namespace BackupOperator.Tests.Simulator;

/// <summary>The simulator tells which POST started which backup: the attribution the soak counts.</summary>
public sealed class SimulatorPostLogTests : IAsyncLifetime
{
    private static readonly BackupNowRequest Request = new()
    {
        BackupMode = "PHYSICAL_BACKUP",
        DataBackupMode = "FULL_BACKUP",
        ObBackupServiceStorageConfig = new StorageConfigDto { ObBackupStorageBaseInfo = new StorageBaseInfoDto { BackupStorageType = "BACKUP_STORAGE_FILE", StorageUrl = "/b/" } },
    };

    private readonly FakeTimeProvider _time = new(DateTimeOffset.Parse("2026-11-24T12:00:00Z", System.Globalization.CultureInfo.InvariantCulture));
    private WebApplication _app = null!;
    private string _url = null!;

    public async Task InitializeAsync()
    {
        _app = SimulatorApp.Build(["--urls", "http://127.0.0.1:0", "--Simulator:AccessKeys=AK1:SK-secret", "--Simulator:TaskDurationMs=1000"], _time);
        await _app.StartAsync();
        _url = _app.Urls.First().TrimEnd('/');
    }

    public async Task DisposeAsync() => await _app.DisposeAsync();

    [Fact]
    public async Task Each_post_is_recorded_with_its_request_id_and_the_tasks_it_started()
    {
        // The operator's own client, signed: the unsigned X-Request-Id does not break the signature.
        var client = new OcpClient(
            new HttpClient(new AkSkSigningHandler("AK1", "SK-secret", OcpSigner.HostFromUrlText(_url), _time) { InnerHandler = new HttpClientHandler() }),
            _url, ResiliencePipeline.Empty);

        var accepted = await client.BackupNowAsync(8, Request, CancellationToken.None, requestId: "intent-a");
        var taskId = Assert.Single(Assert.Single(accepted.Data.BackupObjectOpsResultList!).TaskIdList!);
        // The cluster is busy: refused, so this POST started nothing.
        await Assert.ThrowsAsync<OcpApiException>(() => client.BackupNowAsync(8, Request, CancellationToken.None, requestId: "intent-b"));
        _time.Advance(TimeSpan.FromSeconds(1));
        var anonymous = await client.BackupNowAsync(9, Request, CancellationToken.None);
        var otherTask = Assert.Single(Assert.Single(anonymous.Data.BackupObjectOpsResultList!).TaskIdList!);

        using var admin = new HttpClient();
        var posts = JsonNode.Parse(await admin.GetStringAsync(new Uri($"{_url}/_sim/posts")))!.AsArray();
        Assert.Equal(3, posts.Count);
        Assert.Equal(("intent-a", 8L, $"{taskId}"), Read(posts[0]!));
        Assert.Equal(("intent-b", 8L, ""), Read(posts[1]!));
        Assert.Equal(((string?)null, 9L, $"{otherTask}"), Read(posts[2]!));
        Assert.Equal("2026-11-24T20:00:00.000+08:00", posts[0]!["at"]!.GetValue<string>());

        var only9 = JsonNode.Parse(await admin.GetStringAsync(new Uri($"{_url}/_sim/posts?clusterId=9")))!.AsArray();
        Assert.Equal(9L, Assert.Single(only9)!["clusterId"]!.GetValue<long>());

        var backups = JsonNode.Parse(await admin.GetStringAsync(new Uri($"{_url}/_sim/backups")))!;
        Assert.Equal([taskId], backups["8"]!.AsArray().Select(t => t!.GetValue<long>()));
        Assert.Equal([otherTask], backups["9"]!.AsArray().Select(t => t!.GetValue<long>()));

        await admin.PostAsync(new Uri($"{_url}/_sim/reset"), null);
        Assert.Empty(JsonNode.Parse(await admin.GetStringAsync(new Uri($"{_url}/_sim/posts")))!.AsArray());
    }

    private static (string? RequestId, long ClusterId, string TaskIds) Read(JsonNode post) => (
        post["requestId"]?.GetValue<string>(),
        post["clusterId"]!.GetValue<long>(),
        string.Join(',', post["taskIds"]!.AsArray().Select(t => t!.GetValue<long>())));
}
