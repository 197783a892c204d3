using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;

namespace BackupOperator.E2E.Infrastructure;

/// <summary>
/// Samples each replica's /metrics every 100 ms: whether it leads (backupoperator_leader) and how
/// many backupNow it has sent, so a test can tell what a replica did while it did not lead.
/// </summary>
internal sealed partial class LeadershipMonitor : IAsyncDisposable
{
    private readonly IReadOnlyList<OperatorProcess> _replicas;
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(2) };
    private readonly CancellationTokenSource _stop = new();
    private readonly List<Sample> _samples = [];
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private Task _sampling = Task.CompletedTask;

    private LeadershipMonitor(IReadOnlyList<OperatorProcess> replicas) => _replicas = replicas;

    /// <summary>One reading of one replica; null fields when its endpoint did not answer.</summary>
    public sealed record Sample(TimeSpan At, int Replica, bool? Leads, double? BackupNowSent);

    public static LeadershipMonitor Start(IReadOnlyList<OperatorProcess> replicas)
    {
        var monitor = new LeadershipMonitor(replicas);
        monitor._sampling = monitor.SampleAsync();
        return monitor;
    }

    public TimeSpan Now => _clock.Elapsed;

    public IReadOnlyList<Sample> Samples
    {
        get
        {
            lock (_samples)
            {
                return _samples.ToList();
            }
        }
    }

    /// <summary>backupNow sent by <paramref name="replica"/> between two readings that both said it did not lead, after <paramref name="from"/>.</summary>
    public double SentWhileFollowing(int replica, TimeSpan from)
    {
        var readings = Samples.Where(s => s.Replica == replica && s.At >= from && s.Leads is not null).ToList();
        return readings.Zip(readings.Skip(1))
            .Where(p => p.First.Leads == false && p.Second.Leads == false)
            .Sum(p => Math.Max(0, (p.Second.BackupNowSent ?? 0) - (p.First.BackupNowSent ?? 0)));
    }

    /// <summary>Rounds of readings (one per replica, taken together) in which every replica said it leads.</summary>
    public IReadOnlyList<TimeSpan> Overlaps() =>
        Samples.Chunk(_replicas.Count)
            .Where(round => round.All(s => s.Leads == true))
            .Select(round => round.Min(s => s.At))
            .ToList();

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _sampling.ContinueWith(_ => { }, TaskScheduler.Default);
        _stop.Dispose();
        _http.Dispose();
    }

    private async Task SampleAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            var round = await Task.WhenAll(_replicas.Select(ReadAsync));
            lock (_samples)
            {
                _samples.AddRange(round);
            }

            await Task.Delay(TimeSpan.FromMilliseconds(100), _stop.Token).ContinueWith(_ => { }, TaskScheduler.Default);
        }
    }

    private async Task<Sample> ReadAsync(OperatorProcess replica, int index)
    {
        var at = _clock.Elapsed;
        try
        {
            var text = await _http.GetStringAsync(new Uri(replica.BaseUri, "/metrics"), _stop.Token);
            return new Sample(at, index, Sum(text, "backupoperator_leader") == 1,
                Sum(text, "backupoperator_ocp_request_duration_seconds_count", "operation=\"backupNow\""));
        }
        catch (Exception e) when (e is HttpRequestException or OperationCanceledException)
        {
            return new Sample(at, index, null, null);
        }
    }

    /// <summary>The sum of every sample of <paramref name="name"/> whose labels contain all of <paramref name="labels"/>.</summary>
    public static double Sum(string exposition, string name, params string[] labels) =>
        Metric().Matches(exposition)
            .Where(m => m.Groups["name"].Value == name && labels.All(l => m.Groups["labels"].Value.Contains(l, StringComparison.Ordinal)))
            .Sum(m => double.Parse(m.Groups["value"].Value, CultureInfo.InvariantCulture));

    [GeneratedRegex(@"^(?<name>[a-zA-Z_:][a-zA-Z0-9_:]*)(\{(?<labels>[^}]*)\})? (?<value>[^ \r\n]+)", RegexOptions.Multiline)]
    private static partial Regex Metric();
}
