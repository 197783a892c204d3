using System.Text.Json.Serialization;

namespace BackupOperator.Entities;

/// <summary>
/// The statuses as <see cref="StatusEquality"/> compares them, with System.Text.Json's defaults;
/// source-generated, so the comparison needs no reflection (trimming, NativeAOT).
/// </summary>
[JsonSerializable(typeof(ClusterBackupScheduleStatus))]
[JsonSerializable(typeof(ClusterOcpConnectionStatus))]
internal sealed partial class StatusJsonContext : JsonSerializerContext;
