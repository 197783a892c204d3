using System.Text.Json.Serialization;
using k8s;
using k8s.Models;

namespace BackupOperator.Entities;

/// <summary>
/// Full and incremental backups of one OceanBase cluster on a cron: each slot becomes one
/// ordinary <see cref="V1alpha1ClusterBackupNow"/>, named after the schedule and the slot.
/// </summary>
[KubernetesEntity(Group = ApiGroup, ApiVersion = Version, Kind = EntityKind, PluralName = Plural)]
public sealed class V1alpha1ClusterBackupSchedule
    : IKubernetesObject<V1ObjectMeta>, ISpec<ClusterBackupScheduleSpec>, IStatus<ClusterBackupScheduleStatus?>
{
    public const string ApiGroup = V1alpha1ClusterBackupNow.ApiGroup;
    public const string Version = V1alpha1ClusterBackupNow.Version;
    public const string EntityKind = "ClusterBackupSchedule";
    public const string Plural = "clusterbackupschedules";
    public const string ShortName = "cbs";

    /// <summary>The label on every child: the name of the schedule that created it, shortened with a hash beyond 63 characters (<see cref="ChildNames.LabelValue"/>).</summary>
    public const string ScheduleLabel = "ocp.oceanbase.com/schedule";

    /// <summary>The annotation on every child: its slot, RFC 3339 in UTC.</summary>
    public const string ScheduledAtAnnotation = "ocp.oceanbase.com/scheduled-at";

    /// <summary>The annotation on the schedule: each distinct value starts exactly one FULL backup.</summary>
    public const string RunNowAnnotation = "ocp.oceanbase.com/run-now";

    [JsonPropertyName("apiVersion")]
    public string ApiVersion { get; set; } = $"{ApiGroup}/{Version}";

    [JsonPropertyName("kind")]
    public string Kind { get; set; } = EntityKind;

    [JsonPropertyName("metadata")]
    public V1ObjectMeta Metadata { get; set; } = new();

    [JsonPropertyName("spec")]
    public ClusterBackupScheduleSpec Spec { get; set; } = new();

    [JsonPropertyName("status")]
    public ClusterBackupScheduleStatus? Status { get; set; }
}
