using BackupOperator.Entities;

namespace BackupOperator.KubectlPlugin.Output;

/// <summary>`kubectl ocp backup list`: one row per backup, the columns of `kubectl get cbn` in short.</summary>
public static class BackupTable
{
    public static Listing<V1alpha1ClusterBackupNow> Listing(DateTimeOffset now) => new(
        ["NAME", "PHASE", "CLUSTER", "MODES", "TASKS", "AGE"],
        b => b.Metadata,
        b =>
        [
            b.Metadata.Name,
            Or(b.Status?.Phase, "<none>"),
            b.TargetClusterId.ToString(System.Globalization.CultureInfo.InvariantCulture),
            Modes(b.EffectiveSpec),
            Tasks(b.Status?.TaskIds),
            Age.Of(b.Metadata.CreationTimestamp, now),
        ]);

    public static string Render(IEnumerable<V1alpha1ClusterBackupNow> backups, bool withNamespace, DateTimeOffset now) =>
        Listing(now).Render(backups, withNamespace);

    /// <summary>PHYSICAL/FULL: OCP's two modes without their common suffix.</summary>
    public static string Modes(ClusterBackupNowSpec spec) =>
        $"{ModeName(spec.BackupMode)}/{ModeName(spec.DataBackupMode)}";

    /// <summary>FULL, INCREMENTAL: one of OCP's modes without its suffix.</summary>
    public static string ModeName(string? mode) =>
        string.IsNullOrEmpty(mode) ? "?" : mode.EndsWith("_BACKUP", StringComparison.Ordinal) ? mode[..^"_BACKUP".Length] : mode;

    public static string Tasks(IEnumerable<long>? taskIds) =>
        taskIds is null || !taskIds.Any() ? "<none>" : string.Join(',', taskIds);

    public static string Or(string? value, string fallback) => string.IsNullOrEmpty(value) ? fallback : value;
}
