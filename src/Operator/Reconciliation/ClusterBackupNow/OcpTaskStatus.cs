namespace BackupOperator.Operator.Reconciliation.ClusterBackupNow;

/// <summary>OCP's task status words.</summary>
public static class OcpTaskStatus
{
    public const string Running = "RUNNING";
    public const string Failed = "FAILED";
    public const string Successful = "SUCCESSFUL";

    private static readonly string[] Known = [Running, Failed, Successful, "PENDING", "READY", "CANCELED", "CANCELLED"];

    /// <summary>
    /// A known word in OCP's own form (RUNNING, not Running or running), so that the status records one
    /// state one way: an OCP that spells it differently from one read to the next must not rewrite the
    /// status, and with it wake the backup, on every poll. An unknown word is kept as OCP wrote it.
    /// </summary>
    public static string? Normalize(string? status)
    {
        var word = status?.Trim();
        return Array.Find(Known, k => string.Equals(k, word, StringComparison.OrdinalIgnoreCase)) ?? status;
    }

    /// <summary>Whether OCP's word is <paramref name="expected"/>, read as <see cref="Normalize"/> records it (case and surrounding spaces aside).</summary>
    public static bool Is(string? status, string expected) => string.Equals(Normalize(status), expected, StringComparison.Ordinal);
}
