using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace BackupOperator.Entities;

/// <summary>
/// Whether two statuses say the same, so a controller writes a status only when it changed. Equal
/// means the same JSON: every field counts, inside conditions and lists too, and so does a field
/// added later, without a line here.
/// </summary>
public static class StatusEquality
{
    public static bool Same(ClusterBackupScheduleStatus? a, ClusterBackupScheduleStatus? b) =>
        Same(a, b, StatusJsonContext.Default.ClusterBackupScheduleStatus);

    public static bool Same(ClusterOcpConnectionStatus? a, ClusterOcpConnectionStatus? b) =>
        Same(a, b, StatusJsonContext.Default.ClusterOcpConnectionStatus);

    private static bool Same<TStatus>(TStatus? a, TStatus? b, JsonTypeInfo<TStatus> json)
        where TStatus : class
    {
        if (a is null || b is null)
        {
            return a is null && b is null;
        }

        return JsonSerializer.SerializeToUtf8Bytes(a, json).AsSpan().SequenceEqual(JsonSerializer.SerializeToUtf8Bytes(b, json));
    }
}
