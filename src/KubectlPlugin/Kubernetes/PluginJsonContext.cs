using System.Text.Json.Serialization;
using BackupOperator.Entities;
using BackupOperator.KubeClient;
using k8s.Models;

namespace BackupOperator.KubectlPlugin.Kubernetes;

/// <summary>The built-in objects the plugin reads and writes, serialized by source generation (no reflection: NativeAOT).</summary>
[JsonSourceGenerationOptions(DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull, Converters = [typeof(MicroTimeConverter)])]
[JsonSerializable(typeof(V1Role))]
[JsonSerializable(typeof(V1RoleBinding))]
[JsonSerializable(typeof(Corev1EventList))]
[JsonSerializable(typeof(ServerVersion))]
public sealed partial class PluginJsonContext : JsonSerializerContext;

/// <summary>The API server's GET /version, what `kubectl version` prints of it.</summary>
public sealed record ServerVersion([property: JsonPropertyName("gitVersion")] string GitVersion);

/// <summary>A manifest given with -f: unknown fields are refused, as kubectl's strict validation does.</summary>
[JsonSourceGenerationOptions(DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull, UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
    Converters = [typeof(KubernetesTimeConverter)])]
[JsonSerializable(typeof(V1alpha1ClusterBackupNow))]
public sealed partial class ManifestJsonContext : JsonSerializerContext;
