using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace BackupOperator.Bench;

/// <summary>Everything measured, the ratios against the floor, and the targets they are held to.</summary>
internal sealed class Report(BenchOptions options)
{
    public List<double> MinimalStarts { get; } = [];
    public List<double> OperatorStarts { get; } = [];
    public List<double> MinimalIdle { get; } = [];
    public List<double> OperatorIdle { get; } = [];
    public List<(RunResult Floor, RunResult Operator, WorkPerBackup Cost)> Runs { get; } = [];
    public int ActiveRunning { get; set; }
    public double OperatorActive { get; set; }
    public double OperatorHistory { get; set; }
    public double OperatorHistoryReadyMs { get; set; }
    public double MinimalHistory { get; set; }
    public double MinimalHistoryReadyMs { get; set; }
    public JsonObject Machine { get; set; } = [];

    private double MinimalStart => Measure.Median(MinimalStarts);
    private double OperatorStart => Measure.Median(OperatorStarts);
    private double MinimalIdleMiB => Measure.Median(MinimalIdle);
    private double OperatorIdleMiB => Measure.Median(OperatorIdle);

    /// <summary>(what, measured, target, met) for each bar of the issue.</summary>
    public IEnumerable<(string What, string Value, string Target, bool Met)> Targets()
    {
        foreach (var (floor, op, cost) in Runs)
        {
            var ratio = op.PerSecond / floor.PerSecond;
            var run = $"N={op.N}, OCP {op.OcpDelayMs} ms";
            yield return ($"throughput operator/floor, {run}", F(ratio, 2), "≥ 0.9", ratio >= 0.9);
            yield return ($"backupNow POSTs per backup, {run}", F(cost.Posts, 2), "= 1", cost.Posts == 1);
            yield return ($"status writes per backup, {run}", F(cost.StatusWrites, 2), "≤ 3", cost.StatusWrites <= 3);
        }

        var idle = OperatorIdleMiB / MinimalIdleMiB;
        yield return ("idle RSS operator/minimal host", F(idle, 2), "≤ 1.15", idle <= 1.15);
        var history = OperatorHistory / OperatorIdleMiB;
        yield return ($"RSS with {options.Finished} finished / idle", F(history, 2), "≤ 1.3", history <= 1.3);
        var start = OperatorStart / MinimalStart;
        yield return ("start → ready operator/minimal host", F(start, 2), "≤ 1.2", start <= 1.2);
    }

    public string ToMarkdown()
    {
        var s = new StringBuilder();
        s.AppendLine(CultureInfo.InvariantCulture, $"Machine: {Machine["cpu"]}, {Machine["cores"]} cores, {Machine["memory"]}, {Machine["os"]}, {Machine["runtime"]}, kube-apiserver {Machine["kubeApiServer"]}, {Machine["date"]}.");
        s.AppendLine();
        s.AppendLine("| N | OCP late (ms) | floor /s (workers) | operator /s | ratio | create→Running p50/p95/p99 ms (floor · operator) | create→Succeeded p50/p95/p99 ms (floor · operator) |");
        s.AppendLine("|---|---|---|---|---|---|---|");
        foreach (var (floor, op, _) in Runs)
        {
            s.AppendLine(CultureInfo.InvariantCulture,
                $"| {op.N} | {op.OcpDelayMs} | {floor.PerSecond} ({floor.Workers}) | {op.PerSecond} | {F(op.PerSecond / floor.PerSecond, 2)} | {L(floor.ToRunning)} · {L(op.ToRunning)} | {L(floor.ToDone)} · {L(op.ToDone)} |");
        }

        s.AppendLine();
        s.AppendLine("| N | OCP late (ms) | POSTs | task reads | status writes | events | other API calls | (per backup) |");
        s.AppendLine("|---|---|---|---|---|---|---|---|");
        foreach (var (_, op, c) in Runs)
        {
            s.AppendLine(CultureInfo.InvariantCulture, $"| {op.N} | {op.OcpDelayMs} | {c.Posts} | {c.TaskReads} | {c.StatusWrites} | {c.Events} | {c.OtherApiCalls} | |");
        }

        s.AppendLine();
        s.AppendLine("| N | OCP late (ms) | CPU ms per backup: floor (API server + etcd + harness) | operator run: operator + API server + etcd + harness and simulator |");
        s.AppendLine("|---|---|---|---|");
        foreach (var (floor, op, _) in Runs)
        {
            if (floor.Cpu is { } f && op.Cpu is { } o)
            {
                s.AppendLine(CultureInfo.InvariantCulture,
                    $"| {op.N} | {op.OcpDelayMs} | {F(f.Total, 1)} ({F(f.ApiServer, 1)} + {F(f.Etcd, 1)} + {F(f.HarnessAndSimulator, 1)}) | {F(o.Total, 1)} ({F(o.Operator, 1)} + {F(o.ApiServer, 1)} + {F(o.Etcd, 1)} + {F(o.HarnessAndSimulator, 1)}) |");
            }
        }

        s.AppendLine();
        s.AppendLine("| memory and start-up | minimal host | operator |");
        s.AppendLine("|---|---|---|");
        s.AppendLine(CultureInfo.InvariantCulture, $"| RSS idle (MiB, median of {OperatorIdle.Count}) | {MinimalIdleMiB} | {OperatorIdleMiB} |");
        s.AppendLine(CultureInfo.InvariantCulture, $"| RSS with {ActiveRunning} backups running (MiB) | | {OperatorActive} |");
        s.AppendLine(CultureInfo.InvariantCulture, $"| RSS with {options.Finished} finished resources (MiB) | {MinimalHistory} | {OperatorHistory} |");
        s.AppendLine(CultureInfo.InvariantCulture, $"| start → ready, empty (ms, median of {OperatorStarts.Count}) | {F(MinimalStart, 0)} | {F(OperatorStart, 0)} |");
        s.AppendLine(CultureInfo.InvariantCulture, $"| start → ready, {options.Finished} finished (ms) | {F(MinimalHistoryReadyMs, 0)} | {F(OperatorHistoryReadyMs, 0)} |");
        s.AppendLine();
        s.AppendLine("| target | measured | bar | met |");
        s.AppendLine("|---|---|---|---|");
        foreach (var (what, value, target, met) in Targets())
        {
            s.AppendLine(CultureInfo.InvariantCulture, $"| {what} | {value} | {target} | {(met ? "yes" : "**no**")} |");
        }

        return s.ToString();
    }

