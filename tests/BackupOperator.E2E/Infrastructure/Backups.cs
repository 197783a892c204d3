using BackupOperator.Entities;
using k8s.Models;

namespace BackupOperator.E2E.Infrastructure;

internal static class Backups
{
    public static V1alpha1ClusterBackupNow Nfs(string name, long clusterId, string secret = "ocp-credentials", string ns = "e2e") => new()
    {
        Metadata = new V1ObjectMeta { Name = name, NamespaceProperty = ns },
        Spec = new ClusterBackupNowSpec
        {
            ClusterId = clusterId,
            BackupMode = "PHYSICAL_BACKUP",
            DataBackupMode = "FULL_BACKUP",
            ObBackupServiceStorageConfig = new ObBackupServiceStorageConfig
            {
                AlarmStoragePercentageThreshold = 95,
                ConfigName = "nfs-main",
                ServiceName = "ob-backup",
                StorageId = 26,
                ObBackupStorageBaseInfo = new ObBackupStorageBaseInfo { BackupStorageType = "BACKUP_STORAGE_FILE", StorageUrl = "/obbackup/" },
            },
            OcpSecretRef = new LocalSecretReference { Name = secret },
        },
    };
}
