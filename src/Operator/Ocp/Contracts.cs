using System.Text.Json;
using System.Text.Json.Serialization;

namespace BackupOperator.Operator.Ocp;

// Shapes of OCP's JSON, read leniently: unknown fields are ignored, loosely typed fields
// (errorCode, task status) are kept as text whatever JSON type they arrive in.

public sealed record OcpEnvelope<T>
{
    public T? Data { get; init; }
    public bool? Successful { get; init; }
    public string? Timestamp { get; init; }
    public long? Duration { get; init; }
    public int? Status { get; init; }
    public string? TraceId { get; init; }
    public string? Server { get; init; }
    public OcpError? Error { get; init; }
}

public sealed record OcpError
{
    [JsonConverter(typeof(LenientTextConverter))]
    public string? Code { get; init; }
    public string? Message { get; init; }
    public string? DebugMessage { get; init; }
    public IReadOnlyList<JsonElement>? SubErrors { get; init; }
}

public sealed record BackupNowRequest
{
    public BackupObjectDto? ObBackupObject { get; init; }
    public required string BackupMode { get; init; }
    public required string DataBackupMode { get; init; }
    public required StorageConfigDto ObBackupServiceStorageConfig { get; init; }
}

public sealed record BackupObjectDto(long? ClusterId, string? BackupDimension, long? TenantId = null);

public sealed record StorageConfigDto
{
    public int? AlarmStoragePercentageThreshold { get; init; }
    public string? ConfigName { get; init; }
    public required StorageBaseInfoDto ObBackupStorageBaseInfo { get; init; }
    public string? ServiceName { get; init; }
    public long? StorageId { get; init; }
}

public sealed record StorageBaseInfoDto
{
    public required string BackupStorageType { get; init; }
    public string? StorageUrl { get; init; }
    public AccessKeyDto? OssAccessKey { get; init; }
    public AccessKeyDto? CosAccessKey { get; init; }
    public AccessKeyDto? S3AccessKey { get; init; }
}

/// <summary>An object-store key. Only ever built from a Secret, and only ever sent in the body.</summary>
public sealed record AccessKeyDto(string AccessKeyId, string AccessKeySecret, string? Endpoint, string? Region)
{
    // A record prints its members: keep the secret out of any accidental ToString.
    public override string ToString() => $"AccessKey({AccessKeyId}, ***)";
}

public sealed record BackupCommonResponse
{
    public string? ObBackupTaskType { get; init; }
    public IReadOnlyList<BackupObjectOpsResult>? BackupObjectOpsResultList { get; init; }
}

public sealed record BackupObjectOpsResult
{
    public IReadOnlyList<BackupObjectDto>? ObBackupObjectList { get; init; }
    public bool? BeSuccessful { get; init; }
    public IReadOnlyList<long>? TaskIdList { get; init; }

    [JsonConverter(typeof(LenientTextConverter))]
    public string? ErrorCode { get; init; }

    public string? Hint { get; init; }
}

public sealed record TaskInstance
{
    public long Id { get; init; }
    public string? Name { get; init; }
    public long? TaskDefinitionId { get; init; }
    public NamedRef? Cluster { get; init; }

    /// <summary>The OCP user who started the task (a person, an API client, or OCP's own "system").</summary>
    public NamedRef? Creator { get; init; }

    [JsonConverter(typeof(LenientTextConverter))]
    public string? Status { get; init; }

    [JsonConverter(typeof(LenientTextConverter))]
    public string? Type { get; init; }

    public string? Operation { get; init; }
    public IReadOnlyList<SubtaskInstance>? Subtasks { get; init; }
    // Times come as ISO text, with or without an offset, or as epoch numbers: kept as text, read by OcpTime.
    [JsonConverter(typeof(LenientTextConverter))]
    public string? CreateTime { get; init; }

    [JsonConverter(typeof(LenientTextConverter))]
    public string? StartTime { get; init; }

    [JsonConverter(typeof(LenientTextConverter))]
    public string? FinishTime { get; init; }
}

public sealed record SubtaskInstance
{
    public long? Id { get; init; }
    public string? Name { get; init; }

    [JsonConverter(typeof(LenientTextConverter))]
    public string? Status { get; init; }
}

public sealed record NamedRef(long? Id, string? Name);

public sealed record OcpPage<T>
{
    public IReadOnlyList<T>? Contents { get; init; }
    public PageInfo? Page { get; init; }
}

public sealed record PageInfo(long? TotalElements, int? TotalPages, int? Number, int? Size);

/// <summary>Filters of OCP's task list; null means not sent.</summary>
public sealed record TaskQuery(long? ClusterId = null, string? Name = null, string? Status = null, string? Type = null,
    int Page = 1, int Size = 50, string Sort = "id,desc");