    public JsonObject ToJson() => new()
    {
        ["machine"] = Machine.DeepClone(),
        ["settings"] = JsonSerializer.SerializeToNode(new
        {
            options.Sizes,
            options.Active,
            options.Finished,
            options.Starts,
            options.Workers,
            options.FloorWorkers,
            options.OcpDelaysMs,
            options.Creators,
            settleSeconds = options.Settle.TotalSeconds,
            options.Quick,
        }),
        ["throughput"] = new JsonArray(Runs.Select(r => (JsonNode)new JsonObject
        {
            ["n"] = r.Operator.N,
            ["ocpDelayMs"] = r.Operator.OcpDelayMs,
            ["floor"] = JsonSerializer.SerializeToNode(r.Floor),
            ["operator"] = JsonSerializer.SerializeToNode(r.Operator),
            ["ratio"] = Math.Round(r.Operator.PerSecond / r.Floor.PerSecond, 3),
            ["perBackup"] = JsonSerializer.SerializeToNode(r.Cost),
        }).ToArray()),
        ["memoryMiB"] = new JsonObject
        {
            ["minimalIdle"] = MinimalIdleMiB,
            ["operatorIdle"] = OperatorIdleMiB,
            ["operatorActive"] = OperatorActive,
            ["activeRunning"] = ActiveRunning,
            ["operatorFinished"] = OperatorHistory,
            ["minimalFinished"] = MinimalHistory,
            ["finished"] = options.Finished,
        },
        ["startMs"] = new JsonObject
        {
            ["minimal"] = Math.Round(MinimalStart),
            ["operator"] = Math.Round(OperatorStart),
            ["minimalWithFinished"] = Math.Round(MinimalHistoryReadyMs),
            ["operatorWithFinished"] = Math.Round(OperatorHistoryReadyMs),
            ["minimalSamples"] = new JsonArray(MinimalStarts.Select(v => (JsonNode)Math.Round(v)).ToArray()),
            ["operatorSamples"] = new JsonArray(OperatorStarts.Select(v => (JsonNode)Math.Round(v)).ToArray()),
        },
        ["targets"] = new JsonArray(Targets().Select(t => (JsonNode)new JsonObject
        {
            ["what"] = t.What,
            ["measured"] = t.Value,
            ["target"] = t.Target,
            ["met"] = t.Met,
        }).ToArray()),
    };

    private static string F(double v, int digits) => Math.Round(v, digits).ToString(CultureInfo.InvariantCulture);

    private static string L(Latency l) => string.Create(CultureInfo.InvariantCulture, $"{l.P50:F0}/{l.P95:F0}/{l.P99:F0}");
}
