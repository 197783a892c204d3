using BackupOperator.Operator.Runtime;
using Microsoft.Extensions.Time.Testing;

namespace BackupOperator.Tests.Runtime;

public sealed class WorkQueueTests
{
    private readonly FakeTimeProvider _time = new(DateTimeOffset.Parse("2026-11-24T12:00:00Z", System.Globalization.CultureInfo.InvariantCulture));

    [Fact]
    public async Task Duplicate_adds_collapse_into_one_work_item()
    {
        using var queue = new WorkQueue<string>(_time);
        queue.Add("a");
        queue.Add("a");
        queue.Add("b");
        Assert.Equal(2, queue.Count);
        Assert.Equal("a", (await queue.GetAsync(CancellationToken.None)).Key);
        Assert.Equal("b", (await queue.GetAsync(CancellationToken.None)).Key);
        Assert.Equal(0, queue.Count);
    }

    [Fact]
    public async Task A_burst_leaves_no_room_behind_once_it_has_drained()
    {
        // The first list of a long history queues every object once: 10,000 finished backups must not
        // keep 10,000 slots of bookkeeping for the life of the process.
        using var queue = new WorkQueue<string>(_time);
        for (var i = 0; i < 5000; i++)
        {
            queue.Add($"history-{i}");
        }

        Assert.True(queue.Capacity >= 5000);
        for (var i = 0; i < 5000; i++)
        {
            queue.Done((await queue.GetAsync(CancellationToken.None)).Key);
        }

        Assert.Equal(0, queue.Count);
        Assert.True(queue.Capacity <= 1024, $"capacity {queue.Capacity} after draining");
    }

    [Fact]
    public async Task A_key_being_processed_is_not_handed_out_again_until_done()
    {
        using var queue = new WorkQueue<string>(_time);
        queue.Add("a");
        var (key, _) = await queue.GetAsync(CancellationToken.None);
        queue.Add("a"); // a watch event while the worker is busy with "a"
        using var cts = new CancellationTokenSource();
        var second = queue.GetAsync(cts.Token).AsTask();
        Assert.False(second.IsCompleted);

        queue.Done(key);
        Assert.Equal("a", (await second).Key);
    }

    [Fact]
    public async Task AddAfter_waits_for_the_clock_and_the_earliest_request_wins()
    {
        using var queue = new WorkQueue<string>(_time);
        queue.AddAfter("a", TimeSpan.FromSeconds(30));
        queue.AddAfter("a", TimeSpan.FromSeconds(10));
        queue.AddAfter("a", TimeSpan.FromSeconds(60));
        Assert.Equal(0, queue.Count);
        _time.Advance(TimeSpan.FromSeconds(9));
        Assert.Equal(0, queue.Count);
        _time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(1, queue.Count);
        Assert.Equal("a", (await queue.GetAsync(CancellationToken.None)).Key);
        _time.Advance(TimeSpan.FromMinutes(5));
        Assert.Equal(0, queue.Count); // the later requests were superseded
    }

    [Fact]
    public async Task Rate_limited_adds_back_off_exponentially_until_forgotten()
    {
        using var queue = new WorkQueue<string>(_time, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(10));
        var delays = new List<int>();
        for (var i = 0; i < 6; i++)
        {
            queue.AddRateLimited("a");
            var waited = 0;
            while (queue.Count == 0)
            {
                _time.Advance(TimeSpan.FromSeconds(1));
                waited++;
            }

            delays.Add(waited);
            var (key, _) = await queue.GetAsync(CancellationToken.None);
            queue.Done(key);
        }

        Assert.Equal([1, 2, 4, 8, 10, 10], delays);
        queue.Forget("a");
        queue.AddRateLimited("a");
        _time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(1, queue.Count);
    }

    [Fact]
    public async Task Shutdown_releases_waiting_workers()
    {
        var queue = new WorkQueue<string>(_time);
        var waiting = queue.GetAsync(CancellationToken.None).AsTask();
        queue.ShutDown();
        Assert.True((await waiting).ShutDown);
        queue.Add("late");
        Assert.Equal(0, queue.Count);
    }

    [Fact]
    public async Task Dequeued_reports_how_long_a_key_waited()
    {
        using var queue = new WorkQueue<string>(_time);
        TimeSpan? waited = null;
        queue.Dequeued += (_, w) => waited = w;
        queue.Add("a");
        _time.Advance(TimeSpan.FromSeconds(3));
        await queue.GetAsync(CancellationToken.None);
        Assert.Equal(TimeSpan.FromSeconds(3), waited);
    }
}
