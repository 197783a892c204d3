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

/// <summary>The client-go peer (bench/peer-go): start-up and memory, empty and with the finished resources.</summary>
internal sealed class PeerStats
{
    public List<double> Starts { get; } = [];
    public List<double> Idle { get; } = [];
    public double History { get; set; } = double.NaN;
    public double HistoryReadyMs { get; set; } = double.NaN;

    public double Start => Measure.Median(Starts);
    public double IdleMiB => Measure.Median(Idle);
}

/// <summary>Everything measured, the ratios against the floors, and the targets they are held to.</summary>
internal sealed class Report(BenchOptions options)
{
    private readonly Dictionary<string, HostStats> _hosts = [];

    public List<(RunResult Floor, RunResult Operator, WorkPerBackup Cost)> Runs { get; } = [];
    public JsonObject Machine { get; set; } = [];

    /// <summary>Each operator run with the peer's run of the same N and OCP delay right after it (BENCH_PEER).</summary>
    public List<(RunResult Operator, RunResult Peer, WorkPerBackup PeerCost)> PeerRuns { get; } = [];

    public PeerStats Peer { get; } = new();

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

        foreach (var (op, peer, _) in PeerRuns)
        {
            var run = $"{op.Build}, N={op.N}, OCP {op.OcpDelayMs} ms";
            var ratio = op.PerSecond / peer.PerSecond;
            yield return ($"throughput ours/client-go peer, {run}", F(ratio, 2), "≥ 1.1", ratio >= 1.1);
            if (op.Cpu is { } o && peer.Cpu is { } p)
            {
                yield return ($"controller CPU ms per backup ours/peer, {run}", $"{F(o.Operator, 2)} / {F(p.Operator, 2)}", "≤ 1", o.Operator <= p.Operator);
            }

            if (op.ControllerCpuWithEvents is { } ow && peer.ControllerCpuWithEvents is { } pw)
            {
                yield return ($"the same until its events were all written, {run}", $"{F(ow, 2)} / {F(pw, 2)}", "≤ 1", ow <= pw);
            }
        }

        foreach (var h in Hosts.Where(h => !double.IsNaN(Peer.HistoryReadyMs) && h.OperatorHistoryReadyMs > 0))
        {
            var ratio = h.OperatorHistoryReadyMs / Peer.HistoryReadyMs;
            yield return ($"{h.Build} start → ready with {options.Finished} finished, ours/peer informer sync", F(ratio, 2), "≤ 1.2", ratio <= 1.2);
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
        Table(s, "| build | N | OCP late (ms) | floor /s (workers) | operator /s | ratio | create→Running p50/p95/p99 ms (floor · operator) | create→Succeeded p50/p95/p99 ms (floor · operator) |",
            Runs.Select(r => string.Create(CultureInfo.InvariantCulture,
                $"| {r.Operator.Build} | {r.Operator.N} | {r.Operator.OcpDelayMs} | {r.Floor.PerSecond} ({r.Floor.Workers}) | {r.Operator.PerSecond} | {F(r.Operator.PerSecond / r.Floor.PerSecond, 2)} | {L(r.Floor.ToRunning)} · {L(r.Operator.ToRunning)} | {L(r.Floor.ToDone)} · {L(r.Operator.ToDone)} |")));
        Table(s, "| build | N | OCP late (ms) | POSTs | task reads | status writes | events | other API calls | (per backup) |",
            Runs.Select(r => string.Create(CultureInfo.InvariantCulture,
                $"| {r.Operator.Build} | {r.Operator.N} | {r.Operator.OcpDelayMs} | {r.Cost.Posts} | {r.Cost.TaskReads} | {r.Cost.StatusWrites} | {r.Cost.Events} | {r.Cost.OtherApiCalls} | |")));
        Table(s, "| build | N | OCP late (ms) | CPU ms per backup, floor run: total (API server + etcd + harness) | operator run: total (operator + API server + etcd + harness and simulator) |",
            Runs.Where(r => r.Floor.Cpu is not null && r.Operator.Cpu is not null).Select(r => (r.Operator, f: r.Floor.Cpu!, o: r.Operator.Cpu!)).Select(r => string.Create(CultureInfo.InvariantCulture,
                $"| {r.Operator.Build} | {r.Operator.N} | {r.Operator.OcpDelayMs} | {F(r.f.Total, 1)} ({F(r.f.ApiServer, 1)} + {F(r.f.Etcd, 1)} + {F(r.f.HarnessAndSimulator, 1)}) | {F(r.o.Total, 1)} ({F(r.o.Operator, 1)} + {F(r.o.ApiServer, 1)} + {F(r.o.Etcd, 1)} + {F(r.o.HarnessAndSimulator, 1)}) |")));
        if (PeerRuns.Count > 0)
        {
            Table(s, "| build | N | OCP late (ms) | operator /s | client-go peer /s | ours/peer | controller CPU ms per backup (ours · peer) | the same until its events were all written (ours · peer) | API server CPU ms per backup (ours · peer) | create→Succeeded p50/p95/p99 ms (ours · peer) |",
                PeerRuns.Select(r => string.Create(CultureInfo.InvariantCulture,
                    $"| {r.Operator.Build} | {r.Operator.N} | {r.Operator.OcpDelayMs} | {r.Operator.PerSecond} | {r.Peer.PerSecond} | {F(r.Operator.PerSecond / r.Peer.PerSecond, 2)} | {F(r.Operator.Cpu?.Operator ?? double.NaN, 2)} · {F(r.Peer.Cpu?.Operator ?? double.NaN, 2)} | {F(r.Operator.ControllerCpuWithEvents ?? double.NaN, 2)} · {F(r.Peer.ControllerCpuWithEvents ?? double.NaN, 2)} | {F(r.Operator.Cpu?.ApiServer ?? double.NaN, 1)} · {F(r.Peer.Cpu?.ApiServer ?? double.NaN, 1)} | {L(r.Operator.ToDone)} · {L(r.Peer.ToDone)} |")));
            Table(s, "| peer after build | N | OCP late (ms) | POSTs | task reads | status writes | events | (per backup, the client-go peer) |",
                PeerRuns.Select(r => string.Create(CultureInfo.InvariantCulture,
                    $"| {r.Operator.Build} | {r.Operator.N} | {r.Operator.OcpDelayMs} | {r.PeerCost.Posts} | {r.PeerCost.TaskReads} | {r.PeerCost.StatusWrites} | {r.PeerCost.Events} | {r.PeerCost.OtherDetail} |")));
        }

        s.AppendLine();
        s.AppendLine("| memory and start-up | " + string.Join(" | ", Hosts.SelectMany(h => new[] { $"minimal {h.Build} host", $"operator {h.Build}" })) + " |");
        s.AppendLine("|---|" + string.Concat(Enumerable.Repeat("---|", Hosts.Count() * 2)));
        Row(s, $"RSS idle (MiB, median of {options.Starts})", h => F(h.MinimalIdleMiB, 1), h => F(h.OperatorIdleMiB, 1));
        Row(s, $"RSS with {options.Active} backups running (MiB)", _ => "", h => F(h.OperatorActive, 1));
        Row(s, $"RSS with {options.Finished} finished resources (MiB)", h => F(h.MinimalHistory, 1), h => F(h.OperatorHistory, 1));
        Row(s, $"start → ready, empty (ms, median of {options.Starts})", h => F(h.MinimalStart, 0), h => F(h.OperatorStart, 0));
        Row(s, $"start → ready, {options.Finished} finished (ms)", h => F(h.MinimalHistoryReadyMs, 0), h => F(h.OperatorHistoryReadyMs, 0));
        if (options.Peer is not null)
        {
            s.AppendLine();
            s.AppendLine(CultureInfo.InvariantCulture,
                $"client-go peer (bench/peer-go, {options.PeerWorkers} workers): start → ready empty {F(Peer.Start, 0)} ms (median of {Peer.Starts.Count}), idle RSS {F(Peer.IdleMiB, 1)} MiB; with {options.Finished} finished: ready (informer synced) in {F(Peer.HistoryReadyMs, 0)} ms, RSS {F(Peer.History, 1)} MiB.");
        }

        s.AppendLine();
        s.AppendLine("| target | measured | bar | met |");
        s.AppendLine("|---|---|---|---|");
        foreach (var (what, value, target, met) in Targets())
        {
            s.AppendLine(CultureInfo.InvariantCulture, $"| {what} | {value} | {target} | {(met ? "yes" : "**no**")} |");
        }

        return s.ToString();
    }

