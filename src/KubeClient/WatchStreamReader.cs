using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;

namespace BackupOperator.KubeClient;

/// <summary>One watch event as the API server sends it: its type (ADDED, MODIFIED, DELETED, BOOKMARK, ERROR) and its object.</summary>
public readonly record struct WatchLine(string Type, JsonElement Body);

/// <summary>
/// Reads a watch response: one JSON object per line (<c>{"type":..., "object":...}</c>), arriving in
/// chunks that need not end at a line. Ends when the server closes the stream.
/// </summary>
public static class WatchStreamReader
{
    public static async IAsyncEnumerable<WatchLine> ReadAsync(Stream stream, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        using var reader = new StreamReader(stream, Encoding.UTF8, detectEncodingFromByteOrderMarks: false, bufferSize: 16 * 1024);
        while (await reader.ReadLineAsync(cancellationToken) is { } line)
        {
            if (string.IsNullOrWhiteSpace(line))
            {
                continue;
            }

            yield return Parse(line);
        }
    }

    /// <summary>One line; a line that is not a watch event is a <see cref="JsonException"/> (the stream is broken).</summary>
    public static WatchLine Parse(string line)
    {
        using var document = JsonDocument.Parse(line);
        var root = document.RootElement;
        if (root.ValueKind != JsonValueKind.Object
            || !root.TryGetProperty("type", out var type) || type.ValueKind != JsonValueKind.String
            || !root.TryGetProperty("object", out var obj))
        {
            throw new JsonException($"not a watch event: {(line.Length > 200 ? line[..200] + "…" : line)}");
        }

        return new WatchLine(type.GetString()!, obj.Clone());
    }
}
