namespace BackupOperator.Bench.LibraryBench;

internal static class Rss
{
    /// <summary>Resident set size of this process in MiB, from /proc/self/status (VmRSS).</summary>
    public static double MiB()
    {
        foreach (var line in File.ReadLines("/proc/self/status"))
        {
            if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
            {
                var kb = long.Parse(line["VmRSS:".Length..].Trim().Split(' ')[0], System.Globalization.CultureInfo.InvariantCulture);
                return kb / 1024.0;
            }
        }

        return double.NaN;
    }
}
