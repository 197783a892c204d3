using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using BackupOperator.OcpSimulator;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Time.Testing;

namespace BackupOperator.Tests.Simulator;

/// <summary>The simulator's task list pages and sorts as OCP's does, and can play a server that ignores sort.</summary>
public sealed class SimulatorTaskListTests : IAsyncLifetime, IDisposable
{
    private const string Body = """{"backupMode":"PHYSICAL_BACKUP","dataBackupMode":"FULL_BACKUP","obBackupServiceStorageConfig":{"obBackupStorageBaseInfo":{"backupStorageType":"BACKUP_STORAGE_FILE","storageUrl":"/b/"}}}""";
    private readonly FakeTimeProvider _time = new(DateTimeOffset.Parse("2026-11-24T12:00:00Z", System.Globalization.CultureInfo.InvariantCulture));
    private WebApplication _app = null!;
    private HttpClient _http = null!;

    public async Task InitializeAsync()
    {
        _app = SimulatorApp.Build(["--urls", "http://127.0.0.1:0", "--Simulator:Users=u:p", "--Simulator:TaskDurationMs=1000"], _time);
        await _app.StartAsync();
        _http = new HttpClient { BaseAddress = new Uri(_app.Urls.First()) };
        _http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes("u:p")));
        for (var i = 0; i < 5; i++)
        {
            var content = new StringContent(Body, new MediaTypeHeaderValue("application/json"));
            (await _http.PostAsync(new Uri("/api/v2/ob/clusters/8/backup/backupNow", UriKind.Relative), content)).EnsureSuccessStatusCode();
            _time.Advance(TimeSpan.FromSeconds(2)); // each backup ends before the next starts
        }
    }

    public async Task DisposeAsync() => await _app.DisposeAsync();

    public void Dispose() => _http.Dispose();

    [Theory]
    [InlineData("", false)]
    [InlineData("&sort=id,asc", false)]
    [InlineData("&sort=id,desc", true)]
    public async Task Sort_is_honoured_and_ascending_without_it(string sort, bool descending)
    {
        var ids = await IdsAsync($"clusterId=8&size=10{sort}");

        Assert.Equal(5, ids.Count);
        Assert.Equal(descending ? ids.OrderDescending() : ids.Order(), ids);
    }

    [Fact]
    public async Task Pages_split_the_list_and_report_their_count()
    {
        var first = await PageAsync("clusterId=8&size=2&page=1&sort=id,desc");
        var last = await PageAsync("clusterId=8&size=2&page=3&sort=id,desc");

        Assert.Equal(3, first["page"]!["totalPages"]!.GetValue<int>());
        Assert.Equal(2, first["contents"]!.AsArray().Count);
        Assert.Single(last["contents"]!.AsArray());
    }

    [Fact]
    public async Task A_server_told_to_ignore_sort_answers_ascending()
    {
        (await _http.PostAsync(new Uri("/_sim/config", UriKind.Relative), new StringContent("""{"ignoreSort": true}""", new MediaTypeHeaderValue("application/json")))).EnsureSuccessStatusCode();

        var ids = await IdsAsync("clusterId=8&size=10&sort=id,desc");

        Assert.Equal(ids.Order(), ids);
    }

    private async Task<List<long>> IdsAsync(string query) =>
        (await PageAsync(query))["contents"]!.AsArray().Select(t => t!["id"]!.GetValue<long>()).ToList();

    private async Task<JsonNode> PageAsync(string query)
    {
        var answer = await _http.GetStringAsync(new Uri("/api/v2/tasks/instances?" + query, UriKind.Relative));
        return JsonNode.Parse(answer)!["data"]!;
    }
}
