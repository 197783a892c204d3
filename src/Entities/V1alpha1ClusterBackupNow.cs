using System.Text.Json.Serialization;
using k8s;
using k8s.Models;

namespace BackupOperator.Entities;

/// <summary>One on-demand backup of an OceanBase cluster through OCP's backupNow operation.</summary>
/// <remarks>
/// Not sealed for one reason: the operator's cache reads a finished backup back as a partial view of
/// its own type (the operator's SettledBackupView), which is how a write on a partial object is refused.
/// </remarks>
[KubernetesEntity(Group = ApiGroup, ApiVersion = Version, Kind = EntityKind, PluralName = Plural)]
public class V1alpha1ClusterBackupNow
    : IKubernetesObject<V1ObjectMeta>, ISpec<ClusterBackupNowSpec>, IStatus<ClusterBackupNowStatus?>
{
    public const string ApiGroup = "ocp.oceanbase.com";
    public const string Version = "v1alpha1";
    public const string EntityKind = "ClusterBackupNow";
    public const string Plural = "clusterbackupnows";
    public const string ShortName = "cbn";

    [JsonPropertyName("apiVersion")]
    public string ApiVersion { get; set; } = $"{ApiGroup}/{Version}";

    [JsonPropertyName("kind")]
    public string Kind { get; set; } = EntityKind;

    [JsonPropertyName("metadata")]
    public V1ObjectMeta Metadata { get; set; } = new();

    [JsonPropertyName("spec")]
    public ClusterBackupNowSpec Spec { get; set; } = new();

    [JsonPropertyName("status")]
    public ClusterBackupNowStatus? Status { get; set; }

    /// <summary>
    /// The spec this backup acts on: the submitted one once an intent exists (later edits are
    /// ignored), else the current one.
    /// </summary>
    [JsonIgnore]
    public ClusterBackupNowSpec EffectiveSpec => Status?.SubmittedSpec ?? Spec;

    /// <summary>The OCP cluster this backup is about: the submitted one once an intent exists.</summary>
    [JsonIgnore]
    public long TargetClusterId => EffectiveSpec.ClusterId;

    /// <summary>The OCP this backup is about, once recorded with its intent (<see cref="ClusterBackupNowStatus.OcpEndpoint"/>); null before.</summary>
    [JsonIgnore]
    public string? RecordedOcpEndpoint => Status?.OcpEndpoint;
}
