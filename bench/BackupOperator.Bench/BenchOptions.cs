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

    /// <summary>BENCH_WORKERS: the operator's MaxConcurrentReconciles; unset, the operator runs with its defaults.</summary>
    public required int? Workers { get; init; }

    /// <summary>BENCH_FLOOR_WORKERS: the bare client's patch workers; the floor is the best of these.</summary>
    public required int[] FloorWorkers { get; init; }

    /// <summary>BENCH_OCP_DELAYS_MS: how late OCP answers, one throughput run of the operator per value and N.</summary>
    public required int[] OcpDelaysMs { get; init; }

    /// <summary>BENCH_CREATORS: concurrent creates, the same for the floor and the operator.</summary>
    public required int Creators { get; init; }

    /// <summary>Pause after a host is ready before its memory is sampled.</summary>
    public required TimeSpan Settle { get; init; }

    /// <summary>BENCH_OUT: where the JSON goes.</summary>
    public required string Output { get; init; }

    public required bool Quick { get; init; }

    /// <summary>
    /// BENCH_PIN=1: kube-apiserver and etcd on the first core, this harness (and with it the OCP simulator
    /// and every host it starts) on the others, as a cluster runs its control plane apart from the
    /// operator's node and OCP. Unset, everything shares every core.
    /// </summary>
    public required bool Pin { get; init; }

    /// <summary>
    /// BENCH_PHASES: which parts run, comma-separated, of start, throughput, active and history (all by
    /// default): one change measured on the part it is about. A bar whose part did not run is not printed.
    /// </summary>
    public required IReadOnlySet<string> Phases { get; init; }

    /// <summary>
    /// BENCH_PEER: the path of bench/peer-go's binary (bench/run.sh builds it with hack/build-peer-go.sh
    /// when BENCH_PEER=1). Set, the client-go peer runs after each operator run of the throughput part,
    /// same N and OCP delay, and starts beside the operator in the start and history parts.
    /// </summary>
    public required string? Peer { get; init; }

    /// <summary>
    /// BENCH_PEER_FIRST=1: the peer runs before the operator in the first throughput run (and after it in the
    /// second, and so on); default after. Two bench runs, one with and one without, give each point both orders.
    /// </summary>
    public required bool PeerFirst { get; init; }

    /// <summary>BENCH_PEER_WORKERS: the peer's workers (its MaxConcurrentReconciles), default 32.</summary>
    public required int PeerWorkers { get; init; }

    /// <summary>
    /// BENCH_HISTORY_ROUNDS: start-ups with the finished resources per host, default 1; the peer (if any)
    /// goes first on every other round, and each host's fastest start is reported.
    /// </summary>
    public required int HistoryRounds { get; init; }

    /// <summary>
    /// BENCH_APISERVER_PPROF: a directory. Set, every timed throughput run (ours and the peer's) records the
    /// kube-apiserver's Go CPU profile into DIR/&lt;label&gt;/ (<see cref="ApiServerProfile"/>); bench/run.sh then
    /// merges and summarizes them with bench/apiserver-pprof.sh.
    /// </summary>
    public required string? ApiServerPprof { get; init; }

    public static readonly string[] AllPhases = ["start", "throughput", "active", "history"];

    public bool Runs(string phase) => Phases.Contains(phase);

    /// <summary>The builds measured side by side: JIT always; NativeAOT when its binaries exist.</summary>
    public required IReadOnlyList<BuildUnderTest> Builds { get; init; }

    public static BenchOptions FromEnvironment(string repoRoot)
    {
        var quick = Environment.GetEnvironmentVariable("BENCH_QUICK") is "1" or "true";
        return new BenchOptions
        {
            Quick = quick,
            Pin = Environment.GetEnvironmentVariable("BENCH_PIN") is "1" or "true",
            Sizes = Ints("BENCH_SIZES", quick ? "20" : "500,1000"),
            Active = Int("BENCH_ACTIVE", quick ? 20 : 1000),
            Finished = Int("BENCH_FINISHED", quick ? 200 : 10_000),
            Starts = Int("BENCH_STARTS", quick ? 1 : 5),
            Workers = Environment.GetEnvironmentVariable("BENCH_WORKERS") is { Length: > 0 } w ? int.Parse(w, CultureInfo.InvariantCulture) : null,
            FloorWorkers = Ints("BENCH_FLOOR_WORKERS", quick ? "8" : "2,8,32"),
            OcpDelaysMs = Ints("BENCH_OCP_DELAYS_MS", "0,100"),
            Creators = Int("BENCH_CREATORS", 4),
            Settle = TimeSpan.FromSeconds(Int("BENCH_SETTLE_SECONDS", quick ? 1 : 5)),
            Output = Environment.GetEnvironmentVariable("BENCH_OUT") ?? Path.Combine(repoRoot, "bench", "results", "latest.json"),
            Builds = BuildUnderTest.Find(repoRoot),
            Peer = Environment.GetEnvironmentVariable("BENCH_PEER") is { Length: > 0 } peer && peer != "0"
                ? (File.Exists(peer) ? Path.GetFullPath(peer) : throw new ArgumentException($"BENCH_PEER: no file {peer} (bench/run.sh builds it for BENCH_PEER=1)"))
                : null,
            PeerFirst = Environment.GetEnvironmentVariable("BENCH_PEER_FIRST") is "1" or "true",
            PeerWorkers = Int("BENCH_PEER_WORKERS", 32),
            HistoryRounds = Int("BENCH_HISTORY_ROUNDS", 1),
            ApiServerPprof = Environment.GetEnvironmentVariable("BENCH_APISERVER_PPROF") is { Length: > 0 } pprof ? Path.GetFullPath(pprof) : null,
            Phases = ParsePhases(),
        };
    }

    private static HashSet<string> ParsePhases()
    {
        var phases = (Environment.GetEnvironmentVariable("BENCH_PHASES") is { Length: > 0 } v ? v : string.Join(',', AllPhases))
            .Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToHashSet(StringComparer.Ordinal);
        var unknown = phases.Except(AllPhases).ToList();
        return unknown.Count == 0
            ? phases
            : throw new ArgumentException($"BENCH_PHASES: unknown {string.Join(", ", unknown)}; known: {string.Join(", ", AllPhases)}");
    }

    private static int[] Ints(string name, string fallback) =>
        (Environment.GetEnvironmentVariable(name) is { Length: > 0 } v ? v : fallback)
            .Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(s => int.Parse(s, CultureInfo.InvariantCulture)).ToArray();

    private static int Int(string name, int fallback) =>
        Environment.GetEnvironmentVariable(name) is { Length: > 0 } v ? int.Parse(v, CultureInfo.InvariantCulture) : fallback;
}

