using System.Collections.Concurrent;
using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using BackupOperator.Operator.Kubernetes;
using BackupOperator.Operator.Reconciliation.ClusterBackupNow;
using BackupOperator.Operator.Runtime;
using BackupOperator.Tests.KubeClient;
using BackupOperator.Tests.Reconciliation.ClusterBackupNow;
using k8s;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace BackupOperator.Tests.Kubernetes;

public sealed class EventRecorderTests
{
    [Fact]
    public async Task A_slow_api_server_never_holds_up_the_reconcile_and_events_arrive_in_order()
    {
        var api = new EventApi();
        using var recorder = Recorder(api);
        await recorder.StartAsync(CancellationToken.None);

        var resource = TestResources.Backup();
        foreach (var reason in new[] { "Submitted", "Succeeded" })
        {
            var record = recorder.RecordAsync(resource, new ObjectEvent(false, reason, "note"), CancellationToken.None);
            Assert.True(record.IsCompleted, "recording must not wait for the API server");
        }

        api.Open();
        await api.WaitForAsync(2);
        Assert.Equal(["Submitted", "Succeeded"], api.Reasons());
        await recorder.StopAsync(CancellationToken.None);
    }

    [Fact]
    public async Task A_graceful_stop_writes_the_events_still_queued()
    {
        var api = new EventApi();
        using var recorder = Recorder(api);
        await recorder.StartAsync(CancellationToken.None);
        await recorder.RecordAsync(TestResources.Backup(), new ObjectEvent(false, "Submitted", "note"), CancellationToken.None);
        await recorder.RecordAsync(TestResources.Backup(), new ObjectEvent(true, "Failed", "note"), CancellationToken.None);

        var stop = recorder.StopAsync(CancellationToken.None);
        api.Open();
        await stop;
        Assert.Equal(["Submitted", "Failed"], api.Reasons());
    }

    [Fact]
    public async Task A_burst_beyond_the_queue_drops_events_instead_of_blocking()
    {
        var api = new EventApi();
        using var recorder = Recorder(api, capacity: 2);
        await recorder.StartAsync(CancellationToken.None);
        for (var i = 0; i < 10; i++)
        {
            Assert.True(recorder.RecordAsync(TestResources.Backup(), new ObjectEvent(false, $"E{i}", "note"), CancellationToken.None).IsCompleted);
        }

        api.Open();
        await recorder.StopAsync(CancellationToken.None);
        // The writer may have taken the first before the queue filled: at most capacity + 1 arrive, the rest are dropped.
        Assert.InRange(api.Reasons().Count, 2, 3);
        Assert.Equal("E0", api.Reasons()[0]);
    }

    [Fact]
    public async Task After_the_burst_events_are_written_at_the_configured_rate()
    {
        var api = new EventApi();
        api.Open();
        var time = new FakeTimeProvider(TestResources.Start);
        using var recorder = Recorder(api, time: time, rate: new EventOptions { Qps = 2, Burst = 3 });
        await recorder.StartAsync(CancellationToken.None);
        for (var i = 0; i < 6; i++)
        {
            await recorder.RecordAsync(TestResources.Backup(), new ObjectEvent(false, $"E{i}", "note"), CancellationToken.None);
        }

        await api.WaitForAsync(3); // the burst, at once: the clock has not moved

        // Then one event per half second of the (fake) clock, moved in steps of 50 ms.
        Assert.InRange(await AdvanceUntilAsync(api, time, 4), TimeSpan.FromMilliseconds(500), TimeSpan.FromMilliseconds(550));
        Assert.InRange(await AdvanceUntilAsync(api, time, 5), TimeSpan.FromMilliseconds(500), TimeSpan.FromMilliseconds(550));
        Assert.InRange(await AdvanceUntilAsync(api, time, 6), TimeSpan.FromMilliseconds(500), TimeSpan.FromMilliseconds(550));
        Assert.Equal(["E0", "E1", "E2", "E3", "E4", "E5"], api.Reasons());
        await recorder.StopAsync(CancellationToken.None);
    }

    [Fact]
    public async Task A_client_timeout_is_a_failed_write_and_the_writer_goes_on()
    {
        var api = new EventApi { TimeOuts = 1 };
        api.Open();
        using var recorder = Recorder(api);
        await recorder.StartAsync(CancellationToken.None);

        await recorder.RecordAsync(TestResources.Backup(), new ObjectEvent(false, "TimedOut", "note"), CancellationToken.None);
        await recorder.RecordAsync(TestResources.Backup(), new ObjectEvent(false, "Submitted", "note"), CancellationToken.None);
        await api.WaitForAsync(1);

        Assert.Equal(["Submitted"], api.Reasons());
        Assert.False(recorder.ExecuteTask!.IsCompleted, "the event writer must survive a client timeout");
        await recorder.StopAsync(CancellationToken.None);
    }

    public static TheoryData<int> NameLengths => [1, 63, 200, 229, 230, 231, 232, 240, 252, 253];

