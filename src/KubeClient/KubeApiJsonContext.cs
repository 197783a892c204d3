using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using k8s.Models;

namespace BackupOperator.KubeClient;

/// <summary>The built-in API objects the operator reads and writes, serialized by source generation (no reflection, NativeAOT-safe).</summary>
[JsonSourceGenerationOptions(DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull, Converters = [typeof(MicroTimeConverter)])]
[JsonSerializable(typeof(V1Status))]
[JsonSerializable(typeof(V1Secret))]
[JsonSerializable(typeof(V1Namespace))]
[JsonSerializable(typeof(V1Lease))]
[JsonSerializable(typeof(V1DeleteOptions))]
[JsonSerializable(typeof(KubeList))]
public sealed partial class KubeApiJsonContext : JsonSerializerContext;

/// <summary>
/// One page of a list (any kind's XList): its metadata (resourceVersion, continue) and its items,
/// each kept as JSON so that one unreadable object costs only itself (see CustomResourceWatchSource).
/// </summary>
public sealed class KubeList
{
    [JsonPropertyName("metadata")]
    public V1ListMeta? Metadata { get; set; }

    [JsonPropertyName("items")]
    public List<JsonElement>? Items { get; set; }
}

/// <summary>
/// Times written with exactly six fraction digits: a Lease's acquireTime and renewTime are MicroTimes,
/// which the API server parses only so; a metav1.Time accepts them as well. Read leniently.
/// </summary>
public sealed class MicroTimeConverter : JsonConverter<DateTime>
{
    public override DateTime Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        Parse(reader.GetString() ?? throw new JsonException("a time must be a string"));

    public override void Write(Utf8JsonWriter writer, DateTime value, JsonSerializerOptions options)
    {
        var utc = value.Kind == DateTimeKind.Local ? value.ToUniversalTime() : DateTime.SpecifyKind(value, DateTimeKind.Utc);
        writer.WriteStringValue(utc.ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'", CultureInfo.InvariantCulture));
    }

    /// <summary>RFC 3339 with up to nine fraction digits (.NET reads seven), as UTC.</summary>
    internal static DateTime Parse(string text)
    {
        var dot = text.IndexOf('.', StringComparison.Ordinal);
        var end = dot + 1;
        while (dot > 0 && end < text.Length && char.IsAsciiDigit(text[end]))
        {
            end++;
        }

        if (dot > 0 && end - dot - 1 > 7)
        {
            text = string.Concat(text.AsSpan(0, dot + 8), text.AsSpan(end));
        }

        return DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var parsed)
            ? parsed.UtcDateTime
            : throw new JsonException($"'{text}' is not an RFC 3339 time");
    }
}
