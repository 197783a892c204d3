using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using BackupOperator.OcpSimulator;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Time.Testing;

namespace BackupOperator.Tests.Simulator;

/// <summary>Each "as hard as OCP" setting of the simulator does what it says, and is off until set.</summary>
public sealed class SimulatorHardOcpTests : IAsyncLifetime, IDisposable
{
    private const string Body = """{"backupMode":"PHYSICAL_BACKUP","dataBackupMode":"FULL_BACKUP","obBackupServiceStorageConfig":{"obBackupStorageBaseInfo":{"backupStorageType":"BACKUP_STORAGE_FILE","storageUrl":"/b/"}}}""";
    private readonly FakeTimeProvider _time = new(DateTimeOffset.Parse("2026-11-24T12:00:00Z", System.Globalization.CultureInfo.InvariantCulture));
    private WebApplication _app = null!;
    private HttpClient _http = null!;

    public async Task InitializeAsync() => (_app, _http) = await StartAsync(_time);

    public async Task DisposeAsync() => await _app.DisposeAsync();

    public void Dispose() => _http.Dispose();

    [Fact]
    public async Task Foreign_tasks_surround_each_post_and_are_no_posts_backups()
    {
        var alone = await PostAsync(7);
        await ConfigureAsync("""{"foreignTasks": true}""");

        var ours = await PostAsync(8);

        Assert.Single(await TasksAsync("clusterId=7&size=100"));
        var tasks = await TasksAsync("clusterId=8&size=100&sort=id,asc");
        Assert.Equal(
            ["Backup cluster 8 MANUAL console-admin", "Stop backup cluster 8 MANUAL u", "Backup cluster 8 MANUAL u", "Backup cluster 8 SCHEDULED u"],
            tasks.Select(t => $"{t["name"]} {t["type"]} {t["creator"]!["name"]}"));
        Assert.Equal(ours, tasks[2]["id"]!.GetValue<long>());
        Assert.All(tasks.Where(t => t["id"]!.GetValue<long>() != ours), t => Assert.Equal("SUCCESSFUL", t["status"]!.GetValue<string>()));
        var backups = JsonNode.Parse(await _http.GetStringAsync(new Uri("/_sim/backups", UriKind.Relative)))!;
        Assert.Equal($"[{alone}]", backups["7"]!.ToJsonString());
        Assert.Equal($"[{ours}]", backups["8"]!.ToJsonString());
    }

    [Fact]
    public async Task Task_ids_come_from_blocks_handed_out_out_of_order()
    {
        await ConfigureAsync("""{"taskIdBlock": 3}""");
        var descending = new List<long>();
        for (var cluster = 1; cluster <= 4; cluster++)
        {
            descending.Add(await PostAsync(cluster));
        }

        await ConfigureAsync("""{"taskIdBlock": 6, "taskIdSeed": 7}""");
        var shuffled = new List<long>();
        for (var cluster = 11; cluster <= 16; cluster++)
        {
            shuffled.Add(await PostAsync(cluster));
        }

        Assert.Equal([3000003, 3000002, 3000001, 3000006], descending);
        Assert.Equal(Enumerable.Range(3000007, 6).Select(i => (long)i), shuffled.Order());
        Assert.NotEqual(shuffled.Order(), shuffled);
    }

    [Fact]
    public async Task Pages_come_in_an_arbitrary_order_and_without_counts()
    {
        for (var i = 0; i < 6; i++)
        {
            await PostAsync(8);
        }

        await ConfigureAsync("""{"shufflePages": true, "omitPageCounts": true}""");

        var all = (await TasksAsync("clusterId=8&size=10&sort=id,desc")).Select(t => t["id"]!.GetValue<long>()).ToList();
        Assert.Equal(6, all.Count);
        Assert.NotEqual(all.Order(), all);
        Assert.NotEqual(all.OrderDescending(), all);
        var paged = new List<long>();
        for (var page = 1; page <= 3; page++)
        {
            var answer = await PageAsync($"clusterId=8&size=2&page={page}&sort=id,desc");
            Assert.Equal("""{"number":PAGE,"size":2}""".Replace("PAGE", $"{page}", StringComparison.Ordinal), answer["page"]!.ToJsonString());
            paged.AddRange(answer["contents"]!.AsArray().Select(t => t!["id"]!.GetValue<long>()));
        }

        Assert.Equal(all, paged); // one order on every page: nothing missed, nothing twice
    }

