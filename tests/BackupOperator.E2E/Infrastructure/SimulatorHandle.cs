using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using BackupOperator.OcpSimulator;
using Microsoft.AspNetCore.Builder;

namespace BackupOperator.E2E.Infrastructure;

/// <summary>The OCP simulator, a real HTTP server on loopback, and its admin API.</summary>
internal sealed class SimulatorHandle : IAsyncDisposable
{
    public const string User = "backup-bot";
    public const string Password = "e2e-Basic-P@ss-7f3a";
    public const string AccessKeyId = "AK-E2E-0001";
    public const string AccessKeySecret = "SK-e2e-9c41d2-secret";

    private readonly WebApplication _app;
    private readonly HttpClient _http;
    private readonly OcpAnswerLog _answers;

    private SimulatorHandle(WebApplication app, string url, OcpAnswerLog answers)
    {
        _app = app;
        _answers = answers;
        Url = url;
        // The harness's own admin calls; the operator's trust in OCP's certificate is what the tests check.
        _http = new HttpClient(new HttpClientHandler { ServerCertificateCustomValidationCallback = HttpClientHandler.DangerousAcceptAnyServerCertificateValidator })
        {
            BaseAddress = new Uri(url),
        };
    }

    public string Url { get; }

    public static async Task<SimulatorHandle> StartAsync(CancellationToken ct, TestCertificates? tls = null)
    {
        string[] https = tls is null ? [] : [$"--Simulator:CertificatePath={tls.ServerCertPath}", $"--Simulator:KeyPath={tls.ServerKeyPath}"];
        var app = SimulatorApp.Build(
        [
            .. https,
            "--urls", tls is null ? "http://127.0.0.1:0" : "https://127.0.0.1:0",
            $"--Simulator:Users={User}:{Password}",
            $"--Simulator:AccessKeys={AccessKeyId}:{AccessKeySecret}",
            "--Simulator:TaskDurationMs=1500",
            "--Logging:LogLevel:Default=Warning",
        ]);
        var answers = OcpAnswerLog.AttachTo(app);
        await app.StartAsync(ct);
        return new SimulatorHandle(app, app.Urls.First().TrimEnd('/'), answers);
    }

    public async Task<JsonObject> StatsAsync(CancellationToken ct) =>
        (await _http.GetFromJsonAsync<JsonObject>("/_sim/stats", ct))!;

    /// <summary>backupNow POSTs that reached the simulator for one cluster.</summary>
    public async Task<int> PostsAsync(long clusterId, CancellationToken ct) =>
        (await StatsAsync(ct))["backupNowPosts"]?[clusterId.ToString(System.Globalization.CultureInfo.InvariantCulture)]?.GetValue<int>() ?? 0;

    /// <summary>Backups the simulator actually started for one cluster.</summary>
    public async Task<int> StartedAsync(long clusterId, CancellationToken ct) =>
        (await StatsAsync(ct))["backupsStarted"]?[clusterId.ToString(System.Globalization.CultureInfo.InvariantCulture)]?.GetValue<int>() ?? 0;

    /// <summary>The tasks backupNow POSTs started on one cluster (not those of OCP's other users, <see cref="SimSettings.ForeignTasks"/>).</summary>
    public async Task<IReadOnlyList<long>> TaskIdsAsync(long clusterId, CancellationToken ct) =>
        (await StatsAsync(ct))["tasks"]!.AsArray()
            .Where(t => t!["cluster"]?["id"]?.GetValue<long>() == clusterId && t["foreign"] is null)
            .Select(t => t!["id"]!.GetValue<long>())
            .ToList();

    /// <summary>The tasks OCP's other users created on one cluster (<see cref="SimSettings.ForeignTasks"/>).</summary>
    public async Task<IReadOnlyList<ForeignTask>> ForeignTasksAsync(long clusterId, CancellationToken ct) =>
        (await StatsAsync(ct))["tasks"]!.AsArray()
            .Where(t => t!["cluster"]?["id"]?.GetValue<long>() == clusterId && t["foreign"] is not null)
            .Select(t => new ForeignTask(t!["id"]!.GetValue<long>(), t["name"]!.GetValue<string>(), t["type"]!.GetValue<string>(), t["creator"]!["name"]!.GetValue<string>()))
            .ToList();

