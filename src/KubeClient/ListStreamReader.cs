using System.Runtime.CompilerServices;
using System.Text.Json;
using k8s.Models;

namespace BackupOperator.KubeClient;

/// <summary>
/// Reads a list answer (<c>{"apiVersion":…,"items":[…],"kind":…,"metadata":{…}}</c>) as it arrives and
/// hands its items on in chunks of at most a given size, never holding the whole answer: an
/// unpaginated list (resourceVersion=0, which the API server serves from its watch cache and
/// answers whole, limit or not) of 10,000 objects costs one chunk of objects at a time, not its
/// megabytes twice over. The list's metadata comes with the last chunk (the API server writes it after the items).
/// </summary>
public static class ListStreamReader
{
    private enum Part
    {
        Start,
        Fields,
        Items,
        End,
    }

    /// <summary>The largest object (or field) taken whole; the API server stores none above a few MiB.</summary>
    public const int MaxObjectBytes = 64 * 1024 * 1024;

    public static async IAsyncEnumerable<KubeList> ReadAsync(
        Stream stream, int chunkSize, [EnumeratorCancellation] CancellationToken cancellationToken, int maxObjectBytes = MaxObjectBytes)
    {
        var buffer = new byte[64 * 1024];
        var length = 0;
        var final = false;
        var cursor = new Cursor();
        while (true)
        {
            var consumed = cursor.Step(buffer.AsSpan(0, length), final, chunkSize);
            Buffer.BlockCopy(buffer, consumed, buffer, 0, length - consumed);
            length -= consumed;
            if (cursor.Items.Count >= chunkSize)
            {
                yield return new KubeList { Items = cursor.TakeItems() };
                continue;
            }

            if (cursor.Part == Part.End)
            {
                yield return new KubeList { Items = cursor.TakeItems(), Metadata = cursor.Metadata };
                yield break;
            }

            if (final)
            {
                throw new JsonException("the list answer ended before its last item");
            }

            if (length == buffer.Length)
            {
                // A hostile or broken answer (an endless string) must not take all memory.
                if (buffer.Length >= maxObjectBytes)
                {
                    throw new JsonException($"a list answer with an object larger than {maxObjectBytes} bytes");
                }

                Array.Resize(ref buffer, buffer.Length * 2); // one object larger than the buffer
            }

            var read = await stream.ReadAsync(buffer.AsMemory(length), cancellationToken);
            final = read == 0;
            length += read;
        }
    }

    /// <summary>Where the reading stands between two reads of the stream: a whole field or item is taken, or nothing.</summary>
    private sealed class Cursor
    {
        private JsonReaderState _state;

        public Part Part { get; private set; }

        public List<JsonElement> Items { get; private set; } = [];

        public V1ListMeta? Metadata { get; private set; }

        public List<JsonElement> TakeItems()
        {
            var items = Items;
            Items = [];
            return items;
        }

        /// <summary>Takes what <paramref name="data"/> holds whole, up to <paramref name="chunkSize"/> items; returns the bytes taken.</summary>
        public int Step(ReadOnlySpan<byte> data, bool final, int chunkSize)
        {
            var reader = new Utf8JsonReader(data, final, _state);
            while (Part != Part.End && Items.Count < chunkSize)
            {
                var next = reader;
                if (!next.Read())
                {
                    break;
                }

                if (Part == Part.Start)
                {
                    Part = next.TokenType == JsonTokenType.StartObject ? Part.Fields : throw new JsonException("a list answer is not a JSON object");
                }
                else if (Part == Part.Items)
                {
                    if (next.TokenType == JsonTokenType.EndArray)
                    {
                        Part = Part.Fields;
                    }
                    else
                    {
                        var start = (int)next.TokenStartIndex;
                        if (!next.TrySkip())
                        {
                            break;
                        }

                        Items.Add(JsonSerializer.Deserialize(data[start..(int)next.BytesConsumed], KubeApiJsonContext.Default.JsonElement));
                    }
                }
                else if (next.TokenType == JsonTokenType.EndObject)
                {
                    Part = Part.End;
                }
                else
                {
                    var items = next.ValueTextEquals("items"u8);
                    var metadata = next.ValueTextEquals("metadata"u8);
                    if (!next.Read())
                    {
                        break;
                    }

                    if (items && next.TokenType == JsonTokenType.StartArray)
                    {
                        Part = Part.Items;
                    }
                    else if (items && next.TokenType != JsonTokenType.Null)
                    {
                        throw new JsonException($"a list answer whose items are not an array but {next.TokenType}");
                    }
                    else
                    {
                        var start = (int)next.TokenStartIndex;
                        if (!next.TrySkip())
                        {
                            break;
                        }

                        if (metadata)
                        {
                            Metadata = JsonSerializer.Deserialize(data[start..(int)next.BytesConsumed], KubeApiJsonContext.Default.V1ListMeta);
                        }
                    }
                }

                reader = next;
            }

            _state = reader.CurrentState;
            return (int)reader.BytesConsumed;
        }
    }
}
