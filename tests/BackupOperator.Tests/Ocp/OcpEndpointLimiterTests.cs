using System.Collections.Concurrent;
using System.Net;
using System.Text;
using BackupOperator.Operator.Ocp;
using Polly;

namespace BackupOperator.Tests.Ocp;

/// <summary>
/// Backups of different clusters overlap while each waits on OCP, but one OCP server never has more
/// than the bound in flight from the operator, whatever connection or credentials a request uses.
/// </summary>
public sealed class OcpEndpointLimiterTests
{
    private const string Task = """{"successful":true,"data":{"id":7,"name":"backup","status":"SUCCESSFUL"}}""";

    /// <summary>An OCP server that holds every request until told to answer it.</summary>
    private sealed class HeldServer : HttpMessageHandler
    {
        private readonly ConcurrentQueue<TaskCompletionSource> _held = new();
        private int _inFlight;

        public ConcurrentQueue<Uri> Arrived { get; } = new();
        public int MostAtOnce { get; private set; }

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var answer = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            lock (_held)
            {
                MostAtOnce = Math.Max(MostAtOnce, ++_inFlight);
                _held.Enqueue(answer);
                Arrived.Enqueue(request.RequestUri!);
            }

            await answer.Task;
            lock (_held)
            {
                _inFlight--;
            }

            return new HttpResponseMessage(HttpStatusCode.OK) { Content = new StringContent(Task, Encoding.UTF8, "application/json") };
        }

        public void AnswerOne()
        {
            Assert.True(_held.TryDequeue(out var next), "no request is waiting for an answer");
            next.SetResult();
        }
    }

    private static OcpClient Client(HeldServer server, string url, OcpEndpointLimiter limiter) =>
        new(new HttpClient(server), url, ResiliencePipeline.Empty, limiter: limiter);

    [Fact]
    public async Task Requests_beyond_the_bound_wait_and_go_out_as_answers_come_back()
    {
        var server = new HeldServer();
        var limiter = new OcpEndpointLimiter(2);
        // Three connections (e.g. three namespaces' credentials) to one OCP server share its bound.
        var calls = Enumerable.Range(1, 3)
            .Select(i => Client(server, $"https://ocp.example.com:8080/?connection={i}", limiter).GetTaskAsync(i, CancellationToken.None))
            .ToList();

        var endpoint = new Uri("https://ocp.example.com:8080/");
        await Eventually.TrueAsync(() => server.Arrived.Count == 2 && limiter.Waiting(endpoint) == 1);
        Assert.Equal(2, server.Arrived.Count); // the third is held at the limiter, not sent
        Assert.Equal(2, limiter.InFlight(endpoint));

        server.AnswerOne();
        await Eventually.TrueAsync(() => server.Arrived.Count == 3);
        Assert.Equal(0, limiter.Waiting(endpoint));
        server.AnswerOne();
        server.AnswerOne();
        await System.Threading.Tasks.Task.WhenAll(calls);
        Assert.Equal(2, server.MostAtOnce);
        Assert.Equal(0, limiter.InFlight(endpoint));
    }

    [Fact]
    public async Task Another_OCP_server_is_not_held_up_by_a_busy_one()
    {
        var busy = new HeldServer();
        var other = new HeldServer();
        var limiter = new OcpEndpointLimiter(1);
        var first = Client(busy, "https://ocp-a.example.com/", limiter).GetTaskAsync(1, CancellationToken.None);
        await Eventually.TrueAsync(() => busy.Arrived.Count == 1);

        var elsewhere = Client(other, "https://ocp-b.example.com/", limiter).GetTaskAsync(2, CancellationToken.None);
        await Eventually.TrueAsync(() => other.Arrived.Count == 1);
        other.AnswerOne();
        Assert.Equal(7, (await elsewhere).Data.Id);

        busy.AnswerOne();
        await first;
    }

    [Fact]
    public async Task A_backupNow_whose_wait_is_cancelled_never_reaches_OCP()
    {
        var server = new HeldServer();
        var limiter = new OcpEndpointLimiter(1);
        var client = Client(server, "https://ocp.example.com/", limiter);
        var read = client.GetTaskAsync(1, CancellationToken.None);
        await Eventually.TrueAsync(() => server.Arrived.Count == 1);

        using var stopping = new CancellationTokenSource();
        var post = client.BackupNowAsync(8, OcpClientTests.Request, stopping.Token, "req-1");
        var endpoint = new Uri("https://ocp.example.com/");
        await Eventually.TrueAsync(() => limiter.Waiting(endpoint) == 1); // the POST waits for the read's slot
        await stopping.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => post);
        Assert.Equal(0, limiter.Waiting(endpoint));

        server.AnswerOne();
        await read;
        Assert.Single(server.Arrived); // the POST was never sent
        Assert.Equal(0, limiter.InFlight(endpoint));
    }
}
