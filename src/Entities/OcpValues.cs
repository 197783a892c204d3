namespace BackupOperator.Entities;

/// <summary>The enum values OCP accepts, spelled as OCP spells them.</summary>
public static class OcpValues
{
    public static readonly IReadOnlyList<string> BackupModes = ["LOGICAL_BACKUP", "PHYSICAL_BACKUP"];
    public static readonly IReadOnlyList<string> DataBackupModes = ["FULL_BACKUP", "INCREMENTAL_BACKUP"];
    public static readonly IReadOnlyList<string> BackupDimensions = ["CLUSTER", "TENANT"];
    public static readonly IReadOnlyList<string> StorageTypes =
        ["BACKUP_STORAGE_FILE", "BACKUP_STORAGE_OSS", "BACKUP_STORAGE_COS", "BACKUP_STORAGE_S3"];

    public const string FullBackup = "FULL_BACKUP";
    public const string IncrementalBackup = "INCREMENTAL_BACKUP";
    public const string DimensionCluster = "CLUSTER";
    public const string DimensionTenant = "TENANT";
    public const string StorageFile = "BACKUP_STORAGE_FILE";
}
