using System.Text.Json.Serialization;
using k8s.Models;

namespace BackupOperator.Entities;

public sealed class ClusterOcpConnectionSpec
{
    /// <summary>OCP's base URL, e.g. https://ocp.example.com:8080.</summary>
    [JsonPropertyName("url")]
    public string? Url { get; set; }

    /// <summary>
    /// The Secret with OCP's credentials: username + password (Basic) or accessKeyId +
    /// accessKeySecret (AK/SK), optional caBundle. Read only in the namespace named here.
    /// </summary>
    [JsonPropertyName("credentialsSecretRef")]
    public SecretReference? CredentialsSecretRef { get; set; }

    /// <summary>Namespaces whose ClusterBackupNow resources may use this connection, by name.</summary>
    [JsonPropertyName("namespaces")]
    public IList<string>? Namespaces { get; set; }

    /// <summary>Namespaces whose ClusterBackupNow resources may use this connection, by label. Neither this nor namespaces: nobody.</summary>
    [JsonPropertyName("namespaceSelector")]
    public V1LabelSelector? NamespaceSelector { get; set; }

    /// <summary>The OCP clusters that may be backed up with this connection; empty or absent: every cluster its OCP user can reach.</summary>
    [JsonPropertyName("allowedClusterIds")]
    public IList<long>? AllowedClusterIds { get; set; }
}

/// <summary>A Secret in a named namespace.</summary>
public sealed class SecretReference
{
    [JsonPropertyName("namespace")]
    public string? Namespace { get; set; }

    [JsonPropertyName("name")]
    public string? Name { get; set; }
}

/// <summary>A ClusterOcpConnection, by name.</summary>
public sealed class OcpConnectionReference
{
    [JsonPropertyName("name")]
    public string? Name { get; set; }
}
