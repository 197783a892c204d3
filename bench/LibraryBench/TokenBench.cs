using System.Diagnostics;
using System.Threading.RateLimiting;
using BackupOperator.Operator.Kubernetes;
using Microsoft.Extensions.Time.Testing;

namespace BackupOperator.Bench.LibraryBench;

/// <summary>
/// The event writer's token bucket (TokenBucket) against TokenBucketRateLimiter: time and bytes
/// allocated per token, taken one at a time as the writer takes them (awaited), from a bucket that
/// holds them all, so no run waits for a refill. Median of 11 rounds after 3 warm-up rounds, the two taking turns. Then
/// whether each follows the injected clock, which the event writer's tests need.
/// </summary>
internal static class TokenBench
{
    public const int DefaultTokens = 100_000;
    private const int WarmUps = 3;
    private const int Rounds = 11;

    public static async Task RunAsync(int tokens)
    {
        Console.WriteLine($"Token bucket, {tokens:N0} tokens per round, median of {Rounds} rounds after {WarmUps} warm-ups:");
        Console.WriteLine($"| {"",-46} | {"ns per token",-12} | {"bytes per token",-15} |");
        Console.WriteLine($"|{new string('-', 48)}|{new string('-', 14)}|{new string('-', 17)}|");
        await RowsAsync(tokens, ("hand-written TokenBucket.TakeAsync", HandWrittenAsync), ("TokenBucketRateLimiter.AcquireAsync + Dispose", LibraryAsync));

        // The event writer's tests move a FakeTimeProvider; the writer must see tokens refilled by it.
        var time = new FakeTimeProvider();
        var bucket = new TokenBucket(time, qps: 20, burst: 10);
        using var limiter = Limiter(10);
        for (var i = 0; i < 10; i++)
        {
            await bucket.TakeAsync(CancellationToken.None);
            using var lease = await limiter.AcquireAsync(1, CancellationToken.None);
        }

        time.Advance(TimeSpan.FromSeconds(10));
        limiter.TryReplenish(); // what a timer made by the injected TimeProvider would call
        var handWritten = 0;
        while (handWritten < 10 && bucket.TakeAsync(CancellationToken.None).IsCompleted)
        {
            handWritten++;
        }

        Console.WriteLine($"tokens back after the injected clock moved 10 s (20/s, burst 10): hand-written {handWritten}, " +
            $"TokenBucketRateLimiter {limiter.GetStatistics()!.CurrentAvailablePermits} (its TryReplenish reads the real Stopwatch)");
    }

    private static async Task HandWrittenAsync(int tokens)
    {
        var bucket = new TokenBucket(TimeProvider.System, qps: 20, burst: tokens);
        for (var i = 0; i < tokens; i++)
        {
            await bucket.TakeAsync(CancellationToken.None);
        }
    }

    private static async Task LibraryAsync(int tokens)
    {
        using var limiter = Limiter(tokens);
        for (var i = 0; i < tokens; i++)
        {
            using var lease = await limiter.AcquireAsync(1, CancellationToken.None);
        }
    }

    private static TokenBucketRateLimiter Limiter(int tokens) => new(new TokenBucketRateLimiterOptions
    {
        TokenLimit = tokens,
        TokensPerPeriod = 1,
        ReplenishmentPeriod = TimeSpan.FromMilliseconds(50),
        AutoReplenishment = false,
        QueueLimit = 4096,
        QueueProcessingOrder = QueueProcessingOrder.OldestFirst,
    });

    /// <summary>Runs the candidates in turn, round after round, so that a busy machine slows them alike.</summary>
    private static async Task RowsAsync(int tokens, params (string Name, Func<int, Task> Take)[] candidates)
    {
        var ns = candidates.Select(_ => new List<double>()).ToArray();
        var bytes = candidates.Select(_ => new List<double>()).ToArray();
        for (var round = 0; round < WarmUps + Rounds; round++)
        {
            for (var c = 0; c < candidates.Length; c++)
            {
                var before = GC.GetAllocatedBytesForCurrentThread();
                var started = Stopwatch.GetTimestamp();
                await candidates[c].Take(tokens);
                var elapsed = Stopwatch.GetElapsedTime(started);
                var allocated = GC.GetAllocatedBytesForCurrentThread() - before;
                if (round >= WarmUps)
                {
                    ns[c].Add(elapsed.TotalNanoseconds / tokens);
                    bytes[c].Add((double)allocated / tokens);
                }
            }
        }

        for (var c = 0; c < candidates.Length; c++)
        {
            Console.WriteLine($"| {candidates[c].Name,-46} | {Median(ns[c]),-12:0.0} | {Median(bytes[c]),-15:0.00} |");
        }
    }

    private static double Median(List<double> values)
    {
        values.Sort();
        return values[values.Count / 2];
    }
}
