using System.Globalization;
using BackupOperator.Entities;

namespace BackupOperator.Operator.Reconciliation.ClusterBackupNow;

/// <summary>
/// One OceanBase cluster: cluster ids are numbered per OCP, so a production OCP and a staging OCP
/// both have a "cluster 5", and only (OCP endpoint, clusterId) names one. Serialisation, the busy
/// check, the task ids other backups claimed and the journal all key on this. An empty endpoint
/// stands for "not known yet" (no intent recorded, or an intent of an operator that did not record it).
/// </summary>
public readonly record struct OcpCluster(string Endpoint, long ClusterId)
{
    /// <summary>The cluster a backup's intent recorded: its recorded OCP (empty before the intent) and its target cluster id.</summary>
    public static OcpCluster RecordedBy(V1alpha1ClusterBackupNow backup) =>
        new(backup.RecordedOcpEndpoint ?? string.Empty, backup.TargetClusterId);

    /// <summary>The cache index value: endpoint and cluster id, never equal for two different clusters.</summary>
    public string IndexKey => string.Create(CultureInfo.InvariantCulture, $"{ClusterId} {Endpoint}");

    public override string ToString() => Endpoint.Length == 0
        ? string.Create(CultureInfo.InvariantCulture, $"cluster {ClusterId}")
        : string.Create(CultureInfo.InvariantCulture, $"cluster {ClusterId} of {Endpoint}");
}
