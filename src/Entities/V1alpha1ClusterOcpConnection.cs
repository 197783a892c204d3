using System.Text.Json.Serialization;
using k8s;
using k8s.Models;

namespace BackupOperator.Entities;

/// <summary>
/// An OCP connection owned by cluster administrators (cert-manager's ClusterIssuer, External
/// Secrets' ClusterSecretStore): where OCP is, whose credentials to use, and who may back up
/// which of its clusters with it.
/// </summary>
[KubernetesEntity(Group = ApiGroup, ApiVersion = Version, Kind = EntityKind, PluralName = Plural)]
public sealed class V1alpha1ClusterOcpConnection
    : IKubernetesObject<V1ObjectMeta>, ISpec<ClusterOcpConnectionSpec>, IStatus<ClusterOcpConnectionStatus?>
{
    public const string ApiGroup = V1alpha1ClusterBackupNow.ApiGroup;
    public const string Version = V1alpha1ClusterBackupNow.Version;
    public const string EntityKind = "ClusterOcpConnection";
    public const string Plural = "clusterocpconnections";
    public const string ShortName = "cocp";

    [JsonPropertyName("apiVersion")]
    public string ApiVersion { get; set; } = $"{ApiGroup}/{Version}";

    [JsonPropertyName("kind")]
    public string Kind { get; set; } = EntityKind;

    [JsonPropertyName("metadata")]
    public V1ObjectMeta Metadata { get; set; } = new();

    [JsonPropertyName("spec")]
    public ClusterOcpConnectionSpec Spec { get; set; } = new();

    [JsonPropertyName("status")]
    public ClusterOcpConnectionStatus? Status { get; set; }
}