    [Theory]
    [MemberData(nameof(NameLengths))]
    public void An_events_name_is_a_DNS_subdomain_within_253_characters_whatever_the_objects_name(int length)
    {
        var name = ObjectName(length);
        var resource = TestResources.Backup();
        resource.Metadata.Name = name;

        var body = EventRecorder.Build(resource, new ObjectEvent(false, "Submitted", "note"), TestResources.Start, "operator-0");

        var eventName = body["metadata"]!["name"]!.GetValue<string>();
        Assert.InRange(eventName.Length, 1, 253);
        Assert.Matches(@"^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$", eventName);
        Assert.Equal(name, body["regarding"]!["name"]!.GetValue<string>()); // the object is named whole
        if (length <= 200)
        {
            Assert.StartsWith(name + ".", eventName, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Two_long_names_with_a_common_start_give_events_names_apart()
    {
        var common = ObjectName(240);
        Assert.NotEqual(EventRecorder.Name(common + "-a", ".1"), EventRecorder.Name(common + "-b", ".1"));
        Assert.Equal(EventRecorder.Name(common + "-a", ".1"), EventRecorder.Name(common + "-a", ".1"));
    }

    [Theory]
    [InlineData("a", 1000)] // ASCII: 1,000 bytes, kept whole
    [InlineData("a", 1025)]
    [InlineData("备", 1000)] // Chinese: 3 bytes a character, 3,000 bytes
    [InlineData("é", 600)] // 2 bytes a character
    [InlineData("😀", 300)] // 4 bytes, a surrogate pair in .NET
    public void A_note_stays_within_1_KB_of_UTF_8_and_is_cut_between_characters(string character, int count)
    {
        var message = string.Concat(Enumerable.Repeat(character, count));
        var body = EventRecorder.Build(TestResources.Backup(), new ObjectEvent(true, "Failed", message), TestResources.Start, "operator-0");

        var note = body["note"]!.GetValue<string>();
        var bytes = Encoding.UTF8.GetByteCount(note);
        Assert.InRange(bytes, 1, 1024);
        if (Encoding.UTF8.GetByteCount(message) <= 1024)
        {
            Assert.Equal(message, note);
        }
        else
        {
            Assert.EndsWith("…", note, StringComparison.Ordinal);
            Assert.StartsWith(note[..^1], message, StringComparison.Ordinal); // nothing but whole characters of the message
            Assert.True(bytes > 1024 - Encoding.UTF8.GetByteCount(character) - 3, $"{bytes} bytes: cut more than needed");
            Assert.Equal(note, Encoding.UTF8.GetString(Encoding.UTF8.GetBytes(note))); // no half character
        }
    }

    /// <summary>A valid object name of exactly <paramref name="length"/> characters, with dots, as CRs may have.</summary>
    private static string ObjectName(int length)
    {
        var name = new StringBuilder();
        while (name.Length < length)
        {
            name.Append(name.Length % 50 == 49 && name.Length < length - 1 ? '.' : (char)('a' + (name.Length % 26)));
        }

        return name.ToString();
    }

    /// <summary>Moves the fake clock in 50 ms steps    /// <summary>Moves the fake clock in 50 ms steps until <paramref name="count"/> events arrived; how far it moved.</summary>
    private static async Task<TimeSpan> AdvanceUntilAsync(EventApi api, FakeTimeProvider time, int count)
    {
        var moved = TimeSpan.Zero;
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (api.Reasons().Count < count && DateTime.UtcNow < deadline)
        {
            // Let the writer reach its wait before the clock moves on, then move it.
            await api.WaitForAsync(count, TimeSpan.FromMilliseconds(20));
            if (api.Reasons().Count < count)
            {
                time.Advance(TimeSpan.FromMilliseconds(50));
                moved += TimeSpan.FromMilliseconds(50);
            }
        }

        return moved;
    }

    private static EventRecorder Recorder(EventApi api, int capacity = EventRecorder.QueueCapacity, FakeTimeProvider? time = null, EventOptions? rate = null) => new(
        TestKubeApi.Client(api),
        time ?? new FakeTimeProvider(new DateTimeOffset(2026, 11, 25, 8, 0, 0, TimeSpan.Zero)),
        new OperatorIdentity("test-replica"), NullLogger<EventRecorder>.Instance,
        Microsoft.Extensions.Options.Options.Create(rate ?? new EventOptions { Qps = 1000, Burst = 1000 }), capacity);

    /// <summary>The API server's events endpoint: holds every request until opened, then answers 201.</summary>
    private sealed class EventApi : DelegatingHandler
    {
        private static readonly TimeSpan PollStep = TimeSpan.FromMilliseconds(5);
        private readonly TaskCompletionSource _open = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly ConcurrentQueue<JsonObject> _received = new();

        public void Open() => _open.TrySetResult();

        /// <summary>How many requests end as HttpClient's timeout does: a TaskCanceledException that is not the caller's.</summary>
        public int TimeOuts { get; set; }

        public List<string> Reasons() => _received.Select(e => e["reason"]!.GetValue<string>()).ToList();

        /// <summary>Polls until <paramref name="count"/> events arrived or <paramref name="within"/> (default 5 s) passed.</summary>
        public async Task WaitForAsync(int count, TimeSpan? within = null)
        {
            var deadline = DateTime.UtcNow + (within ?? TimeSpan.FromSeconds(5));
            while (_received.Count < count && DateTime.UtcNow < deadline)
            {
                await Task.Delay(PollStep);
            }
        }

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            await _open.Task.WaitAsync(cancellationToken);
            if (TimeOuts > 0)
            {
                TimeOuts--;
                throw new TaskCanceledException("The request was canceled due to the configured HttpClient.Timeout of 100 seconds elapsing.", new TimeoutException());
            }

            var body = await request.Content!.ReadAsStringAsync(cancellationToken);
            Assert.EndsWith("/apis/events.k8s.io/v1/namespaces/db/events", request.RequestUri!.AbsolutePath, StringComparison.Ordinal);
            _received.Enqueue(JsonNode.Parse(body)!.AsObject());
            return new HttpResponseMessage(HttpStatusCode.Created) { RequestMessage = request, Content = new StringContent(body, Encoding.UTF8, "application/json") };
        }
    }
}
