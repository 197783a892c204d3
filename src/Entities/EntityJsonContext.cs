using System.Text.Json.Serialization;

namespace BackupOperator.Entities;

/// <summary>
/// The resources' JSON as the API server stores it (camelCase names from the attributes, nulls left
/// out, Kubernetes times), generated at compile time: no reflection, so it also serves NativeAOT.
/// </summary>
[JsonSourceGenerationOptions(DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull, Converters = [typeof(KubernetesTimeConverter)])]
[JsonSerializable(typeof(V1alpha1ClusterBackupNow))]
[JsonSerializable(typeof(V1alpha1ClusterBackupSchedule))]
[JsonSerializable(typeof(V1alpha1ClusterOcpConnection))]
[JsonSerializable(typeof(ClusterBackupNowSpec))]
[JsonSerializable(typeof(BackupTemplateSpec))]
[JsonSerializable(typeof(ClusterBackupNowStatus))]
[JsonSerializable(typeof(ClusterBackupScheduleStatus))]
[JsonSerializable(typeof(ClusterOcpConnectionStatus))]
public sealed partial class EntityJsonContext : JsonSerializerContext;
