namespace BackupOperator.Entities;

/// <summary>
/// The opt-in a Secret in a backup's namespace needs before a ClusterBackupNow may use it
/// (ocpSecretRef, accessKeySecretRef). Whoever can only create ClusterBackupNow resources cannot
/// set it; the Secret's owner can. Without it, the operator neither reads nor sends the Secret.
/// </summary>
public static class SecretUse
{
    public const string Label = "ocp.oceanbase.com/usable-by-backups";

    public const string Value = "true";
}
