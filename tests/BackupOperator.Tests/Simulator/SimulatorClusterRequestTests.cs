using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using BackupOperator.OcpSimulator;
using Microsoft.AspNetCore.Builder;

namespace BackupOperator.Tests.Simulator;

/// <summary>
/// The simulator counts the requests about each cluster (a POST to it, a task list filtered by it, a
/// read of one of its tasks), apart from requests about no cluster (a connection probe): what tells
/// whether a backup of that cluster talked to this OCP at all.
/// </summary>
public sealed class SimulatorClusterRequestTests : IAsyncLifetime
{
    private WebApplication _app = null!;

    public async Task InitializeAsync()
    {
        _app = SimulatorApp.Build(["--urls", "http://127.0.0.1:0", "--Simulator:Users=u:p", "--Simulator:TaskDurationMs=60000"]);
        await _app.StartAsync();
    }

    public async Task DisposeAsync() => await _app.DisposeAsync();

    [Fact]
    public async Task Requests_are_counted_per_cluster_and_a_request_about_no_cluster_or_an_unauthenticated_one_is_not()
    {
        using var http = new HttpClient { BaseAddress = new Uri(_app.Urls.First()) };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes("u:p")));
        const string body = """{"backupMode":"PHYSICAL_BACKUP","dataBackupMode":"FULL_BACKUP","obBackupServiceStorageConfig":{"obBackupStorageBaseInfo":{"backupStorageType":"BACKUP_STORAGE_FILE","storageUrl":"/b/"}}}""";
        using var posted = await http.PostAsync(new Uri("/api/v2/ob/clusters/8/backup/backupNow", UriKind.Relative), new StringContent(body, Encoding.UTF8, "application/json"));
        posted.EnsureSuccessStatusCode();
        var taskId = JsonNode.Parse(await posted.Content.ReadAsStringAsync())!["data"]!["backupObjectOpsResultList"]![0]!["taskIdList"]![0]!.GetValue<long>();
        (await http.GetAsync(new Uri($"/api/v2/tasks/instances/{taskId}", UriKind.Relative))).EnsureSuccessStatusCode();
        (await http.GetAsync(new Uri("/api/v2/tasks/instances?clusterId=8&sort=id,desc", UriKind.Relative))).EnsureSuccessStatusCode();
        (await http.GetAsync(new Uri("/api/v2/tasks/instances?page=1&size=1", UriKind.Relative))).EnsureSuccessStatusCode(); // a probe: no cluster
        using var anonymous = new HttpClient { BaseAddress = http.BaseAddress };
        await anonymous.GetAsync(new Uri("/api/v2/tasks/instances?clusterId=9", UriKind.Relative)); // 401: not counted

        var stats = JsonNode.Parse(await http.GetStringAsync(new Uri("/_sim/stats", UriKind.Relative)))!;
        var byCluster = stats["requestsByCluster"]!.AsObject();
        Assert.Equal(["8"], byCluster.Select(c => c.Key));
        Assert.Equal(
            new Dictionary<string, int> { ["backupNow"] = 1, ["getTask"] = 1, ["listTasks"] = 1 },
            byCluster["8"]!.AsObject().ToDictionary(r => r.Key, r => r.Value!.GetValue<int>()));
        Assert.Equal(2, stats["requests"]!["listTasks"]!.GetValue<int>());
        Assert.Equal(1, stats["authFailures"]!.GetValue<int>());

        (await http.PostAsync(new Uri("/_sim/reset", UriKind.Relative), null)).EnsureSuccessStatusCode();
        Assert.Empty(JsonNode.Parse(await http.GetStringAsync(new Uri("/_sim/stats", UriKind.Relative)))!["requestsByCluster"]!.AsObject());
    }
}
