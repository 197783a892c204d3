using BackupOperator.Entities;
using BackupOperator.Operator.Ocp;

namespace BackupOperator.Operator.Reconciliation.ClusterBackupNow;

/// <summary>The backupNow body from a validated spec: what the user set, and obBackupObject filled in.</summary>
public static class BackupRequestBuilder
{
    public static BackupNowRequest Build(ClusterBackupNowSpec spec, AccessKeyDto? accessKey)
    {
        var storage = spec.ObBackupServiceStorageConfig!;
        var info = storage.ObBackupStorageBaseInfo!;
        var type = info.BackupStorageType!;
        return new BackupNowRequest
        {
            ObBackupObject = new BackupObjectDto(
                spec.ClusterId, spec.ObBackupObject?.BackupDimension ?? OcpValues.DimensionCluster),
            BackupMode = spec.BackupMode!,
            DataBackupMode = spec.DataBackupMode!,
            ObBackupServiceStorageConfig = new StorageConfigDto
            {
                AlarmStoragePercentageThreshold = storage.AlarmStoragePercentageThreshold,
                ConfigName = storage.ConfigName,
                ServiceName = storage.ServiceName,
                StorageId = storage.StorageId,
                ObBackupStorageBaseInfo = new StorageBaseInfoDto
                {
                    BackupStorageType = type,
                    StorageUrl = info.StorageUrl,
                    OssAccessKey = type == "BACKUP_STORAGE_OSS" ? accessKey : null,
                    CosAccessKey = type == "BACKUP_STORAGE_COS" ? accessKey : null,
                    S3AccessKey = type == "BACKUP_STORAGE_S3" ? accessKey : null,
                },
            },
        };
    }
}
