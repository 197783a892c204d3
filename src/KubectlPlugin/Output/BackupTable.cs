using BackupOperator.Entities;

namespace BackupOperator.KubectlPlugin.Output;

/// <summary>`kubectl ocp backup list`: one row per backup, the columns of `kubectl get cbn` in short.</summary>
public static class BackupTable
{
    public static string Render(IEnumerable<V1alpha1ClusterBackupNow> backups, bool withNamespace, DateTimeOffset now)
    {
        string[] header = withNamespace
            ? ["NAMESPACE", "NAME", "PHASE", "CLUSTER", "MODES", "TASKS", "AGE"]
            : ["NAME", "PHASE", "CLUSTER", "MODES", "TASKS", "AGE"];
        var rows = backups
            .OrderBy(b => b.Metadata.NamespaceProperty, StringComparer.Ordinal)
            .ThenBy(b => b.Metadata.Name, StringComparer.Ordinal)
            .Select(b =>
            {
                string[] cells =
                [
                    b.Metadata.Name,
                    Or(b.Status?.Phase, "<none>"),
                    b.TargetClusterId.ToString(System.Globalization.CultureInfo.InvariantCulture),
                    Modes(b.EffectiveSpec),
                    Tasks(b.Status?.TaskIds),
                    Age.Of(b.Metadata.CreationTimestamp, now),
                ];
                return (IReadOnlyList<string>)(withNamespace ? [b.Metadata.NamespaceProperty ?? "", .. cells] : cells);
            });
        return Table.Render(header, rows);
    }

    /// <summary>PHYSICAL/FULL: OCP's two modes without their common suffix.</summary>
    public static string Modes(ClusterBackupNowSpec spec) =>
        $"{Short(spec.BackupMode)}/{Short(spec.DataBackupMode)}";

    public static string Tasks(IEnumerable<long>? taskIds) =>
        taskIds is null || !taskIds.Any() ? "<none>" : string.Join(',', taskIds);

    private static string Short(string? mode) =>
        string.IsNullOrEmpty(mode) ? "?" : mode.EndsWith("_BACKUP", StringComparison.Ordinal) ? mode[..^"_BACKUP".Length] : mode;

    private static string Or(string? value, string fallback) => string.IsNullOrEmpty(value) ? fallback : value;
}
