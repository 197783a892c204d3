using System.Globalization;
using System.Text.RegularExpressions;

namespace BackupOperator.KubectlPlugin.Cli;

/// <summary>Durations as kubectl takes them (Go's time.ParseDuration): 30s, 2h, 1h30m, 1.5h, 500ms, 0.</summary>
public static partial class GoDuration
{
    public static bool TryParse(string text, out TimeSpan value)
    {
        value = TimeSpan.Zero;
        var s = text.Trim();
        if (s == "0")
        {
            return true;
        }

        var matches = Part().Matches(s);
        if (s.Length == 0 || matches.Sum(m => m.Length) != s.Length || matches.Count == 0 || matches[0].Index != 0)
        {
            return false;
        }

        var ticks = 0m;
        foreach (Match m in matches)
        {
            var number = decimal.Parse(m.Groups[1].Value, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture);
            ticks += number * m.Groups[2].Value switch
            {
                "ns" => 0.01m,
                "us" or "µs" => TimeSpan.TicksPerMicrosecond,
                "ms" => TimeSpan.TicksPerMillisecond,
                "s" => TimeSpan.TicksPerSecond,
                "m" => TimeSpan.TicksPerMinute,
                _ => TimeSpan.TicksPerHour,
            };
            if (ticks > TimeSpan.MaxValue.Ticks)
            {
                return false;
            }
        }

        value = TimeSpan.FromTicks((long)ticks);
        return true;
    }

    /// <summary>Back to kubectl's form, for messages: 2h0m0s is written 2h, 90s is 1m30s.</summary>
    public static string Format(TimeSpan d)
    {
        if (d < TimeSpan.FromSeconds(1))
        {
            return d == TimeSpan.Zero ? "0s" : $"{(int)d.TotalMilliseconds}ms";
        }

        var parts = new List<string>();
        if ((int)d.TotalHours > 0)
        {
            parts.Add($"{(int)d.TotalHours}h");
        }

        if (d.Minutes > 0)
        {
            parts.Add($"{d.Minutes}m");
        }

        if (d.Seconds > 0 || d.Milliseconds > 0)
        {
            parts.Add(d.Milliseconds > 0 ? $"{d.Seconds}.{d.Milliseconds:000}".TrimEnd('0') + "s" : $"{d.Seconds}s");
        }

        return string.Concat(parts);
    }

    [GeneratedRegex(@"(\d+(?:\.\d*)?|\.\d+)(ns|us|µs|ms|s|m|h)")]
    private static partial Regex Part();
}
