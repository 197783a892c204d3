using BackupOperator.Entities;
using k8s.Models;

namespace BackupOperator.Tests.KubectlPlugin.Backups;

/// <summary>Plain ClusterBackupNow objects for the plugin's tests.</summary>
internal static class PluginBackups
{
    public static V1alpha1ClusterBackupNow Backup(string name, string? phase, params long[] taskIds) => new()
    {
        Metadata = new V1ObjectMeta { Name = name, NamespaceProperty = "db", ResourceVersion = "1", CreationTimestamp = new DateTime(2026, 5, 1, 1, 0, 0, DateTimeKind.Utc) },
        Spec = new ClusterBackupNowSpec { ClusterId = 8, BackupMode = "PHYSICAL_BACKUP", DataBackupMode = OcpValues.FullBackup },
        Status = phase is null ? null : new ClusterBackupNowStatus
        {
            Phase = phase,
            TaskIds = taskIds.Length == 0 ? null : taskIds,
            TraceId = taskIds.Length == 0 ? null : "ae2397e8eddcee52",
        },
    };
}