    /// <summary>Every call to the OCP API, oldest first, or only those about one cluster or one task.</summary>
    public async Task<IReadOnlyList<OcpCall>> CallsAsync(CancellationToken ct, long? clusterId = null, long? taskId = null)
    {
        var query = string.Join('&', new[] { clusterId is null ? null : $"clusterId={clusterId}", taskId is null ? null : $"taskId={taskId}" }.OfType<string>());
        return (await _http.GetFromJsonAsync<JsonArray>($"/_sim/calls?{query}", ct))!
            .Select(c => new OcpCall(
                c!["method"]!.GetValue<string>(),
                c["path"]!.GetValue<string>(),
                c["operation"]!.GetValue<string>(),
                c["clusterId"]?.GetValue<long>(),
                c["taskId"]?.GetValue<long>(),
                c["user"]?.GetValue<string>(),
                c["at"]!.GetValue<string>()))
            .ToList();
    }

    /// <summary>The calls that could have changed a task (anything but a read): empty while OCP's task is untouched.</summary>
    public async Task<IReadOnlyList<OcpCall>> CallsChangingAsync(long taskId, CancellationToken ct) =>
        (await CallsAsync(ct, taskId: taskId)).Where(c => c.Method != "GET").ToList();

    /// <summary>Every backupNow POST, oldest first, with the request id it carried and the tasks it started.</summary>
    public async Task<IReadOnlyList<OcpPost>> PostLogAsync(CancellationToken ct) =>
        (await _http.GetFromJsonAsync<JsonArray>("/_sim/posts", ct))!
            .Select(p => new OcpPost(
                p!["requestId"]?.GetValue<string>(),
                p["clusterId"]!.GetValue<long>(),
                p["taskIds"]!.AsArray().Select(t => t!.GetValue<long>()).ToList(),
                p["at"]!.GetValue<string>()))
            .ToList();

    /// <summary>The ids of all backup tasks started, per cluster, by whomever.</summary>
    public async Task<IReadOnlyDictionary<long, IReadOnlyList<long>>> BackupsStartedAsync(CancellationToken ct) =>
        (await _http.GetFromJsonAsync<JsonObject>("/_sim/backups", ct))!
            .ToDictionary(
                c => long.Parse(c.Key, System.Globalization.CultureInfo.InvariantCulture),
                c => (IReadOnlyList<long>)c.Value!.AsArray().Select(t => t!.GetValue<long>()).ToList());

    /// <summary>What the simulator answered to every backupNow POST so far, as it left the server (see <see cref="OcpAnswer"/>).</summary>
    public IReadOnlyList<OcpAnswer> BackupNowAnswers => _answers.Snapshot();

    /// <summary>The status of every task the simulator keeps, by id, as its stats report it (RUNNING, SUCCESSFUL, FAILED).</summary>
    public async Task<IReadOnlyDictionary<long, string>> TaskStatusesAsync(CancellationToken ct) =>
        (await StatsAsync(ct))["tasks"]!.AsArray()
            .ToDictionary(t => t!["id"]!.GetValue<long>(), t => t!["status"]!.GetValue<string>());

    public async Task<JsonObject?> LastRequestAsync(long clusterId, CancellationToken ct) =>
        await _http.GetFromJsonAsync<JsonObject>($"/_sim/requests/last?clusterId={clusterId}", ct);

    public async Task AddFaultAsync(object fault, CancellationToken ct)
    {
        using var response = await _http.PostAsJsonAsync("/_sim/faults", fault, JsonSerializerOptions.Web, ct);
        response.EnsureSuccessStatusCode();
    }

