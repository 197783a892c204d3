using System.Text.Json.Nodes;
using BackupOperator.E2E.Infrastructure;

namespace BackupOperator.E2E;

/// <summary>
/// The benchmark in its tiny form (N = 20), so the harness cannot rot: it runs end to end against
/// its own API server, and the per-backup costs it reports hold the bar of the issue.
/// </summary>
public sealed class BenchmarkHarnessTests
{
    [Fact]
    public async Task The_tiny_benchmark_runs_and_reports_one_post_and_at_most_three_status_writes_per_backup_also_with_OCP_100_ms_away()
    {
        var ct = TestTimeout.Token(10);
        var output = Path.Combine(Directory.CreateTempSubdirectory("backup-operator-bench-").FullName, "latest.json");
        var dll = RepoPaths.Built(Path.Combine("bench", "BackupOperator.Bench"), "BackupOperator.Bench");
        using var bench = ChildProcess.Start("dotnet", [dll], Path.Combine(E2ERun.LogDirectory, "bench.log"), new Dictionary<string, string?>
        {
            ["BENCH_QUICK"] = "1",
            ["BENCH_SIZES"] = "20",
            ["BENCH_OUT"] = output,
            // The NativeAOT operator the suite runs against (hack/test.sh), when there is one: its column too.
            ["BENCH_AOT_OPERATOR"] = RepoPaths.OperatorBinary ?? "",
        });
        while (!bench.HasExited)
        {
            await Task.Delay(TimeSpan.FromMilliseconds(500), ct);
        }

        Assert.True(File.Exists(output), "no results written:\n" + OperatorProcess.Tail(bench.ReadLog()));
        var results = JsonNode.Parse(await File.ReadAllTextAsync(output, ct))!;
        // Per build, one run with OCP answering at once, one with every answer 100 ms late.
        string[] builds = RepoPaths.OperatorBinary is null ? ["JIT"] : ["JIT", "AOT"];
        var runs = results["throughput"]!.AsArray();
        Assert.Equal(builds.SelectMany(b => new[] { $"{b} 0", $"{b} 100" }), runs.Select(r => $"{r!["build"]} {r["ocpDelayMs"]}"));
        foreach (var run in runs)
        {
            Assert.Equal(20, run!["operator"]!["Succeeded"]!.GetValue<int>());
            Assert.Equal(20, run["floor"]!["Succeeded"]!.GetValue<int>());
            Assert.True(run["ratio"]!.GetValue<double>() > 0);
            Assert.Equal(1.0, run["perBackup"]!["Posts"]!.GetValue<double>());
            Assert.InRange(run["perBackup"]!["StatusWrites"]!.GetValue<double>(), 1.0, 3.0);
        }
        foreach (var build in builds)
        {
            var host = results["hosts"]![build]!;
            Assert.Equal(20, host["memoryMiB"]!["activeRunning"]!.GetValue<int>());
            foreach (var key in build == "JIT" ? ["minimalIdle", "operatorIdle", "operatorActive", "operatorFinished"] : new[] { "operatorIdle", "operatorActive", "operatorFinished" })
            {
                Assert.InRange(host["memoryMiB"]![key]!.GetValue<double>(), 5, 2000);
            }

            Assert.InRange(host["startMs"]!["operator"]!.GetValue<double>(), 1, 60_000);
        }

        Assert.Contains("| target | measured | bar | met |", await File.ReadAllTextAsync(Path.ChangeExtension(output, ".md"), ct), StringComparison.Ordinal);
    }
}
