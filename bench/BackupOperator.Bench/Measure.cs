using System.Globalization;
using System.Text.RegularExpressions;

namespace BackupOperator.Bench;

/// <summary>Small measuring tools: RSS from /proc, percentiles, Prometheus samples.</summary>
internal static partial class Measure
{
    /// <summary>Resident set size of a process in MiB (VmRSS).</summary>
    public static double RssMiB(int pid)
    {
        foreach (var line in File.ReadLines($"/proc/{pid}/status"))
        {
            if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
            {
                var kb = long.Parse(line["VmRSS:".Length..].Trim().Split(' ')[0], CultureInfo.InvariantCulture);
                return Math.Round(kb / 1024.0, 1);
            }
        }

        throw new InvalidOperationException($"no VmRSS for pid {pid}");
    }

    /// <summary>A few RSS samples a second apart; the median, so one GC at the wrong moment does not decide.</summary>
    public static async Task<double> SettledRssMiB(int pid, TimeSpan settle, int samples, CancellationToken ct)
    {
        await Task.Delay(settle, ct);
        var values = new List<double>();
        for (var i = 0; i < samples; i++)
        {
            if (i > 0)
            {
                await Task.Delay(TimeSpan.FromSeconds(1), ct);
            }

            values.Add(RssMiB(pid));
        }

        return Median(values);
    }

    /// <summary>CPU time (user + system) a process has used so far, in seconds, from /proc/PID/stat.</summary>
    public static double CpuSeconds(int pid)
    {
        var stat = File.ReadAllText($"/proc/{pid}/stat");
        // Fields after the command name (which may hold spaces), from field 3 on: utime and stime are fields 14 and 15.
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        var ticks = long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture);
        return ticks / (double)ClockTicksPerSecond;
    }

    // sysconf(_SC_CLK_TCK): 100 on every Linux this runs on (USER_HZ is fixed at 100 for user space).
    private const int ClockTicksPerSecond = 100;

    public static double Median(IReadOnlyList<double> values) => Percentile(values, 50);

    /// <summary>Nearest-rank percentile.</summary>
    public static double Percentile(IReadOnlyList<double> values, double p)
    {
        if (values.Count == 0)
        {
            return double.NaN;
        }

        var sorted = values.Order().ToArray();
        var rank = (int)Math.Ceiling(p / 100 * sorted.Length);
        return sorted[Math.Clamp(rank - 1, 0, sorted.Length - 1)];
    }

    /// <summary>The sum of every sample of <paramref name="name"/> whose labels contain all of <paramref name="labels"/>.</summary>
    public static double Sum(string exposition, string name, params string[] labels)
    {
        double sum = 0;
        foreach (Match m in Sample().Matches(exposition))
        {
            if (m.Groups["name"].Value == name && labels.All(l => m.Groups["labels"].Value.Contains(l, StringComparison.Ordinal)))
            {
                sum += double.Parse(m.Groups["value"].Value, CultureInfo.InvariantCulture);
            }
        }

        return sum;
    }

    /// <summary>The verb and resource labels of every sample of <paramref name="name"/>.</summary>
    public static IEnumerable<(string Verb, string Resource)> Labels(string exposition, string name)
    {
        foreach (Match m in Sample().Matches(exposition))
        {
            if (m.Groups["name"].Value == name)
            {
                var labels = m.Groups["labels"].Value;
                yield return (Label(labels, "verb"), Label(labels, "resource"));
            }
        }
    }

    private static string Label(string labels, string key)
    {
        var start = labels.IndexOf(key + "=\"", StringComparison.Ordinal);
        if (start < 0)
        {
            return "";
        }

        start += key.Length + 2;
        return labels[start..labels.IndexOf('"', start)];
    }

    [GeneratedRegex(@"^(?<name>[a-zA-Z_:][a-zA-Z0-9_:]*)(\{(?<labels>[^}]*)\})? (?<value>[^ \r\n]+)", RegexOptions.Multiline)]
    private static partial Regex Sample();
}
