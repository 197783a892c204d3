using System.Diagnostics.Metrics;
using BackupOperator.Operator.Diagnostics;

namespace BackupOperator.Tests.Diagnostics;

public sealed class PrometheusExporterTests
{
    [Fact]
    public void Counters_histograms_and_gauges_read_as_prometheus_text()
    {
        using var meter = new Meter(OperatorMetrics.MeterName);
        using var exporter = new PrometheusExporter();
        var phases = new Dictionary<string, int> { ["Running"] = 2 };
        var transitions = meter.CreateCounter<long>("t_transitions_total", description: "backups entering a phase");
        var duration = meter.CreateHistogram<double>("t_duration_seconds", null, "reconcile time");
        meter.CreateObservableGauge("t_backups", () => phases.Select(p => new Measurement<int>(p.Value, new KeyValuePair<string, object?>("phase", p.Key))));

        transitions.Add(1, new KeyValuePair<string, object?>("phase", "Succeeded"));
        transitions.Add(2, new KeyValuePair<string, object?>("phase", "Succeeded"));
        duration.Record(0.2, new KeyValuePair<string, object?>("result", "done"));
        duration.Record(3, new KeyValuePair<string, object?>("result", "done"));
        var text = exporter.Scrape();

        Assert.Contains("# TYPE backupoperator_t_transitions_total counter\n", text, StringComparison.Ordinal);
        Assert.Contains("backupoperator_t_transitions_total{phase=\"Succeeded\"} 3\n", text, StringComparison.Ordinal);
        Assert.Contains("# TYPE backupoperator_t_duration_seconds histogram\n", text, StringComparison.Ordinal);
        Assert.Contains("backupoperator_t_duration_seconds_bucket{result=\"done\",le=\"0.1\"} 0\n", text, StringComparison.Ordinal);
        Assert.Contains("backupoperator_t_duration_seconds_bucket{result=\"done\",le=\"0.25\"} 1\n", text, StringComparison.Ordinal);
        Assert.Contains("backupoperator_t_duration_seconds_bucket{result=\"done\",le=\"5\"} 2\n", text, StringComparison.Ordinal);
        Assert.Contains("backupoperator_t_duration_seconds_bucket{result=\"done\",le=\"+Inf\"} 2\n", text, StringComparison.Ordinal);
        Assert.Contains("backupoperator_t_duration_seconds_sum{result=\"done\"} 3.2\n", text, StringComparison.Ordinal);
        Assert.Contains("backupoperator_t_duration_seconds_count{result=\"done\"} 2\n", text, StringComparison.Ordinal);
        Assert.Contains("backupoperator_t_backups{phase=\"Running\"} 2\n", text, StringComparison.Ordinal);
        Assert.Contains("process_resident_memory_bytes ", text, StringComparison.Ordinal);

        // A gauge series that is no longer observed disappears at the next scrape.
        phases.Clear();
        phases["Succeeded"] = 2;
        text = exporter.Scrape();
        Assert.DoesNotContain("backupoperator_t_backups{phase=\"Running\"}", text, StringComparison.Ordinal);
        Assert.Contains("backupoperator_t_backups{phase=\"Succeeded\"} 2\n", text, StringComparison.Ordinal);
    }

    [Fact]
    public void Label_values_are_escaped_and_labels_sorted()
    {
        KeyValuePair<string, object?>[] tags = [new("z", "a\"b\\c\nd"), new("a", 7)];
        Assert.Equal("a=\"7\",z=\"a\\\"b\\\\c\\nd\"", PrometheusExporter.Labels(tags));
    }

    [Fact]
    public void Meters_of_other_libraries_are_not_exported()
    {
        using var other = new Meter("System.Net.Http.Test");
        using var exporter = new PrometheusExporter();
        other.CreateCounter<long>("requests_total").Add(1);
        Assert.DoesNotContain("requests_total", exporter.Scrape(), StringComparison.Ordinal);
    }
}
