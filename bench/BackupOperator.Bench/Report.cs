using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace BackupOperator.Bench;

/// <summary>Memory and start-up of one build: the operator and that build's minimal host.</summary>
internal sealed class HostStats(string build)
{
    public string Build { get; } = build;
    public List<double> MinimalStarts { get; } = [];
    public List<double> OperatorStarts { get; } = [];
    public List<double> MinimalIdle { get; } = [];
    public List<double> OperatorIdle { get; } = [];
    public int ActiveRunning { get; set; }
    public double OperatorActive { get; set; }
    public double OperatorHistory { get; set; }
    public double OperatorHistoryReadyMs { get; set; }
    public double MinimalHistory { get; set; }
    public double MinimalHistoryReadyMs { get; set; }

    public double MinimalStart => Measure.Median(MinimalStarts);
    public double OperatorStart => Measure.Median(OperatorStarts);
    public double MinimalIdleMiB => Measure.Median(MinimalIdle);
    public double OperatorIdleMiB => Measure.Median(OperatorIdle);
}

/// <summary>Everything measured, the ratios against the floors, and the targets they are held to.</summary>
internal sealed class Report(BenchOptions options)
{
    private readonly Dictionary<string, HostStats> _hosts = [];

    public List<(RunResult Floor, RunResult Operator, WorkPerBackup Cost)> Runs { get; } = [];
    public JsonObject Machine { get; set; } = [];

    public HostStats For(BuildUnderTest build) =>
        _hosts.TryGetValue(build.Name, out var hosts) ? hosts : _hosts[build.Name] = new HostStats(build.Name);

    private IEnumerable<HostStats> Hosts => options.Builds.Where(b => _hosts.ContainsKey(b.Name)).Select(b => _hosts[b.Name]);

    /// <summary>(what, measured, target, met) for each bar of the issue; a bar that could not be measured is not met.</summary>
    public IEnumerable<(string What, string Value, string Target, bool Met)> Targets()
    {
        foreach (var (floor, op, cost) in Runs)
        {
            var ratio = op.PerSecond / floor.PerSecond;
            var run = $"{op.Build}, N={op.N}, OCP {op.OcpDelayMs} ms";
            yield return ($"throughput operator/floor, {run}", F(ratio, 2), "≥ 0.9", ratio >= 0.9);
            yield return ($"backupNow POSTs per backup, {run}", F(cost.Posts, 2), "= 1", cost.Posts == 1);
            yield return ($"status writes per backup, {run}", F(cost.StatusWrites, 2), "≤ 3", cost.StatusWrites <= 3);
        }

        foreach (var h in Hosts)
        {
            if (h.OperatorStarts.Count == 0)
            {
                continue; // BENCH_PHASES without start: no idle figure to hold anything against
            }

            if (h.Build == "AOT")
            {
                yield return ("AOT idle RSS (MiB)", F(h.OperatorIdleMiB, 1), "≤ 40", h.OperatorIdleMiB <= 40);
                yield return ("AOT start → ready, median (ms)", F(h.OperatorStart, 0), "≤ 200", h.OperatorStart <= 200);
            }

            var idle = h.OperatorIdleMiB / h.MinimalIdleMiB;
            yield return ($"{h.Build} idle RSS operator/minimal {h.Build} host", F(idle, 2), "≤ 1.15", idle <= 1.15);
            var start = h.OperatorStart / h.MinimalStart;
            yield return ($"{h.Build} start → ready operator/minimal {h.Build} host", F(start, 2), "≤ 1.2", start <= 1.2);
            if (options.Runs("history"))
            {
                var history = h.OperatorHistory / h.OperatorIdleMiB;
                yield return ($"{h.Build} RSS with {options.Finished} finished / idle", F(history, 2), "≤ 1.3", history <= 1.3);
            }
        }
    }