    /// <summary>A backup started in OCP by someone else (its console, another tool), with this run's Basic user.</summary>
    public async Task StartBackupDirectlyAsync(long clusterId, CancellationToken ct)
    {
        const string body = """{"backupMode":"PHYSICAL_BACKUP","dataBackupMode":"FULL_BACKUP","obBackupServiceStorageConfig":{"obBackupStorageBaseInfo":{"backupStorageType":"BACKUP_STORAGE_FILE","storageUrl":"/obbackup/"}}}""";
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/api/v2/ob/clusters/{clusterId}/backup/backupNow")
        {
            Content = new StringContent(body, System.Text.Encoding.UTF8, "application/json"),
        };
        request.Headers.Authorization = BasicAuthorization();
        using var response = await _http.SendAsync(request, ct);
        response.EnsureSuccessStatusCode();
    }

    private static System.Net.Http.Headers.AuthenticationHeaderValue BasicAuthorization() =>
        new("Basic", Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes($"{User}:{Password}")));

    /// <summary>
    /// Everything this simulator heard on its OCP API: authenticated requests of every operation,
    /// refused authentications, and backupNow POSTs (whether or not they started anything).
    /// </summary>
    public async Task<OcpTraffic> TrafficAsync(CancellationToken ct)
    {
        var stats = await StatsAsync(ct);
        var requests = stats["requests"]!.AsObject().ToDictionary(r => r.Key, r => r.Value!.GetValue<int>());
        return new OcpTraffic(requests, stats["authFailures"]!.GetValue<int>(), stats["backupNowPostsTotal"]!.GetValue<int>());
    }

    /// <summary>Authenticated requests about one cluster, per operation (backupNow to it, task lists filtered by it, reads of its tasks); empty when none.</summary>
    public async Task<IReadOnlyDictionary<string, int>> ClusterRequestsAsync(long clusterId, CancellationToken ct) =>
        (await StatsAsync(ct))["requestsByCluster"]?[clusterId.ToString(System.Globalization.CultureInfo.InvariantCulture)]?.AsObject()
            .ToDictionary(r => r.Key, r => r.Value!.GetValue<int>()) ?? new Dictionary<string, int>();

    /// <summary>The backupNow POSTs that carried <paramref name="requestId"/> (a backup's status.requestId), with the tasks each started.</summary>
    public async Task<IReadOnlyList<OcpPost>> PostsWithRequestIdAsync(string? requestId, CancellationToken ct) =>
        (await PostLogAsync(ct)).Where(p => requestId is not null && p.RequestId == requestId).ToList();

    /// <summary>Ends a task now, whatever its duration (SUCCESSFUL or FAILED).</summary>
    public async Task FinishTaskAsync(long taskId, string status, CancellationToken ct)
    {
        using var response = await _http.PostAsJsonAsync($"/_sim/tasks/{taskId}/finish", new { status }, JsonSerializerOptions.Web, ct);
        response.EnsureSuccessStatusCode();
    }

    public async Task ClearFaultsAsync(CancellationToken ct)
    {
        using var response = await _http.DeleteAsync(new Uri("/_sim/faults", UriKind.Relative), ct);
        response.EnsureSuccessStatusCode();
    }

    /// <summary>Forgets every task, fault, counter and setting (the simulator's own defaults apply again).</summary>
    public async Task ResetAsync(CancellationToken ct)
    {
        using var response = await _http.PostAsync(new Uri("/_sim/reset", UriKind.Relative), null, ct);
        response.EnsureSuccessStatusCode();
    }

    /// <summary>Changes the simulator's behaviour; a null field keeps its setting (see <see cref="SimSettings"/>).</summary>
    public Task ConfigureAsync(SimSettings settings, CancellationToken ct) => ConfigureAsync((object)settings, ct);

    public async Task ConfigureAsync(object config, CancellationToken ct)
    {
        using var response = await _http.PostAsJsonAsync("/_sim/config", config, JsonSerializerOptions.Web, ct);
        response.EnsureSuccessStatusCode();
    }

    public async ValueTask DisposeAsync()
    {
        _http.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
