using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace BackupOperator.Entities;

/// <summary>
/// Kubernetes' metav1.Time on the wire, as KubernetesClient writes it: UTC, whole seconds without a
/// fraction, otherwise exactly six fraction digits; read with any number of fraction digits
/// (the API server writes up to nine), always as a UTC <see cref="DateTime"/>.
/// </summary>
public sealed class KubernetesTimeConverter : JsonConverter<DateTime>
{
    public override DateTime Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        Parse(reader.GetString() ?? throw new JsonException("a time must be a string"));

    public override void Write(Utf8JsonWriter writer, DateTime value, JsonSerializerOptions options) =>
        writer.WriteStringValue(Format(value));

    public static string Format(DateTime value)
    {
        var utc = value.Kind == DateTimeKind.Local ? value.ToUniversalTime() : DateTime.SpecifyKind(value, DateTimeKind.Utc);
        return utc.Ticks % TimeSpan.TicksPerSecond == 0
            ? utc.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture)
            : utc.ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'", CultureInfo.InvariantCulture);
    }

    public static DateTime Parse(string text)
    {
        // .NET reads at most seven fraction digits: cut nanoseconds to 100 ns ticks.
        var dot = text.IndexOf('.', StringComparison.Ordinal);
        if (dot > 0)
        {
            var end = dot + 1;
            while (end < text.Length && char.IsAsciiDigit(text[end]))
            {
                end++;
            }

            if (end - dot - 1 > 7)
            {
                text = string.Concat(text.AsSpan(0, dot + 8), text.AsSpan(end));
            }
        }

        return DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var parsed)
            ? parsed.UtcDateTime
            : throw new JsonException($"'{text}' is not an RFC 3339 time");
    }
}