    public string ToMarkdown()
    {
        var s = new StringBuilder();
        s.AppendLine(CultureInfo.InvariantCulture, $"Machine: {Machine["cpu"]}, {Machine["cores"]} cores, {Machine["memory"]}, {Machine["os"]}, {Machine["runtime"]}, kube-apiserver {Machine["kubeApiServer"]}, {Machine["date"]}; pinned: {Machine["pinned"]}; parts run: {string.Join(", ", options.Phases)}.");
        s.AppendLine();
        s.AppendLine("| build | N | OCP late (ms) | floor /s (workers) | operator /s | ratio | create→Running p50/p95/p99 ms (floor · operator) | create→Succeeded p50/p95/p99 ms (floor · operator) |");
        s.AppendLine("|---|---|---|---|---|---|---|---|");
        foreach (var (floor, op, _) in Runs)
        {
            s.AppendLine(CultureInfo.InvariantCulture,
                $"| {op.Build} | {op.N} | {op.OcpDelayMs} | {floor.PerSecond} ({floor.Workers}) | {op.PerSecond} | {F(op.PerSecond / floor.PerSecond, 2)} | {L(floor.ToRunning)} · {L(op.ToRunning)} | {L(floor.ToDone)} · {L(op.ToDone)} |");
        }

        s.AppendLine();
        s.AppendLine("| build | N | OCP late (ms) | POSTs | task reads | status writes | events | other API calls | (per backup) |");
        s.AppendLine("|---|---|---|---|---|---|---|---|---|");
        foreach (var (_, op, c) in Runs)
        {
            s.AppendLine(CultureInfo.InvariantCulture, $"| {op.Build} | {op.N} | {op.OcpDelayMs} | {c.Posts} | {c.TaskReads} | {c.StatusWrites} | {c.Events} | {c.OtherApiCalls} | |");
        }

        s.AppendLine();
        s.AppendLine("| build | N | OCP late (ms) | CPU ms per backup, floor run: total (API server + etcd + harness) | operator run: total (operator + API server + etcd + harness and simulator) |");
        s.AppendLine("|---|---|---|---|---|");
        foreach (var (floor, op, _) in Runs)
        {
            if (floor.Cpu is { } f && op.Cpu is { } o)
            {
                s.AppendLine(CultureInfo.InvariantCulture,
                    $"| {op.Build} | {op.N} | {op.OcpDelayMs} | {F(f.Total, 1)} ({F(f.ApiServer, 1)} + {F(f.Etcd, 1)} + {F(f.HarnessAndSimulator, 1)}) | {F(o.Total, 1)} ({F(o.Operator, 1)} + {F(o.ApiServer, 1)} + {F(o.Etcd, 1)} + {F(o.HarnessAndSimulator, 1)}) |");
            }
        }

        s.AppendLine();
        s.AppendLine("| memory and start-up | " + string.Join(" | ", Hosts.SelectMany(h => new[] { $"minimal {h.Build} host", $"operator {h.Build}" })) + " |");
        s.AppendLine("|---|" + string.Concat(Enumerable.Repeat("---|", Hosts.Count() * 2)));
        Row(s, $"RSS idle (MiB, median of {options.Starts})", h => F(h.MinimalIdleMiB, 1), h => F(h.OperatorIdleMiB, 1));
        Row(s, $"RSS with {options.Active} backups running (MiB)", _ => "", h => F(h.OperatorActive, 1));
        Row(s, $"RSS with {options.Finished} finished resources (MiB)", h => F(h.MinimalHistory, 1), h => F(h.OperatorHistory, 1));
        Row(s, $"start → ready, empty (ms, median of {options.Starts})", h => F(h.MinimalStart, 0), h => F(h.OperatorStart, 0));
        Row(s, $"start → ready, {options.Finished} finished (ms)", h => F(h.MinimalHistoryReadyMs, 0), h => F(h.OperatorHistoryReadyMs, 0));
        s.AppendLine();
        s.AppendLine("| target | measured | bar | met |");
        s.AppendLine("|---|---|---|---|");
        foreach (var (what, value, target, met) in Targets())
        {
            s.AppendLine(CultureInfo.InvariantCulture, $"| {what} | {value} | {target} | {(met ? "yes" : "**no**")} |");
        }

        return s.ToString();
    }

    private void Row(StringBuilder s, string what, Func<HostStats, string> minimal, Func<HostStats, string> op) =>
        s.AppendLine($"| {what} | " + string.Join(" | ", Hosts.SelectMany(h => new[] { minimal(h), op(h) })) + " |");

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
            builds = options.Builds.Select(b => b.Name).ToArray(),
            settleSeconds = options.Settle.TotalSeconds,
            options.Quick,
        }),
        ["throughput"] = new JsonArray(Runs.Select(r => (JsonNode)new JsonObject
        {
            ["build"] = r.Operator.Build,
            ["n"] = r.Operator.N,
            ["ocpDelayMs"] = r.Operator.OcpDelayMs,
            ["floor"] = JsonSerializer.SerializeToNode(r.Floor),
            ["operator"] = JsonSerializer.SerializeToNode(r.Operator),
            ["ratio"] = Math.Round(r.Operator.PerSecond / r.Floor.PerSecond, 3),
            ["perBackup"] = JsonSerializer.SerializeToNode(r.Cost),
        }).ToArray()),
        ["hosts"] = new JsonObject(Hosts.Select(h => KeyValuePair.Create(h.Build, (JsonNode?)new JsonObject
        {
            ["memoryMiB"] = new JsonObject
            {
                ["minimalIdle"] = Num(h.MinimalIdleMiB),
                ["operatorIdle"] = Num(h.OperatorIdleMiB),
                ["operatorActive"] = Num(h.OperatorActive),
                ["activeRunning"] = h.ActiveRunning,
                ["operatorFinished"] = Num(h.OperatorHistory),
                ["minimalFinished"] = Num(h.MinimalHistory),
                ["finished"] = options.Finished,
            },
            ["startMs"] = new JsonObject
            {
                ["minimal"] = Num(Math.Round(h.MinimalStart)),
                ["operator"] = Num(Math.Round(h.OperatorStart)),
                ["minimalWithFinished"] = Num(Math.Round(h.MinimalHistoryReadyMs)),
                ["operatorWithFinished"] = Num(Math.Round(h.OperatorHistoryReadyMs)),
                ["minimalSamples"] = new JsonArray(h.MinimalStarts.Select(v => (JsonNode)Math.Round(v)).ToArray()),
                ["operatorSamples"] = new JsonArray(h.OperatorStarts.Select(v => (JsonNode)Math.Round(v)).ToArray()),
            },
        }))),
        ["targets"] = new JsonArray(Targets().Select(t => (JsonNode)new JsonObject
        {
            ["what"] = t.What,
            ["measured"] = t.Value,
            ["target"] = t.Target,
            ["met"] = t.Met,
        }).ToArray()),
    };

    // NaN (a host that was not measured) is not JSON.
    private static JsonValue? Num(double v) => double.IsNaN(v) ? null : JsonValue.Create(v);

    private static string F(double v, int digits) => double.IsNaN(v) ? "n/a" : Math.Round(v, digits).ToString(CultureInfo.InvariantCulture);

    private static string L(Latency l) => string.Create(CultureInfo.InvariantCulture, $"{l.P50:F0}/{l.P95:F0}/{l.P99:F0}");
}
