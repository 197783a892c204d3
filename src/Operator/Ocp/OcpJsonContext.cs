using System.Text.Json.Serialization;

namespace BackupOperator.Operator.Ocp;

[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    NumberHandling = JsonNumberHandling.AllowReadingFromString,
    PropertyNameCaseInsensitive = true,
    AllowTrailingCommas = true,
    ReadCommentHandling = System.Text.Json.JsonCommentHandling.Skip)]
[JsonSerializable(typeof(BackupNowRequest))]
[JsonSerializable(typeof(OcpEnvelope<BackupCommonResponse>))]
[JsonSerializable(typeof(OcpEnvelope<TaskInstance>))]
[JsonSerializable(typeof(OcpEnvelope<OcpPage<TaskInstance>>))]
internal sealed partial class OcpJsonContext : JsonSerializerContext;
