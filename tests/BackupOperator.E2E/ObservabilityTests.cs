using System.Globalization;
using System.Text.RegularExpressions;
using BackupOperator.E2E.Infrastructure;
using BackupOperator.Entities;

namespace BackupOperator.E2E;

/// <summary>What an SRE sees without reading logs: probes and Prometheus metrics that move.</summary>
[Collection(E2ECollection.Name)]
public sealed partial class ObservabilityTests(E2EEnvironment env)
{
    [Fact]
    public async Task Metrics_count_the_backups_time_ocp_and_record_the_last_success_per_cluster()
    {
        var ct = TestTimeout.Token();
        using var http = new HttpClient();
        var before = await http.GetStringAsync(new Uri(env.Operator.BaseUri, "/metrics"), ct);
        await env.CreateBackupAsync(Backups.Nfs("metrics-1", 401), ct);
        var done = await env.WaitForPhaseAsync("metrics-1", [BackupPhase.Succeeded, BackupPhase.Failed], TimeSpan.FromSeconds(60), ct);
        Assert.Equal(BackupPhase.Succeeded, done.Status!.Phase);

        var after = await http.GetStringAsync(new Uri(env.Operator.BaseUri, "/metrics"), ct);
        var ours = string.Join('\n', after.Split('\n').Where(l => l.StartsWith("backupoperator_", StringComparison.Ordinal)));
        Assert.True(Value(after, "backupoperator_phase_transitions_total", "phase=\"Succeeded\"") > Value(before, "backupoperator_phase_transitions_total", "phase=\"Succeeded\""), ours);
        Assert.True(Value(after, "backupoperator_ocp_request_duration_seconds_count", "operation=\"backupNow\"", "outcome=\"ok\"") >= 1, ours);
        Assert.True(Value(after, "backupoperator_reconcile_duration_seconds_count", "result=\"done\"") >= 1, ours);
        Assert.True(Value(after, "backupoperator_last_success_timestamp_seconds", "cluster_id=\"401\"") > 1.7e9, ours);
        Assert.Equal(1, Value(after, "backupoperator_leader"));
        Assert.Equal(0, Value(after, "backupoperator_workqueue_depth"));
    }

    [Fact]
    public async Task Probes_answer_on_healthz_and_readyz()
    {
        var ct = TestTimeout.Token();
        using var http = new HttpClient();
        Assert.True((await http.GetAsync(new Uri(env.Operator.BaseUri, "/healthz"), ct)).IsSuccessStatusCode);
        var ready = await http.GetAsync(new Uri(env.Operator.BaseUri, "/readyz"), ct);
        Assert.True(ready.IsSuccessStatusCode);
    }

    /// <summary>The value of the first sample of <paramref name="name"/> whose labels contain every one given; 0 when absent.</summary>
    private static double Value(string exposition, string name, params string[] labels)
    {
        foreach (Match m in Sample().Matches(exposition))
        {
            if (m.Groups["name"].Value == name && labels.All(l => m.Groups["labels"].Value.Contains(l, StringComparison.Ordinal)))
            {
                return double.Parse(m.Groups["value"].Value, CultureInfo.InvariantCulture);
            }
        }

        return 0;
    }

    [GeneratedRegex(@"^(?<name>[a-zA-Z_:][a-zA-Z0-9_:]*)(\{(?<labels>[^}]*)\})? (?<value>[^ \r\n]+)", RegexOptions.Multiline)]
    private static partial Regex Sample();
}