    /// <summary>A blank line, then a Markdown table: the header, its separator, the rows.</summary>
    private static void Table(StringBuilder s, string header, IEnumerable<string> rows)
    {
        s.AppendLine();
        s.AppendLine(header);
        s.AppendLine("|" + string.Concat(Enumerable.Repeat("---|", header.Count(c => c == '|') - 1)));
        foreach (var row in rows)
        {
            s.AppendLine(row);
        }
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
        ["throughput"] = new JsonArray(Runs.Select(r => (JsonNode)Pair(r.Operator, "floor", r.Floor, "perBackup", r.Cost)).ToArray()),
        ["peer"] = options.Peer is null ? null : new JsonObject
        {
            ["workers"] = options.PeerWorkers,
            ["startMs"] = Num(Math.Round(Peer.Start)),
            ["startSamples"] = new JsonArray(Peer.Starts.Select(v => (JsonNode)Math.Round(v)).ToArray()),
            ["idleMiB"] = Num(Peer.IdleMiB),
            ["withFinishedReadyMs"] = Num(Math.Round(Peer.HistoryReadyMs)),
            ["withFinishedMiB"] = Num(Peer.History),
            ["throughput"] = new JsonArray(PeerRuns.Select(r => (JsonNode)Pair(r.Operator, "peer", r.Peer, "peerPerBackup", r.PeerCost)).ToArray()),
        },
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

    /// <summary>One operator run against another run of the same N and OCP delay (the floor's, the peer's), and its ratio.</summary>
    private static JsonObject Pair(RunResult op, string otherName, RunResult other, string costName, WorkPerBackup cost) => new()
    {
        ["build"] = op.Build,
        ["n"] = op.N,
        ["ocpDelayMs"] = op.OcpDelayMs,
        [otherName] = JsonSerializer.SerializeToNode(other),
        ["operator"] = JsonSerializer.SerializeToNode(op),
        ["ratio"] = Math.Round(op.PerSecond / other.PerSecond, 3),
        [costName] = JsonSerializer.SerializeToNode(cost),
    };

    // NaN (a host that was not measured) is not JSON.
    private static JsonValue? Num(double v) => double.IsNaN(v) ? null : JsonValue.Create(v);

    private static string F(double v, int digits) => double.IsNaN(v) ? "n/a" : Math.Round(v, digits).ToString(CultureInfo.InvariantCulture);

    private static string L(Latency l) => string.Create(CultureInfo.InvariantCulture, $"{l.P50:F0}/{l.P95:F0}/{l.P99:F0}");
}
