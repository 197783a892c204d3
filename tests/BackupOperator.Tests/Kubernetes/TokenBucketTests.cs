using BackupOperator.Operator.Kubernetes;
using Microsoft.Extensions.Time.Testing;

namespace BackupOperator.Tests.Kubernetes;

public sealed class TokenBucketTests
{
    [Fact]
    public async Task The_burst_is_taken_at_once_then_one_token_per_period_of_the_injected_clock()
    {
        var time = new FakeTimeProvider();
        var bucket = new TokenBucket(time, qps: 4, burst: 2);
        await bucket.TakeAsync(CancellationToken.None);
        await bucket.TakeAsync(CancellationToken.None);

        var third = bucket.TakeAsync(CancellationToken.None);
        Assert.False(third.IsCompleted);
        time.Advance(TimeSpan.FromMilliseconds(200));
        Assert.False(third.IsCompleted);
        time.Advance(TimeSpan.FromMilliseconds(50));
        await third.WaitAsync(TimeSpan.FromSeconds(5));
    }

    [Fact]
    public async Task The_highest_rate_the_options_allow_is_kept_with_a_burst_of_one()
    {
        // Each wait is at least a millisecond; at Events:Qps 1,000 (the options' ceiling) and Burst 1 the
        // bucket must still give one token a millisecond, on a clock that moves in 10 µs steps.
        var top = (double)typeof(EventOptions).GetProperty(nameof(EventOptions.Qps))!
            .GetCustomAttributes(typeof(System.ComponentModel.DataAnnotations.RangeAttribute), false)
            .Cast<System.ComponentModel.DataAnnotations.RangeAttribute>().Single().Maximum;
        // Off xUnit's synchronization context: there the bucket's continuation after each timer would be
        // posted to another worker and could land after this loop looked (CI, under load: 93 of 100). With
        // no context it runs inside Advance, so each look sees every token the clock has given.
        var taken = await Task.Run(async () =>
        {
            var time = new FakeTimeProvider();
            var bucket = new TokenBucket(time, qps: top, burst: 1);
            var count = 0;
            var next = bucket.TakeAsync(CancellationToken.None);
            for (var step = 0; step < 10_000; step++)
            {
                while (next.IsCompleted)
                {
                    await next;
                    count++;
                    next = bucket.TakeAsync(CancellationToken.None);
                }

                time.Advance(TimeSpan.FromTicks(100)); // 10 µs: 100 ms in all
            }

            return count;
        });

        Assert.InRange(taken, 0.95 * top / 10, top / 10 + 1);
    }

    [Fact]
    public void A_rate_the_writer_cannot_keep_is_refused_at_start()
    {
        var result = new EventOptionsValidator().Validate(null, new EventOptions { Qps = 1_001, Burst = 1 });

        Assert.True(result.Failed);
        Assert.Contains("Qps", result.FailureMessage, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_idle_bucket_refills_up_to_the_burst_only()
    {
        var time = new FakeTimeProvider();
        var bucket = new TokenBucket(time, qps: 10, burst: 3);
        for (var i = 0; i < 3; i++)
        {
            await bucket.TakeAsync(CancellationToken.None);
        }

        time.Advance(TimeSpan.FromHours(1));
        for (var i = 0; i < 3; i++)
        {
            Assert.True(bucket.TakeAsync(CancellationToken.None).IsCompleted);
        }

        Assert.False(bucket.TakeAsync(CancellationToken.None).IsCompleted);
    }

    [Fact]
    public async Task A_token_due_within_a_millisecond_is_waited_for_not_spun_for()
    {
        // The system clock waits in whole milliseconds: its timer may fire up to a millisecond before a
        // token is due, and a delay under 1 ms is no delay at all. A bucket that asks for one then reads the
        // clock in a loop until the token is there (issue 25: a third of the operator's CPU in a storm).
        var time = new MillisecondTimerClock();
        var bucket = new TokenBucket(time, qps: 20, burst: 1);
        await bucket.TakeAsync(CancellationToken.None);

        var second = bucket.TakeAsync(CancellationToken.None);
        for (var ms = 0; ms < 60 && !second.IsCompleted; ms++)
        {
            time.Advance(TimeSpan.FromMilliseconds(1));
        }

        await second.WaitAsync(TimeSpan.FromSeconds(5));
        Assert.True(time.Reads < 10, $"{time.Reads} clock reads for one token");
    }

    /// <summary>A clock that moves a microsecond per read, whose timers wait whole milliseconds, rounded down, as the system's do.</summary>
    private sealed class MillisecondTimerClock : FakeTimeProvider
    {
        public int Reads { get; private set; }

        public override long GetTimestamp()
        {
            Reads++;
            Advance(TimeSpan.FromMicroseconds(1));
            return base.GetTimestamp();
        }

        public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period) =>
            base.CreateTimer(callback, state, TimeSpan.FromMilliseconds(Math.Floor(dueTime.TotalMilliseconds)), period);
    }
}
