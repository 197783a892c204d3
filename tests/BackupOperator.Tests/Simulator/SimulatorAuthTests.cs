using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using BackupOperator.OcpSimulator;
using BackupOperator.Operator.Ocp;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Time.Testing;

namespace BackupOperator.Tests.Simulator;

/// <summary>The simulator checks credentials as OCP does; the operator's signer and it must agree byte for byte.</summary>
public sealed class SimulatorAuthTests : IAsyncLifetime
{
    private const string Body = """{"backupMode":"PHYSICAL_BACKUP","dataBackupMode":"FULL_BACKUP","obBackupServiceStorageConfig":{"obBackupStorageBaseInfo":{"backupStorageType":"BACKUP_STORAGE_FILE","storageUrl":"/b/"}}}""";
    private readonly FakeTimeProvider _time = new(DateTimeOffset.Parse("2026-11-24T12:00:00Z", System.Globalization.CultureInfo.InvariantCulture));
    private WebApplication _app = null!;
    private string _url = null!;

    public async Task InitializeAsync()
    {
        _app = SimulatorApp.Build(["--urls", "http://127.0.0.1:0", "--Simulator:Users=u:p@ss", "--Simulator:AccessKeys=AK1:SK-secret", "--Simulator:TaskDurationMs=1000"], _time);
        await _app.StartAsync();
        _url = _app.Urls.First().TrimEnd('/');
    }

    public async Task DisposeAsync() => await _app.DisposeAsync();

    private HttpClient Signed(string id = "AK1", string secret = "SK-secret") =>
        new(new AkSkSigningHandler(id, secret, OcpSigner.HostFromUrlText(_url), _time) { InnerHandler = new HttpClientHandler() });

    private static ByteArrayContent Json(string body)
    {
        var content = new ByteArrayContent(Encoding.UTF8.GetBytes(body));
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        return content;
    }

    [Fact]
    public async Task A_request_signed_by_the_operators_signer_is_accepted_including_a_sorted_encoded_query()
    {
        using var http = Signed();
        var post = await http.PostAsync(new Uri($"{_url}/api/v2/ob/clusters/8/backup/backupNow"), Json(Body));
        Assert.Equal(HttpStatusCode.OK, post.StatusCode);
        var list = await http.GetAsync(new Uri($"{_url}/api/v2/tasks/instances?sort=id%2Cdesc&name=Backup%20cluster&clusterId=8"));
        Assert.Equal(HttpStatusCode.OK, list.StatusCode);
        var page = JsonNode.Parse(await list.Content.ReadAsStringAsync())!;
        Assert.Equal(1, page["data"]!["page"]!["totalElements"]!.GetValue<int>());
    }

    [Fact]
    public async Task A_wrong_secret_a_stale_date_and_a_tampered_body_are_401()
    {
        using (var wrong = Signed(secret: "not-it"))
        {
            var r = await wrong.PostAsync(new Uri($"{_url}/api/v2/ob/clusters/8/backup/backupNow"), Json(Body));
            Assert.Equal(HttpStatusCode.Unauthorized, r.StatusCode);
            Assert.Contains("signature mismatch", await r.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        // Signed 16 minutes ago by the client's clock: OCP allows about 15.
        var stale = new FakeTimeProvider(_time.GetUtcNow().AddMinutes(-16));
        using (var old = new HttpClient(new AkSkSigningHandler("AK1", "SK-secret", OcpSigner.HostFromUrlText(_url), stale) { InnerHandler = new HttpClientHandler() }))
        {
            var r = await old.PostAsync(new Uri($"{_url}/api/v2/ob/clusters/8/backup/backupNow"), Json(Body));
            Assert.Equal(HttpStatusCode.Unauthorized, r.StatusCode);
            Assert.Contains("too far from server time", await r.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        // A proxy that rewrites the body after signing.
        using (var tampering = new HttpClient(new AkSkSigningHandler("AK1", "SK-secret", OcpSigner.HostFromUrlText(_url), _time) { InnerHandler = new Rewrite() }))
        {
            var r = await tampering.PostAsync(new Uri($"{_url}/api/v2/ob/clusters/8/backup/backupNow"), Json(Body));
            Assert.Equal(HttpStatusCode.Unauthorized, r.StatusCode);
        }

        var stats = JsonNode.Parse(await new HttpClient().GetStringAsync(new Uri($"{_url}/_sim/stats")))!;
        Assert.Equal(0, stats["backupNowPostsTotal"]!.GetValue<int>());
        Assert.Equal(3, stats["authFailures"]!.GetValue<int>());
    }

    [Fact]
    public async Task Basic_auth_needs_the_right_password()
    {
        using var good = new HttpClient(new BasicAuthHandler("u", "p@ss") { InnerHandler = new HttpClientHandler() });
        Assert.Equal(HttpStatusCode.OK, (await good.GetAsync(new Uri($"{_url}/api/v2/tasks/instances"))).StatusCode);
        using var bad = new HttpClient(new BasicAuthHandler("u", "nope") { InnerHandler = new HttpClientHandler() });
        Assert.Equal(HttpStatusCode.Unauthorized, (await bad.GetAsync(new Uri($"{_url}/api/v2/tasks/instances"))).StatusCode);
        using var none = new HttpClient();
        Assert.Equal(HttpStatusCode.Unauthorized, (await none.GetAsync(new Uri($"{_url}/api/v2/tasks/instances"))).StatusCode);
    }

    [Fact]
    public async Task Tasks_run_until_their_duration_has_passed_on_the_simulators_clock()
    {
        using var http = new HttpClient(new BasicAuthHandler("u", "p@ss") { InnerHandler = new HttpClientHandler() });
        var post = JsonNode.Parse(await (await http.PostAsync(new Uri($"{_url}/api/v2/ob/clusters/8/backup/backupNow"), Json(Body))).Content.ReadAsStringAsync())!;
        var id = post["data"]!["backupObjectOpsResultList"]![0]!["taskIdList"]![0]!.GetValue<long>();
        async Task<string> Status() => JsonNode.Parse(await http.GetStringAsync(new Uri($"{_url}/api/v2/tasks/instances/{id}")))!["data"]!["status"]!.GetValue<string>();
        Assert.Equal("RUNNING", await Status());
        var busy = await http.PostAsync(new Uri($"{_url}/api/v2/ob/clusters/8/backup/backupNow"), Json(Body));
        Assert.Equal(HttpStatusCode.Conflict, busy.StatusCode);
        _time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal("SUCCESSFUL", await Status());
    }

    /// <summary>Changes one byte of the body after it was signed.</summary>
    private sealed class Rewrite : DelegatingHandler
    {
        public Rewrite() => InnerHandler = new HttpClientHandler();

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var body = await request.Content!.ReadAsStringAsync(cancellationToken);
            var type = request.Content.Headers.ContentType;
            request.Content = new ByteArrayContent(Encoding.UTF8.GetBytes(body.Replace("FULL_BACKUP", "FULL_BACKUQ", StringComparison.Ordinal)));
            request.Content.Headers.ContentType = type;
            return await base.SendAsync(request, cancellationToken);
        }
    }
}
