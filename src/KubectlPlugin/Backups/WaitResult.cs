using BackupOperator.Entities;

namespace BackupOperator.KubectlPlugin.Backups;

/// <summary>The end of a wait and the backup as last seen (null if never seen).</summary>
public sealed record WaitResult(WaitEnd End, V1alpha1ClusterBackupNow? Last);
