using System.Globalization;

namespace BackupOperator.Bench;

/// <summary>What to measure, from the environment (bench/run.sh passes it through).</summary>
internal sealed record BenchOptions
{
    /// <summary>BENCH_SIZES: resources per throughput run, comma-separated.</summary>
    public required int[] Sizes { get; init; }

    /// <summary>BENCH_ACTIVE: backups kept running for the "active" memory sample.</summary>
    public required int Active { get; init; }

    /// <summary>BENCH_FINISHED: finished resources present for the "history" memory sample.</summary>
    public required int Finished { get; init; }

    /// <summary>BENCH_STARTS: start-ups measured per host (the median is reported).</summary>
    public required int Starts { get; init; }

    /// <summary>BENCH_WORKERS: the operator's MaxConcurrentReconciles and the floor's patch workers.</summary>
    public required int Workers { get; init; }

    /// <summary>BENCH_CREATORS: concurrent creates, the same for the floor and the operator.</summary>
    public required int Creators { get; init; }

    /// <summary>Pause after a host is ready before its memory is sampled.</summary>
    public required TimeSpan Settle { get; init; }

    /// <summary>BENCH_OUT: where the JSON goes.</summary>
    public required string Output { get; init; }

    public required bool Quick { get; init; }

    public static BenchOptions FromEnvironment(string repoRoot)
    {
        var quick = Environment.GetEnvironmentVariable("BENCH_QUICK") is "1" or "true";
        return new BenchOptions
        {
            Quick = quick,
            Sizes = (Environment.GetEnvironmentVariable("BENCH_SIZES") ?? (quick ? "20" : "100,500,1000"))
                .Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
                .Select(s => int.Parse(s, CultureInfo.InvariantCulture)).ToArray(),
            Active = Int("BENCH_ACTIVE", quick ? 20 : 1000),
            Finished = Int("BENCH_FINISHED", quick ? 200 : 10_000),
            Starts = Int("BENCH_STARTS", quick ? 1 : 5),
            Workers = Int("BENCH_WORKERS", 2),
            Creators = Int("BENCH_CREATORS", 4),
            Settle = TimeSpan.FromSeconds(Int("BENCH_SETTLE_SECONDS", quick ? 1 : 5)),
            Output = Environment.GetEnvironmentVariable("BENCH_OUT") ?? Path.Combine(repoRoot, "bench", "results", "latest.json"),
        };
    }

    private static int Int(string name, int fallback) =>
        Environment.GetEnvironmentVariable(name) is { Length: > 0 } v ? int.Parse(v, CultureInfo.InvariantCulture) : fallback;
}
