using BackupOperator.Entities;

namespace BackupOperator.Operator.Reconciliation.ClusterBackupNow;

/// <summary>
/// The operator's own check of a spec. The CRD schema refuses most of this at admission; this
/// catches the rest (cross-field rules a 1.20 API server cannot express) and resources that
/// predate the schema.
/// </summary>
public static class SpecValidator
{
    public const int MaxNameLength = 128;
    public const int MaxUrlLength = 1024;

    public static IReadOnlyList<string> Validate(ClusterBackupNowSpec spec)
    {
        var errors = new List<string>();
        if (spec.ClusterId < 1)
        {
            errors.Add($"spec.clusterId must be at least 1 (got {spec.ClusterId})");
        }

        OneOf(errors, "spec.backupMode", spec.BackupMode, OcpValues.BackupModes);
        OneOf(errors, "spec.dataBackupMode", spec.DataBackupMode, OcpValues.DataBackupModes);

        if (spec.ObBackupObject is { } obj)
        {
            if (obj.ClusterId is { } id && id != spec.ClusterId)
            {
                errors.Add($"spec.obBackupObject.clusterId ({id}) differs from spec.clusterId ({spec.ClusterId})");
            }

            if (obj.BackupDimension is not null)
            {
                OneOf(errors, "spec.obBackupObject.backupDimension", obj.BackupDimension, OcpValues.BackupDimensions);
                if (obj.BackupDimension == OcpValues.DimensionTenant)
                {
                    errors.Add("spec.obBackupObject.backupDimension TENANT is documented by OCP as unsupported for backupNow; use CLUSTER");
                }
            }
        }

        ValidateStorage(errors, spec.ObBackupServiceStorageConfig);
        if ((spec.OcpSecretRef is null) == (spec.OcpConnectionRef is null))
        {
            errors.Add(spec.OcpSecretRef is null
                ? "exactly one of spec.ocpSecretRef and spec.ocpConnectionRef must be set: neither is"
                : "exactly one of spec.ocpSecretRef and spec.ocpConnectionRef must be set: both are");
        }

        if (spec.OcpConnectionRef is { } connectionRef)
        {
            ReferenceName(errors, "spec.ocpConnectionRef.name", connectionRef.Name);
        }

        if (spec.OcpSecretRef is { } secretRef)
        {
            ReferenceName(errors, "spec.ocpSecretRef.name", secretRef.Name);
        }

        return errors;
    }

    private static void ValidateStorage(List<string> errors, ObBackupServiceStorageConfig? storage)
    {
        const string path = "spec.obBackupServiceStorageConfig";
        if (storage is null)
        {
            errors.Add($"{path} is required");
            return;
        }

        if (storage.AlarmStoragePercentageThreshold is { } t && t is < 1 or > 100)
        {
            errors.Add($"{path}.alarmStoragePercentageThreshold must be 1..100 (got {t})");
        }

        if (storage.StorageId is { } sid && sid < 1)
        {
            errors.Add($"{path}.storageId must be at least 1 (got {sid})");
        }

        MaxLength(errors, $"{path}.configName", storage.ConfigName, MaxNameLength);
        MaxLength(errors, $"{path}.serviceName", storage.ServiceName, MaxNameLength);

        var info = storage.ObBackupStorageBaseInfo;
        if (info is null)
        {
            errors.Add($"{path}.obBackupStorageBaseInfo is required");
            return;
        }

        OneOf(errors, $"{path}.obBackupStorageBaseInfo.backupStorageType", info.BackupStorageType, OcpValues.StorageTypes);
        if (string.IsNullOrWhiteSpace(info.StorageUrl))
        {
            errors.Add($"{path}.obBackupStorageBaseInfo.storageUrl is required");
        }

        MaxLength(errors, $"{path}.obBackupStorageBaseInfo.storageUrl", info.StorageUrl, MaxUrlLength);
        var objectStore = info.BackupStorageType is not null && info.BackupStorageType != OcpValues.StorageFile
            && OcpValues.StorageTypes.Contains(info.BackupStorageType);
        if (objectStore && string.IsNullOrWhiteSpace(info.AccessKeySecretRef?.Name))
        {
            errors.Add($"{path}.obBackupStorageBaseInfo.accessKeySecretRef.name is required for {info.BackupStorageType}: object storage needs an access key from a Secret");
        }
        else if (info.AccessKeySecretRef is { } accessKey)
        {
            ReferenceName(errors, $"{path}.obBackupStorageBaseInfo.accessKeySecretRef.name", accessKey.Name);
        }
    }

    /// <summary>A Secret's or connection's name: a DNS-1123 subdomain, as at admission, so it is one path segment and never '..'.</summary>
    private static void ReferenceName(List<string> errors, string field, string? name)
    {
        if (string.IsNullOrWhiteSpace(name))
        {
            errors.Add($"{field} must not be empty");
        }
        else if (!DnsNames.IsSubdomain(name))
        {
            errors.Add($"{field} \"{Shown(name)}\" is not a valid object name (a DNS-1123 subdomain: lower-case letters, digits, '-' and '.', at most 253 characters)");
        }
    }

    private static string Shown(string name) => name.Length <= 64 ? name : name[..64] + "…";

    private static void OneOf(List<string> errors, string field, string? value, IReadOnlyList<string> allowed)
    {
        if (string.IsNullOrEmpty(value))
        {
            errors.Add($"{field} is required (one of {string.Join(", ", allowed)})");
        }
        else if (!allowed.Contains(value))
        {
            errors.Add($"{field} \"{value}\" is not one of {string.Join(", ", allowed)}");
        }
    }

    private static void MaxLength(List<string> errors, string field, string? value, int max)
    {
        if (value is not null && value.Length > max)
        {
            errors.Add($"{field} is longer than {max} characters");
        }
    }
}
