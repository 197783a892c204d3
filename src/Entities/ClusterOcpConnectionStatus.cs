using System.Text.Json.Serialization;
using k8s.Models;

namespace BackupOperator.Entities;

/// <summary>Whether the connection works, at a glance: the Ready condition says why not.</summary>
public sealed class ClusterOcpConnectionStatus
{
    [JsonPropertyName("observedGeneration")]
    public long? ObservedGeneration { get; set; }

    [JsonPropertyName("conditions")]
    public IList<V1Condition>? Conditions { get; set; }
}
