using System.Text.Json.Serialization;

namespace BackupOperator.Entities;

/// <summary>
/// The backupNow request, with OCP's own field names so that OCP's documentation maps to YAML
/// one to one. Values are kept as text: the CRD schema enforces the enums at admission, and the
/// operator re-checks them so that a resource written before the schema existed still fails
/// clearly instead of being unreadable.
/// </summary>
public sealed class ClusterBackupNowSpec
{
    [JsonPropertyName("clusterId")]
    public long ClusterId { get; set; }

    [JsonPropertyName("backupMode")]
    public string? BackupMode { get; set; }

    [JsonPropertyName("dataBackupMode")]
    public string? DataBackupMode { get; set; }

    [JsonPropertyName("obBackupObject")]
    public ObBackupObject? ObBackupObject { get; set; }

    [JsonPropertyName("obBackupServiceStorageConfig")]
    public ObBackupServiceStorageConfig? ObBackupServiceStorageConfig { get; set; }

    /// <summary>
    /// Delete this resource that many seconds after it finished (Succeeded or Failed); never when
    /// absent. Deleting the resource never deletes the backup in OCP. Not for resources that a
    /// GitOps tool syncs from Git: it would create them again, and with them a new backup.
    /// </summary>
    [JsonPropertyName("ttlSecondsAfterFinished")]
    public int? TtlSecondsAfterFinished { get; set; }

    /// <summary>
    /// Secret in the resource's namespace with this namespace's own OCP connection (url and
    /// credentials). Used once the namespace grants the operator's ServiceAccount 'get' on this Secret
    /// by name (<see cref="SecretGrant"/>). Exactly one of this and <see cref="OcpConnectionRef"/>.
    /// </summary>
    [JsonPropertyName("ocpSecretRef")]
    public LocalSecretReference? OcpSecretRef { get; set; }

    /// <summary>A ClusterOcpConnection that grants this namespace and this cluster. Exactly one of this and <see cref="OcpSecretRef"/>.</summary>
    [JsonPropertyName("ocpConnectionRef")]
    public OcpConnectionReference? OcpConnectionRef { get; set; }
}

public sealed class ObBackupObject
{
    [JsonPropertyName("clusterId")]
    public long? ClusterId { get; set; }

    [JsonPropertyName("backupDimension")]
    public string? BackupDimension { get; set; }
}

public sealed class ObBackupServiceStorageConfig
{
    [JsonPropertyName("alarmStoragePercentageThreshold")]
    public int? AlarmStoragePercentageThreshold { get; set; }

    [JsonPropertyName("configName")]
    public string? ConfigName { get; set; }

    [JsonPropertyName("obBackupStorageBaseInfo")]
    public ObBackupStorageBaseInfo? ObBackupStorageBaseInfo { get; set; }

    [JsonPropertyName("serviceName")]
    public string? ServiceName { get; set; }

    [JsonPropertyName("storageId")]
    public long? StorageId { get; set; }
}

public sealed class ObBackupStorageBaseInfo
{
    [JsonPropertyName("backupStorageType")]
    public string? BackupStorageType { get; set; }

    [JsonPropertyName("storageUrl")]
    public string? StorageUrl { get; set; }

    /// <summary>Object-store endpoint (OSS, COS, S3-compatible); not a secret.</summary>
    [JsonPropertyName("endpoint")]
    public string? Endpoint { get; set; }

    /// <summary>Object-store region, where the store needs one; not a secret.</summary>
    [JsonPropertyName("region")]
    public string? Region { get; set; }

    /// <summary>Object-store access key, by reference only: never inline.</summary>
    [JsonPropertyName("accessKeySecretRef")]
    public AccessKeySecretReference? AccessKeySecretRef { get; set; }
}

public sealed class LocalSecretReference
{
    [JsonPropertyName("name")]
    public string? Name { get; set; }
}

public sealed class AccessKeySecretReference
{
    public const string DefaultIdKey = "accessKeyId";
    public const string DefaultSecretKey = "accessKeySecret";

    [JsonPropertyName("name")]
    public string? Name { get; set; }

    [JsonPropertyName("accessKeyIdKey")]
    public string? AccessKeyIdKey { get; set; }

    [JsonPropertyName("accessKeySecretKey")]
    public string? AccessKeySecretKey { get; set; }
}
