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
}
