using System.Globalization;
using System.Text.Json.Nodes;
using BackupOperator.Entities;

namespace BackupOperator.KubectlPlugin.Output;

/// <summary>`kubectl ocp backup list`: one row per backup, the columns of `kubectl get cbn` in short (-o wide: more).</summary>
public static class BackupTable
{
    /// <summary>As `-o name` and kubectl's messages name a backup: clusterbackupnow.ocp.oceanbase.com/NAME.</summary>
    public static readonly string Resource = $"{V1alpha1ClusterBackupNow.EntityKind.ToLowerInvariant()}.{V1alpha1ClusterBackupNow.ApiGroup}";

    public static ListView<V1alpha1ClusterBackupNow> View(DateTimeOffset now) => new(
        Resource,
        $"{V1alpha1ClusterBackupNow.ApiGroup}/{V1alpha1ClusterBackupNow.Version}",
        V1alpha1ClusterBackupNow.EntityKind,
        [
            new("PHASE", b => Or(b.Status?.Phase, "<none>")),
            new("CLUSTER", b => b.TargetClusterId.ToString(CultureInfo.InvariantCulture)),
            new("MODES", b => Modes(b.EffectiveSpec)),
            new("TASKS", b => Tasks(b.Status?.TaskIds)),
            new("AGE", b => Age.Of(b.Metadata.CreationTimestamp, now)),
        ],
        [
            new("TRACEID", b => Or(b.Status?.TraceId, "<none>")),
            new("SUBMITTED", b => Time(b.Status?.SubmittedAt)),
            new("COMPLETED", b => Time(b.Status?.CompletedAt)),
        ]);

    public static string Render(IEnumerable<V1alpha1ClusterBackupNow> backups, bool withNamespace, DateTimeOffset now) =>
        ListOutput.Render(View(now), backups.Select(b => new Listed<V1alpha1ClusterBackupNow>(b, [])).ToList(), new ListFormat(WithNamespace: withNamespace));

    /// <summary>PHYSICAL/FULL: OCP's two modes without their common suffix.</summary>
    public static string Modes(ClusterBackupNowSpec spec) =>
        $"{ModeName(spec.BackupMode)}/{ModeName(spec.DataBackupMode)}";

    /// <summary>FULL, INCREMENTAL: one of OCP's modes without its suffix.</summary>
    public static string ModeName(string? mode) =>
        string.IsNullOrEmpty(mode) ? "?" : mode.EndsWith("_BACKUP", StringComparison.Ordinal) ? mode[..^"_BACKUP".Length] : mode;

    public static string Tasks(IEnumerable<long>? taskIds) =>
        taskIds is null || !taskIds.Any() ? "<none>" : string.Join(',', taskIds);

    private static string Time(DateTime? t) =>
        t is { } v ? DateTime.SpecifyKind(v, DateTimeKind.Utc).ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture) : "<none>";

    private static string Short(string? mode) =>
        string.IsNullOrEmpty(mode) ? "?" : mode.EndsWith("_BACKUP", StringComparison.Ordinal) ? mode[..^"_BACKUP".Length] : mode;

    public static string Or(string? value, string fallback) => string.IsNullOrEmpty(value) ? fallback : value;
}