    [Theory]
    [InlineData("lower", "\"running\"")]
    [InlineData("title", "\"Running\"")]
    [InlineData("integer", "1")]
    public async Task Api_statuses_take_the_configured_form_and_the_admin_api_stays_canonical(string form, string expected)
    {
        var id = await PostAsync(8, _http, CancellationToken.None);
        await ConfigureAsync($$"""{"statusForm": "{{form}}"}""");

        Assert.Equal(expected, (await TaskAsync(id))["status"]!.ToJsonString());
        Assert.Equal(expected, (await TasksAsync("clusterId=8&status=RUNNING"))[0]["status"]!.ToJsonString());
        var stats = JsonNode.Parse(await _http.GetStringAsync(new Uri("/_sim/stats", UriKind.Relative)))!;
        Assert.Equal("RUNNING", stats["tasks"]![0]!["status"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_varying_status_form_changes_case_from_one_answer_to_the_next()
    {
        var id = await PostAsync(8, _http, CancellationToken.None);
        await ConfigureAsync("""{"statusForm": "varying"}""");

        var forms = new HashSet<string>();
        for (var i = 0; i < 3; i++)
        {
            forms.Add((await TaskAsync(id))["status"]!.GetValue<string>());
        }

        Assert.Equal(["RUNNING", "Running", "running"], forms.Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task A_delay_that_outlives_the_disconnect_creates_the_task_after_the_client_gave_up()
    {
        // The disconnect is a network event: this test runs on the real clock, with a short delay.
        var (app, http) = await StartAsync(TimeProvider.System);
        await using var _ = app;
        using var __ = http;
        await ConfigureAsync("""{"delayOutlivesDisconnect": true}""", http);
        await FaultAsync("""{"operation":"backupNow","clusterId":8,"kind":"delay","delayMs":600}""", http);

        using (var giveUp = new CancellationTokenSource(TimeSpan.FromMilliseconds(100)))
        {
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => PostAsync(8, http, giveUp.Token));
        }

        var posts = JsonNode.Parse(await http.GetStringAsync(new Uri("/_sim/posts", UriKind.Relative)))!.AsArray();
        var postedAt = DateTimeOffset.Parse(posts.Single()!["at"]!.GetValue<string>(), System.Globalization.CultureInfo.InvariantCulture);
        JsonNode? task = null;
        for (var deadline = DateTime.UtcNow.AddSeconds(10); task is null && DateTime.UtcNow < deadline; await Task.Yield())
        {
            task = JsonNode.Parse(await http.GetStringAsync(new Uri("/_sim/stats", UriKind.Relative)))!["tasks"]!.AsArray().FirstOrDefault();
        }

        var created = DateTimeOffset.Parse(task!["createTime"]!.GetValue<string>(), System.Globalization.CultureInfo.InvariantCulture);
        Assert.True(created - postedAt >= TimeSpan.FromMilliseconds(590), $"task created {(created - postedAt).TotalMilliseconds} ms after the POST: the delay was cut short");
    }

    [Fact]
    public async Task A_duration_fixed_at_creation_is_not_moved_by_a_later_setting()
    {
        await ConfigureAsync("""{"fixDurationAtCreation": true}""");
        var fixedTask = await PostAsync(8);
        await ConfigureAsync("""{"fixDurationAtCreation": false}""");
        var following = await PostAsync(9);

        await ConfigureAsync("""{"taskDurationMs": 600000}""");
        _time.Advance(TimeSpan.FromSeconds(1));

        Assert.Equal("SUCCESSFUL", (await TaskAsync(fixedTask))["status"]!.GetValue<string>());
        Assert.Equal("RUNNING", (await TaskAsync(following))["status"]!.GetValue<string>());
    }

    [Fact]
    public async Task Reset_restores_every_setting()
    {
        var defaults = await _http.GetStringAsync(new Uri("/_sim/config", UriKind.Relative));
        await ConfigureAsync("""
            {"taskDurationMs": 5, "busyMode": "object", "ignoreSort": true, "responseDelayMs": 1, "foreignTasks": true, "taskIdBlock": 4,
             "taskIdSeed": 3, "shufflePages": true, "omitPageCounts": true, "statusForm": "integer", "delayOutlivesDisconnect": true,
             "fixDurationAtCreation": true}
            """);
        Assert.NotEqual(defaults, await _http.GetStringAsync(new Uri("/_sim/config", UriKind.Relative)));

        (await _http.PostAsync(new Uri("/_sim/reset", UriKind.Relative), null)).EnsureSuccessStatusCode();

        Assert.Equal(defaults, await _http.GetStringAsync(new Uri("/_sim/config", UriKind.Relative)));
        Assert.Contains("\"ignoreSort\":false", defaults, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Every_call_is_logged_and_a_retry_of_a_task_shows_as_a_change()
    {
        var id = await PostAsync(8);
        await TaskAsync(id);
        var early = await _http.PostAsync(new Uri($"/api/v2/tasks/instances/{id}/retry", UriKind.Relative), null);
        (await _http.PostAsJsonAsync($"/_sim/tasks/{id}/finish", new { status = "FAILED" })).EnsureSuccessStatusCode();
        var retried = await _http.PostAsync(new Uri($"/api/v2/tasks/instances/{id}/retry", UriKind.Relative), null);
        var rollback = await _http.PostAsync(new Uri($"/api/v2/tasks/instances/{id}/rollback", UriKind.Relative), null);
        using var anonymous = new HttpClient { BaseAddress = _http.BaseAddress };
        await anonymous.GetAsync(new Uri($"/api/v2/tasks/instances/{id}", UriKind.Relative));

        Assert.Equal(HttpStatusCode.BadRequest, early.StatusCode); // a SUCCESSFUL task cannot be retried
        Assert.Equal(HttpStatusCode.OK, retried.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, rollback.StatusCode); // running again after the retry
        var retriedTask = await TaskAsync(id);
        Assert.Equal("RETRY", retriedTask["operation"]!.GetValue<string>());
        Assert.Equal("RUNNING", retriedTask["status"]!.GetValue<string>());
        var calls = JsonNode.Parse(await _http.GetStringAsync(new Uri($"/_sim/calls?taskId={id}", UriKind.Relative)))!.AsArray();
        Assert.Equal(
            ["GET getTask u", "POST retryTask u", "POST retryTask u", "POST rollbackTask u", "GET getTask ", "GET getTask u"],
            calls.Select(c => $"{c!["method"]} {c["operation"]} {c["user"]}"));
        Assert.All(calls, c => Assert.Equal(8, c!["clusterId"]!.GetValue<long>()));
        var all = JsonNode.Parse(await _http.GetStringAsync(new Uri("/_sim/calls", UriKind.Relative)))!.AsArray();
        Assert.Equal($"/api/v2/ob/clusters/8/backup/backupNow", all[0]!["path"]!.GetValue<string>());
        Assert.Equal("2026-11-24T20:00:00.000+08:00", all[0]!["at"]!.GetValue<string>());
    }

    private static async Task<(WebApplication App, HttpClient Http)> StartAsync(TimeProvider time)
    {
        var app = SimulatorApp.Build(["--urls", "http://127.0.0.1:0", "--Simulator:Users=u:p", "--Simulator:TaskDurationMs=1000"], time);
        await app.StartAsync();
        var http = new HttpClient { BaseAddress = new Uri(app.Urls.First()) };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes("u:p")));
        return (app, http);
    }

    private Task ConfigureAsync(string json) => ConfigureAsync(json, _http);

    private static async Task ConfigureAsync(string json, HttpClient http) =>
        (await http.PostAsync(new Uri("/_sim/config", UriKind.Relative), new StringContent(json, new MediaTypeHeaderValue("application/json")))).EnsureSuccessStatusCode();

    private static async Task FaultAsync(string json, HttpClient http) =>
        (await http.PostAsync(new Uri("/_sim/faults", UriKind.Relative), new StringContent(json, new MediaTypeHeaderValue("application/json")))).EnsureSuccessStatusCode();

    /// <summary>A backupNow POST; its task id. The task ends before the next POST, so none is refused as busy.</summary>
    private async Task<long> PostAsync(long cluster)
    {
        var id = await PostAsync(cluster, _http, CancellationToken.None);
        _time.Advance(TimeSpan.FromSeconds(2));
        return id;
    }

    private static async Task<long> PostAsync(long cluster, HttpClient http, CancellationToken ct)
    {
        var content = new StringContent(Body, new MediaTypeHeaderValue("application/json"));
        var answer = await http.PostAsync(new Uri($"/api/v2/ob/clusters/{cluster}/backup/backupNow", UriKind.Relative), content, ct);
        answer.EnsureSuccessStatusCode();
        return JsonNode.Parse(await answer.Content.ReadAsStringAsync(ct))!["data"]!["backupObjectOpsResultList"]![0]!["taskIdList"]![0]!.GetValue<long>();
    }

    private async Task<JsonNode> TaskAsync(long id) =>
        JsonNode.Parse(await _http.GetStringAsync(new Uri($"/api/v2/tasks/instances/{id}", UriKind.Relative)))!["data"]!;

    private async Task<List<JsonNode>> TasksAsync(string query) =>
        (await PageAsync(query))["contents"]!.AsArray().Select(t => t!).ToList();

    private async Task<JsonNode> PageAsync(string query) =>
        JsonNode.Parse(await _http.GetStringAsync(new Uri("/api/v2/tasks/instances?" + query, UriKind.Relative)))!["data"]!;
}
