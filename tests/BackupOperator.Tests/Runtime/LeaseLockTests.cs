using System.Net;
using System.Text.Json.Nodes;
using BackupOperator.Operator.Runtime;
using BackupOperator.Tests.KubeClient;
using k8s.Autorest;
using k8s.LeaderElection;

namespace BackupOperator.Tests.Runtime;

/// <summary>
/// The Lease under the elector: an update replaces exactly the version last read (resourceVersion in
/// the PUT), so a candidate that lost the race gets 409 and a failed round, never a silent overwrite.
/// </summary>
public sealed class LeaseLockTests
{
    private const string LeasePath = "/apis/coordination.k8s.io/v1/namespaces/ops/leases/leader";
    private static readonly DateTime Acquired = new(2026, 12, 1, 8, 0, 0, DateTimeKind.Utc);

    [Fact]
    public async Task A_missing_lease_is_reported_as_the_elector_expects_so_it_creates_one()
    {
        var api = new FakeApiServer((_, _) => (HttpStatusCode.NotFound, """{"kind":"Status","code":404,"reason":"NotFound","message":"leases.coordination.k8s.io \"leader\" not found"}"""));

        var e = await Assert.ThrowsAsync<HttpOperationException>(() => Lock(api).GetAsync());

        Assert.Equal(HttpStatusCode.NotFound, e.Response.StatusCode);
    }

    [Fact]
    public async Task A_lease_is_created_with_microsecond_times_the_api_server_parses()
    {
        var api = new FakeApiServer((_, body) => (HttpStatusCode.Created, body.Replace("\"metadata\":{", "\"metadata\":{\"resourceVersion\":\"1\",", StringComparison.Ordinal)));

        Assert.True(await Lock(api).CreateAsync(Record("replica-a")));

        var (method, path, contentType, body) = Assert.Single(api.Requests);
        Assert.Equal((HttpMethod.Post, "/apis/coordination.k8s.io/v1/namespaces/ops/leases", "application/json"), (method, path, contentType));
        var spec = JsonNode.Parse(body)!["spec"]!;
        Assert.Equal("replica-a", spec["holderIdentity"]!.GetValue<string>());
        Assert.Equal("2026-12-01T08:00:00.000000Z", spec["acquireTime"]!.GetValue<string>());
        Assert.Equal(15, spec["leaseDurationSeconds"]!.GetValue<int>());
    }

    [Fact]
    public async Task An_update_carries_the_resource_version_it_read()
    {
        var api = new FakeApiServer((request, body) => request.Method == HttpMethod.Get
            ? (HttpStatusCode.OK, Lease("replica-a", "41"))
            : (HttpStatusCode.OK, Lease("replica-a", "42")));
        var lease = Lock(api);

        var read = await lease.GetAsync();
        read.RenewTime = Acquired.AddSeconds(2);
        Assert.True(await lease.UpdateAsync(read));

        var put = api.Requests.Last();
        Assert.Equal((HttpMethod.Put, LeasePath), (put.Method, put.PathAndQuery));
        Assert.Equal("41", JsonNode.Parse(put.Body)!["metadata"]!["resourceVersion"]!.GetValue<string>());
        Assert.Equal("2026-12-01T08:00:02.000000Z", JsonNode.Parse(put.Body)!["spec"]!["renewTime"]!.GetValue<string>());
    }

    [Fact]
    public async Task An_update_after_another_candidates_write_fails_and_the_next_update_uses_the_newer_read()
    {
        var version = "41";
        var api = new FakeApiServer((request, body) =>
            request.Method == HttpMethod.Get ? (HttpStatusCode.OK, Lease("replica-b", version))
            : JsonNode.Parse(body)!["metadata"]!["resourceVersion"]!.GetValue<string>() == "50" ? (HttpStatusCode.OK, Lease("replica-a", "51"))
            : (HttpStatusCode.Conflict, """{"kind":"Status","code":409,"reason":"Conflict","message":"the object has been modified"}"""));
        var lease = Lock(api);

        var stale = await lease.GetAsync();
        stale.HolderIdentity = "replica-a";
        Assert.False(await lease.UpdateAsync(stale));

        version = "50";
        var fresh = await lease.GetAsync();
        fresh.HolderIdentity = "replica-a";
        Assert.True(await lease.UpdateAsync(fresh));
    }

    [Fact]
    public async Task Without_a_read_there_is_nothing_to_update() =>
        Assert.False(await Lock(new FakeApiServer((_, _) => throw new InvalidOperationException("no request expected"))).UpdateAsync(Record("replica-a")));

    private static LeaseLock Lock(FakeApiServer api) => new(TestKubeApi.Client(api), "ops", "leader", "replica-a");

    private static LeaderElectionRecord Record(string holder) => new()
    {
        HolderIdentity = holder,
        LeaseDurationSeconds = 15,
        AcquireTime = Acquired,
        RenewTime = Acquired,
    };

    private static string Lease(string holder, string resourceVersion) =>
        $$$"""{"apiVersion":"coordination.k8s.io/v1","kind":"Lease","metadata":{"name":"leader","namespace":"ops","resourceVersion":"{{{resourceVersion}}}"},"spec":{"holderIdentity":"{{{holder}}}","leaseDurationSeconds":15,"acquireTime":"2026-12-01T08:00:00.000000Z","renewTime":"2026-12-01T08:00:01.123456Z","leaseTransitions":3}}""";
}
