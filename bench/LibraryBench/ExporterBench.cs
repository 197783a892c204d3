using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Globalization;
using System.Reflection;
using System.Text;
using BackupOperator.Operator.Diagnostics;
using Prometheus;

namespace BackupOperator.Bench.LibraryBench;

/// <summary>
/// One exporter in this process: the operator's meter shapes (counters, histograms, observable
/// gauges; 56 label sets, as OperatorMetrics has them with 20 OCP clusters), values recorded, then
/// scrapes. Prints key=value lines that <see cref="PrintComparison"/> reads.
/// </summary>
internal static class ExporterBench
{
    public const int DefaultScrapes = 1000;
    private static readonly string[] Phases = ["New", "Submitting", "Running", "Succeeded", "Failed", "Unknown"];
    private static readonly string[] Operations = ["backupNow", "getTask", "listTasks"];
    private static readonly string[] Outcomes = ["ok", "timeout", "http_500"];
    private static readonly string[] Results = ["done", "requeue", "error"];
    private static readonly double[] Buckets = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

    public static void Run(string which, int scrapes)
    {
        var rssEntry = Rss.MiB();
        var appAssembliesBefore = AppAssemblies();
        using var meter = new Meter(OperatorMetrics.MeterName);
        Func<int> scrape;
        long dependencyBytes;
        string dependency;
        PrometheusExporter? ours = null;
        var buffer = new MemoryStream();
        switch (which)
        {
            case "ours":
                var exporter = new PrometheusExporter();
                ours = exporter;
                scrape = () => Encoding.UTF8.GetBytes(exporter.Scrape()).Length; // what HttpEndpoints serves
                dependencyBytes = IlBytes(typeof(PrometheusExporter));
                dependency = "none: IL of PrometheusExporter inside BackupOperator.dll";
                break;
            case "prometheus-net":
                // What the operator would run: our meter through the MeterAdapter, prometheus-net's own
                // process_* series (ours has them too); no EventCounters and no debug series.
                Metrics.SuppressDefaultMetrics(new SuppressDefaultMetricOptions { SuppressEventCounters = true, SuppressDebugMetrics = true });
                Metrics.ConfigureMeterAdapter(o =>
                {
                    o.InstrumentFilterPredicate = i => i.Meter.Name == OperatorMetrics.MeterName;
                    o.ResolveHistogramBuckets = _ => Buckets;
                });
                if (Environment.GetEnvironmentVariable("LIBRARYBENCH_DUMP") == "1")
                {
                    Trace.Listeners.Add(new TextWriterTraceListener(Console.Error));
                    Trace.AutoFlush = true;
                }

                scrape = () =>
                {
                    buffer.SetLength(0);
                    Metrics.DefaultRegistry.CollectAndExportAsTextAsync(buffer).GetAwaiter().GetResult();
                    return (int)buffer.Length;
                };
                var dll = typeof(Metrics).Assembly.Location;
                dependencyBytes = new FileInfo(dll).Length;
                dependency = Path.GetFileName(dll);
                break;
            default:
                throw new ArgumentException($"no exporter {which}: ours or prometheus-net", nameof(which));
        }

        var record = Instruments(meter);

        // prometheus-net starts its meter adapter on the first collect: scrape once before recording, for both.
        var first = Stopwatch.StartNew();
        scrape();
        first.Stop();
        for (var i = 0; i < 10_000; i++)
        {
            record(i);
        }

        var firstBytes = scrape();
        var text = ours is not null ? ours.Scrape() : Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length);
        var rssStarted = Rss.MiB();

        long allocated = 0;
        var elapsed = TimeSpan.Zero;
        var times = new double[scrapes];
        for (var s = 0; s < scrapes; s++)
        {
            for (var i = 0; i < 20; i++)
            {
                record((s * 20) + i); // the operator keeps recording between scrapes
            }

            var before = GC.GetTotalAllocatedBytes(precise: true);
            var started = Stopwatch.GetTimestamp();
            scrape();
            var took = Stopwatch.GetElapsedTime(started);
            elapsed += took;
            times[s] = took.TotalMicroseconds;
            allocated += GC.GetTotalAllocatedBytes(precise: true) - before;
        }

        var rssAfter = Rss.MiB();
        if (Environment.GetEnvironmentVariable("LIBRARYBENCH_DUMP") == "1")
        {
            Console.Error.Write(text);
        }

