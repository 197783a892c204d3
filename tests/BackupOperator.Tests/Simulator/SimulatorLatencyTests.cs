using System.Net.Http.Headers;
using System.Text;
using BackupOperator.OcpSimulator;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Time.Testing;

namespace BackupOperator.Tests.Simulator;

/// <summary>The simulator can play an OCP a network away: every answer comes ResponseDelayMs later.</summary>
public sealed class SimulatorLatencyTests : IAsyncLifetime, IDisposable
{
    private readonly FakeTimeProvider _time = new(DateTimeOffset.Parse("2026-11-24T12:00:00Z", System.Globalization.CultureInfo.InvariantCulture));
    private WebApplication _app = null!;
    private HttpClient _http = null!;

    public async Task InitializeAsync()
    {
        _app = SimulatorApp.Build(["--urls", "http://127.0.0.1:0", "--Simulator:Users=u:p", "--Simulator:ResponseDelayMs=100"], _time);
        await _app.StartAsync();
        _http = new HttpClient { BaseAddress = new Uri(_app.Urls.First()) };
        _http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes("u:p")));
    }

    public async Task DisposeAsync() => await _app.DisposeAsync();

    public void Dispose() => _http.Dispose();

    /// <summary>Moves the fake clock in 10 ms steps until the call is answered; returns the time it took.</summary>
    private async Task<TimeSpan> AnsweredAfterAsync(Task<HttpResponseMessage> call)
    {
        var advanced = TimeSpan.Zero;
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (!call.IsCompleted && DateTime.UtcNow < deadline)
        {
            await Task.Delay(5);
            if (!call.IsCompleted)
            {
                _time.Advance(TimeSpan.FromMilliseconds(10));
                advanced += TimeSpan.FromMilliseconds(10);
            }
        }

        (await call).EnsureSuccessStatusCode();
        return advanced;
    }

    [Fact]
    public async Task Every_answer_comes_after_the_configured_delay()
    {
        var took = await AnsweredAfterAsync(_http.GetAsync(new Uri("/api/v2/tasks/instances?clusterId=8", UriKind.Relative)));
        Assert.True(took >= TimeSpan.FromMilliseconds(100), $"answered after {took.TotalMilliseconds} ms of OCP time");
    }

    [Fact]
    public async Task The_delay_is_changed_at_run_time_and_zero_answers_at_once()
    {
        using var config = new StringContent("""{"responseDelayMs":0}""", new MediaTypeHeaderValue("application/json"));
        (await _http.PostAsync(new Uri("/_sim/config", UriKind.Relative), config)).EnsureSuccessStatusCode();

        // The fake clock never moves: the answer cannot be waiting on it.
        var answer = await _http.GetAsync(new Uri("/api/v2/tasks/instances?clusterId=8", UriKind.Relative)).WaitAsync(TimeSpan.FromSeconds(10));
        answer.EnsureSuccessStatusCode();
    }
}