/// <summary>
/// One build of the operator and its minimal host: JIT (`dotnet X.dll`, Operator or Minimal null) or
/// NativeAOT (native executables). BENCH_AOT_OPERATOR and BENCH_AOT_MINIMAL name the AOT binaries
/// (bench/run.sh publishes them into artifacts/aot-bench and artifacts/minimal-aot); BENCH_AOT=0 leaves AOT out,
/// BENCH_JIT=0 leaves JIT out.
/// </summary>
internal sealed record BuildUnderTest(string Name, string? Operator, string? Minimal)
{
    /// <summary>JIT always has its minimal host (the dll); a NativeAOT build only if its binary was found.</summary>
    public bool HasMinimalHost => Minimal is not null || Operator is null;

    public static IReadOnlyList<BuildUnderTest> Find(string repoRoot)
    {
        // BENCH_JIT=0: the NativeAOT build alone (the image's build), half the time of a run.
        var builds = Environment.GetEnvironmentVariable("BENCH_JIT") is "0" ? [] : new List<BuildUnderTest> { new("JIT", null, null) };
        if (Environment.GetEnvironmentVariable("BENCH_AOT") is "0")
        {
            return builds.Count > 0 ? builds : throw new ArgumentException("BENCH_JIT=0 and BENCH_AOT=0 leave no build to measure");
        }

        var op = Existing(Environment.GetEnvironmentVariable("BENCH_AOT_OPERATOR") ?? Path.Combine(repoRoot, "artifacts", "aot-bench", "BackupOperator"));
        var minimal = Existing(Environment.GetEnvironmentVariable("BENCH_AOT_MINIMAL") ?? Path.Combine(repoRoot, "artifacts", "minimal-aot", "MinimalAotHost"));
        if (op is not null)
        {
            builds.Add(new("AOT", op, minimal));
        }

        return builds.Count > 0 ? builds : throw new ArgumentException("BENCH_JIT=0 needs the NativeAOT operator (bench/run.sh publishes it)");
    }

    private static string? Existing(string path) => File.Exists(path) ? Path.GetFullPath(path) : null;
}