        Print("exporter", which);
        Print("rss_entry_mib", rssEntry);
        Print("rss_started_mib", rssStarted);
        Print("rss_after_scrapes_mib", rssAfter);
        Print("scrapes", scrapes);
        Print("first_scrape_ms", first.Elapsed.TotalMilliseconds);
        Print("us_per_scrape", elapsed.TotalMicroseconds / scrapes);
        Array.Sort(times);
        Print("us_per_scrape_median", times[scrapes / 2]);
        Print("bytes_allocated_per_scrape", (double)allocated / scrapes);
        Print("exposition_bytes", firstBytes);
        Print("exposition_lines", text.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);
        Print("dependency_bytes", dependencyBytes);
        Print("dependency", dependency);
        Print("assemblies_loaded", AppDomain.CurrentDomain.GetAssemblies().Length);
        Print("app_assemblies_added", string.Join(' ', AppAssemblies().Except(appAssembliesBefore).Order(StringComparer.Ordinal)));
        Print("threads", Process.GetCurrentProcess().Threads.Count);
        Print("sample", text.Split('\n').FirstOrDefault(l => l.Contains("ocp_request_duration_seconds_bucket", StringComparison.Ordinal)) ?? "");
        ours?.Dispose();
    }

    /// <summary>Reads the key=value lines of both runs and prints them side by side.</summary>
    public static void PrintComparison(string ours, string library)
    {
        var a = Parse(ours);
        var b = Parse(library);
        Console.WriteLine($"Prometheus exporter, {a["scrapes"]} scrapes each, one process each (same meter, same label sets):");
        Console.WriteLine($"| {"",-40} | {"ours",-16} | {"prometheus-net",-16} |");
        Console.WriteLine($"|{new string('-', 42)}|{new string('-', 18)}|{new string('-', 18)}|");
        foreach (var (key, label) in new[]
        {
            ("rss_entry_mib", "RSS at entry (MiB)"),
            ("rss_started_mib", "RSS after start + first scrape (MiB)"),
            ("rss_after_scrapes_mib", "RSS after the scrapes (MiB)"),
            ("first_scrape_ms", "first scrape (ms, cold)"),
            ("us_per_scrape_median", "time per scrape, median (µs)"),
            ("us_per_scrape", "time per scrape, mean (µs)"),
            ("bytes_allocated_per_scrape", "allocated per scrape (bytes)"),
            ("exposition_bytes", "exposition size (bytes)"),
            ("exposition_lines", "exposition lines"),
            ("dependency_bytes", "published dependency (bytes)"),
            ("assemblies_loaded", "assemblies loaded"),
            ("threads", "threads"),
        })
        {
            Console.WriteLine($"| {label,-40} | {a[key],-16} | {b[key],-16} |");
        }

        Console.WriteLine($"dependency, ours: {a["dependency"]}; prometheus-net: {b["dependency"]}");
        Console.WriteLine($"app assemblies the exporter loaded, ours: [{a["app_assemblies_added"]}]; prometheus-net: [{b["app_assemblies_added"]}]");
        Console.WriteLine($"a histogram line, ours:           {a["sample"]}");
        Console.WriteLine($"a histogram line, prometheus-net: {b["sample"]}");
    }

    /// <summary>The operator's instrument shapes; returns how to record the i-th round of values.</summary>
    private static Action<int> Instruments(Meter meter)
    {
        var transitions = meter.CreateCounter<long>("phase_transitions_total", description: "Backups entering a phase.");
        var ocp = meter.CreateHistogram<double>("ocp_request_duration_seconds", "s", "OCP API calls by operation and outcome.");
        var reconcile = meter.CreateHistogram<double>("reconcile_duration_seconds", "s", "Reconcile duration by result.");
        var errors = meter.CreateCounter<long>("reconcile_errors_total", description: "Reconciles that ended in an exception.");
        var wait = meter.CreateHistogram<double>("workqueue_wait_seconds", "s", "Time a resource waited in the work queue.");
        meter.CreateObservableGauge("workqueue_depth", () => 3, description: "Resources waiting in the work queue.");
        meter.CreateObservableGauge("backups", () => Phases.Select((p, i) => new Measurement<int>(i * 10, new KeyValuePair<string, object?>("phase", p))),
            description: "ClusterBackupNow resources by phase.");
        meter.CreateObservableGauge("last_success_timestamp_seconds", () => Enumerable.Range(1, 20)
            .Select(c => new Measurement<double>(1_800_000_000 + c, new KeyValuePair<string, object?>("cluster_id", c))),
            description: "Unix time of the last Succeeded backup per OCP cluster.");
        meter.CreateObservableGauge("leader", () => 1, description: "1 when this replica holds the leader lease.");
        return i =>
        {
            transitions.Add(1, new KeyValuePair<string, object?>("phase", Phases[i % Phases.Length]));
            ocp.Record((i % 100) / 100.0, new KeyValuePair<string, object?>("operation", Operations[i % Operations.Length]),
                new KeyValuePair<string, object?>("outcome", Outcomes[(i / 3) % Outcomes.Length]));
            reconcile.Record((i % 50) / 1000.0, new KeyValuePair<string, object?>("result", Results[i % Results.Length]));
            wait.Record((i % 10) / 1000.0);
            if (i % 100 == 0)
            {
                errors.Add(1);
            }
        };
    }

    /// <summary>IL bytes of a type's methods, its nested (compiler-generated lambda) types included.</summary>
    private static long IlBytes(Type type)
    {
        const BindingFlags All = BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly;
        long bytes = type.GetMethods(All).Cast<MethodBase>().Concat(type.GetConstructors(All))
            .Sum(m => (long)(m.GetMethodBody()?.GetILAsByteArray()?.Length ?? 0));
        return bytes + type.GetNestedTypes(All).Sum(IlBytes);
    }

    private static HashSet<string> AppAssemblies() => AppDomain.CurrentDomain.GetAssemblies()
        .Where(a => !a.IsDynamic && a.Location.StartsWith(AppContext.BaseDirectory, StringComparison.Ordinal))
        .Select(a => a.GetName().Name!)
        .ToHashSet();

    private static void Print(string key, object value) =>
        Console.WriteLine(FormattableString.Invariant($"{key}={(value is double d ? d.ToString("0.##", CultureInfo.InvariantCulture) : value)}"));

    private static Dictionary<string, string> Parse(string output) => output
        .Split('\n', StringSplitOptions.RemoveEmptyEntries)
        .Select(l => l.Split('=', 2))
        .Where(p => p.Length == 2)
        .ToDictionary(p => p[0], p => p[1]);
}
