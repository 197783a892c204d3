using System.Buffers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace BackupOperator.KubeClient;

/// <summary>
/// The JSON merge patch that replaces a status: it carries metadata.resourceVersion, so the API
/// server refuses it (409) when the object changed since it was read, and it sends the fields the
/// new status no longer has as null, which merge patch reads as "remove".
/// </summary>
public static class StatusPatch
{
    private static ReadOnlySpan<byte> NullMember => "\":null"u8;

    public static string Build<TStatus>(string? resourceVersion, TStatus? old, TStatus next, JsonTypeInfo<TStatus> json)
        where TStatus : class =>
        Encoding.UTF8.GetString(BuildUtf8(resourceVersion, old, next, json));

    /// <summary>
    /// The patch as the UTF-8 bytes sent: each status is serialized once, the new one is sent as it was
    /// serialized, and the old one is only scanned for the names of its top-level fields.
    /// </summary>
    public static byte[] BuildUtf8<TStatus>(string? resourceVersion, TStatus? old, TStatus next, JsonTypeInfo<TStatus> json)
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

    /// <summary>The new status as a JSON object, with each top-level field only the old one has added as null.</summary>
    internal static byte[] Status<TStatus>(TStatus? old, TStatus next, JsonTypeInfo<TStatus> json)
        where TStatus : class
    {
        var serialized = JsonSerializer.SerializeToUtf8Bytes(next, json);
        if (old is null)
        {
            return serialized;
        }

        var kept = TopLevelNames(serialized);
        var removed = TopLevelNames(JsonSerializer.SerializeToUtf8Bytes(old, json)).Where(name => !kept.Contains(name)).ToList();
        if (removed.Count == 0)
        {
            return serialized;
        }

        // Both were written by the same serializer, so one name is the same bytes in both, escapes included,
        // and the raw (still escaped) name can be put between quotes as it is.
        var patch = new ArrayBufferWriter<byte>(serialized.Length + removed.Sum(name => name.Length + 8));
        patch.Write(serialized.AsSpan(0, serialized.Length - 1)); // without its closing brace
        var first = kept.Count == 0;
        foreach (var name in removed)
        {
            patch.Write(first ? "\""u8 : ",\""u8);
            patch.Write(name);
            patch.Write(NullMember);
            first = false;
        }

        patch.Write("}"u8);
        return patch.WrittenSpan.ToArray();
    }

    /// <summary>The raw names of a serialized object's own fields (not those of nested objects).</summary>
    private static HashSet<byte[]> TopLevelNames(byte[] serialized)
    {
        var names = new HashSet<byte[]>(ByteArrayComparer.Instance);
        var reader = new Utf8JsonReader(serialized);
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
        {
            throw new JsonException("a status must serialize to a JSON object");
        }

        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            names.Add(reader.ValueSpan.ToArray());
            reader.Read();
            reader.Skip();
        }

        return names;
    }

    private sealed class ByteArrayComparer : IEqualityComparer<byte[]>
    {
        public static readonly ByteArrayComparer Instance = new();

        public bool Equals(byte[]? x, byte[]? y) => x.AsSpan().SequenceEqual(y);

        public int GetHashCode(byte[] obj)
        {
            var hash = new HashCode();
            hash.AddBytes(obj);
            return hash.ToHashCode();
        }
    }
}
