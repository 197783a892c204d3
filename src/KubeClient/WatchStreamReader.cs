using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;
using System.Text.Unicode;

namespace BackupOperator.KubeClient;

/// <summary>One watch event as the API server sends it: its type (ADDED, MODIFIED, DELETED, BOOKMARK, ERROR) and its object.</summary>
public readonly record struct WatchLine(string Type, JsonElement Body);

/// <summary>
/// Reads a watch response: one JSON object per line (<c>{"type":..., "object":...}</c>), arriving in
/// chunks that need not end at a line. Ends when the server closes the stream. Lines are split and
/// parsed as the UTF-8 they arrive in: no text is decoded and encoded again, and the parse is the event's only copy.
/// </summary>
public static class WatchStreamReader
{
    public static async IAsyncEnumerable<WatchLine> ReadAsync(Stream stream, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var buffer = new byte[16 * 1024];
        var start = 0; // the first byte not yet handed on
        var end = 0; // the end of what was read
        var searched = 0; // bytes from start known to hold no newline
        while (true)
        {
            var newline = buffer.AsSpan(start + searched, end - start - searched).IndexOf((byte)'\n');
            if (newline >= 0)
            {
                var line = new ReadOnlyMemory<byte>(buffer, start, searched + newline);
                start += searched + newline + 1;
                searched = 0;
                if (!IsBlank(line.Span))
                {
                    yield return Parse(line.Span);
                }

                continue;
            }

            searched = end - start;
            if (start > 0)
            {
                // Keep only the unfinished line, at the front.
                Buffer.BlockCopy(buffer, start, buffer, 0, end - start);
                end -= start;
                start = 0;
            }

            if (end == buffer.Length)
            {
                Array.Resize(ref buffer, buffer.Length * 2);
            }

            var read = await stream.ReadAsync(buffer.AsMemory(end), cancellationToken);
            if (read == 0)
            {
                // The server closed the stream: a last event may come without its newline.
                if (!IsBlank(buffer.AsSpan(0, end)))
                {
                    yield return Parse(buffer.AsSpan(0, end));
                }

                yield break;
            }

            end += read;
        }
    }

    /// <summary>One line; a line that is not a watch event is a <see cref="JsonException"/> (the stream is broken).</summary>
    public static WatchLine Parse(string line) => Parse(Encoding.UTF8.GetBytes(line));

    /// <inheritdoc cref="Parse(string)"/>
    public static WatchLine Parse(ReadOnlySpan<byte> line)
    {
        // As the StreamReader this replaced: a byte order mark is skipped, an invalid UTF-8 byte read as U+FFFD
        // (Utf8JsonReader would keep it, and reading that string later would throw).
        line = line.StartsWith("\uFEFF"u8) ? line[3..] : line;
        if (!Utf8.IsValid(line))
        {
            line = Encoding.UTF8.GetBytes(Encoding.UTF8.GetString(line));
        }

        var reader = new Utf8JsonReader(line);
        // A document of its own (not pooled, never disposed): the event's object lives as long as it is used.
        var root = JsonElement.ParseValue(ref reader);
        if (reader.Read())
        {
            throw new JsonException("more than one JSON value on a watch line");
        }

        if (root.ValueKind != JsonValueKind.Object
            || !root.TryGetProperty("type", out var type) || type.ValueKind != JsonValueKind.String
            || !root.TryGetProperty("object", out var obj))
        {
            var text = Encoding.UTF8.GetString(line);
            throw new JsonException($"not a watch event: {(text.Length > 200 ? text[..200] + "…" : text)}");
        }

        return new WatchLine(type.GetString()!, obj);
    }

    private static bool IsBlank(ReadOnlySpan<byte> line) => line.IndexOfAnyExcept(" \t\r"u8) < 0;
}
