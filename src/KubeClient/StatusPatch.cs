using System.Buffers;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace BackupOperator.KubeClient;

/// <summary>
/// The JSON merge patch that replaces a status: it carries metadata.resourceVersion, so the API
/// server refuses it (409) when the object changed since it was read, and it sends the fields the
/// new status no longer has as null (inside nested objects too), which merge patch reads as "remove".
/// </summary>
public static class StatusPatch
{
    /// <summary>
    /// The patch as the UTF-8 bytes sent: each status is serialized once, and the new one is sent as it was
    /// serialized unless the old one has fields it lacks (then it is written again with those as null).
    /// </summary>
    public static byte[] Build<TStatus>(string? resourceVersion, TStatus? old, TStatus next, JsonTypeInfo<TStatus> json)
        where TStatus : class
    {
        // Without a resourceVersion, merge patch would read "resourceVersion": null as "remove it"
        // and the write would go through unconditionally: never write a status without the precondition.
        ArgumentException.ThrowIfNullOrEmpty(resourceVersion);
        var status = Status(old, next, json);
        var buffer = new ArrayBufferWriter<byte>(status.Length + resourceVersion.Length + 64);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteStartObject("metadata");
            writer.WriteString("resourceVersion", resourceVersion);
            writer.WriteEndObject();
            writer.WritePropertyName("status");
            writer.WriteRawValue(status, skipInputValidation: true);
            writer.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>
    /// The new status as a JSON object, with each field only the old one has added as null: at the top level and
    /// inside every object both have (merge patch merges those field by field, so a nested field not sent as null stays).
    /// Arrays are replaced whole by merge patch and need nothing.
    /// </summary>
    internal static byte[] Status<TStatus>(TStatus? old, TStatus next, JsonTypeInfo<TStatus> json)
        where TStatus : class
    {
        var serialized = JsonSerializer.SerializeToUtf8Bytes(next, json);
        if (old is null)
        {
            return serialized;
        }

        using var nextDocument = JsonDocument.Parse(serialized);
        using var oldDocument = JsonDocument.Parse(JsonSerializer.SerializeToUtf8Bytes(old, json));
        var (nextRoot, oldRoot) = (nextDocument.RootElement, oldDocument.RootElement);
        if (nextRoot.ValueKind != JsonValueKind.Object || oldRoot.ValueKind != JsonValueKind.Object)
        {
            throw new JsonException("a status must serialize to a JSON object");
        }

        if (!Removes(oldRoot, nextRoot))
        {
            // Nothing to remove: the new status is sent as it was serialized.
            return serialized;
        }

        var patch = new ArrayBufferWriter<byte>(serialized.Length + 256);
        using (var writer = new Utf8JsonWriter(patch, new JsonWriterOptions { Encoder = json.Options.Encoder }))
        {
            WriteWithRemovals(writer, nextRoot, oldRoot);
        }

        return patch.WrittenSpan.ToArray();
    }

    /// <summary>Whether <paramref name="old"/> has a field, at any depth of objects both have, that <paramref name="next"/> lacks.</summary>
    private static bool Removes(JsonElement old, JsonElement next)
    {
        foreach (var field in old.EnumerateObject())
        {
            if (!next.TryGetProperty(field.Name, out var kept)
                || (field.Value.ValueKind == JsonValueKind.Object && kept.ValueKind == JsonValueKind.Object && Removes(field.Value, kept)))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>The object <paramref name="next"/>, with what only <paramref name="old"/> has as null, in nested objects both have too.</summary>
    private static void WriteWithRemovals(Utf8JsonWriter writer, JsonElement next, JsonElement old)
    {
        writer.WriteStartObject();
        foreach (var field in next.EnumerateObject())
        {
            if (field.Value.ValueKind == JsonValueKind.Object && old.TryGetProperty(field.Name, out var was) && was.ValueKind == JsonValueKind.Object)
            {
                writer.WritePropertyName(field.Name);
                WriteWithRemovals(writer, field.Value, was);
            }
            else
            {
                field.WriteTo(writer);
            }
        }

        foreach (var field in old.EnumerateObject())
        {
            if (!next.TryGetProperty(field.Name, out _))
            {
                writer.WriteNull(field.Name);
            }
        }

        writer.WriteEndObject();
    }
}
