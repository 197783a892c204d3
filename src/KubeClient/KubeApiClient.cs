using System.Net;
using System.Net.Http.Headers;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;
using k8s.Models;

namespace BackupOperator.KubeClient;

/// <summary>
/// The operator's few calls to the Kubernetes API over one <see cref="HttpClient"/>, with JSON by
/// source generation: <paramref name="contexts"/> (the resources') and <see cref="KubeApiJsonContext"/>
/// (built-in objects) resolve every type sent or read, each with its own options (names, nulls, time
/// format), so nothing here needs reflection and NativeAOT runs it as is. Paths are relative to the
/// server URL (e.g. "apis/group/version/..."), which may carry a path prefix. With
/// <paramref name="skipManagedFields"/>, objects are read without metadata.managedFields (skipped as
/// they are read, never built), for a reader that has no use for them.
/// </summary>
public sealed class KubeApiClient(HttpClient http, IReadOnlyList<JsonSerializerContext> contexts, TimeSpan? requestTimeout = null,
    bool skipManagedFields = false)
{
    private const string JsonMediaType = "application/json";
    private readonly TimeSpan _requestTimeout = requestTimeout ?? TimeSpan.FromSeconds(100);

    // The built-in objects' context first; each context's own options, or a copy whose object metadata has no managedFields.
    private readonly JsonSerializerOptions[] _resolvers = [.. new[] { KubeApiJsonContext.Default }.Concat(contexts)
        .Select(context => skipManagedFields ? WithoutManagedFields(context) : context.Options)];

    /// <summary>The generated metadata of <typeparamref name="T"/>, bound to the options of the context that declares it.</summary>
    public JsonTypeInfo<T> TypeInfo<T>()
    {
        foreach (var options in _resolvers)
        {
            if (options.TryGetTypeInfo(typeof(T), out var typeInfo) && typeInfo is JsonTypeInfo<T> typed)
            {
                return typed;
            }
        }

        throw new NotSupportedException($"no JSON metadata for {typeof(T).FullName}: add it to a JsonSerializerContext given to {nameof(KubeApiClient)}");
    }

    /// <summary>
    /// The context's options, but metadata.managedFields is an unknown property, skipped as it is read:
    /// an object's write history (a tree per writer, often larger than the object) is never built.
    /// </summary>
    private static JsonSerializerOptions WithoutManagedFields(JsonSerializerContext context)
    {
        var options = new JsonSerializerOptions(context.Options)
        {
            TypeInfoResolver = ((IJsonTypeInfoResolver)context).WithAddedModifier(typeInfo =>
            {
                if (typeInfo.Type == typeof(V1ObjectMeta) && typeInfo.Properties.FirstOrDefault(p => p.Name == "managedFields") is { } managedFields)
                {
                    typeInfo.Properties.Remove(managedFields);
                }
            }),
        };
        options.MakeReadOnly();
        return options;
    }

    public T Deserialize<T>(JsonElement element) =>
        element.Deserialize(TypeInfo<T>()) ?? throw new JsonException($"null where a {typeof(T).Name} was expected");

    public byte[] SerializeToUtf8Bytes<T>(T value) => JsonSerializer.SerializeToUtf8Bytes(value, TypeInfo<T>());

    public HttpContent JsonContent<T>(T value) => Content(SerializeToUtf8Bytes(value), JsonMediaType);

    public static HttpContent JsonContent(string body) => Content(Encoding.UTF8.GetBytes(body), JsonMediaType);

    public static HttpContent MergePatch(string body) => MergePatch(Encoding.UTF8.GetBytes(body));

    public static HttpContent MergePatch(byte[] body) => Content(body, "application/merge-patch+json");

    public Task<T> GetAsync<T>(string path, CancellationToken cancellationToken) =>
        SendAsync<T>(HttpMethod.Get, path, null, cancellationToken);

    public async Task<T> SendAsync<T>(HttpMethod method, string path, HttpContent? content, CancellationToken cancellationToken)
    {
        var body = await SendForBodyAsync(method, path, content, cancellationToken);
        return JsonSerializer.Deserialize(body, TypeInfo<T>()) ?? throw new JsonException($"{method} {path}: empty answer");
    }

    /// <summary>
    /// A GET whose answer is read as it arrives, never buffered whole: a page of a long list costs the
    /// objects it holds, not also its bytes twice over in pooled buffers that outlive it.
    /// </summary>
    public Task<T> GetStreamingAsync<T>(string path, CancellationToken cancellationToken) =>
        SendCoreAsync(HttpMethod.Get, path, null, HttpCompletionOption.ResponseHeadersRead, async (content, token) =>
        {
            await using var stream = await content.ReadAsStreamAsync(token);
            return await JsonSerializer.DeserializeAsync(stream, TypeInfo<T>(), token) ?? throw new JsonException($"GET {path}: empty answer");
        }, cancellationToken);

    /// <summary>
    /// A list GET whose items come in chunks of at most <paramref name="chunkSize"/> as they arrive
    /// (see <see cref="ListStreamReader"/>); the list's metadata comes with the last chunk. For an
    /// answer that is not paginated (resourceVersion=0), however long.
    /// </summary>
    public async IAsyncEnumerable<KubeList> ListChunksAsync(string path, int chunkSize, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(_requestTimeout);
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue(JsonMediaType));
        HttpResponseMessage response;
        try
        {
            response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token);
        }
        catch (OperationCanceledException e) when (!cancellationToken.IsCancellationRequested)
        {
            throw Unanswered(HttpMethod.Get, path, e);
        }

        using (response)
        {
            if (!response.IsSuccessStatusCode)
            {
                throw Error(request, response.StatusCode, await response.Content.ReadAsByteArrayAsync(timeout.Token));
            }

            await using var stream = await response.Content.ReadAsStreamAsync(timeout.Token);
            await foreach (var chunk in ListStreamReader.ReadAsync(stream, chunkSize, timeout.Token))
            {
                yield return chunk;
            }
        }
    }

    public async Task SendAsync(HttpMethod method, string path, HttpContent? content, CancellationToken cancellationToken) =>
        await SendForBodyAsync(method, path, content, cancellationToken);

    /// <summary>
    /// A watch: the events of <paramref name="pathAndQuery"/> (which carries watch=true) as they come;
    /// ends when the server closes the stream. An HTTP error (e.g. 410 Gone) is a <see cref="KubeApiException"/>.
    /// </summary>
    public async IAsyncEnumerable<WatchLine> WatchAsync(string pathAndQuery, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, pathAndQuery);
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue(JsonMediaType));
        using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            throw Error(request, response.StatusCode, await response.Content.ReadAsByteArrayAsync(cancellationToken));
        }

        await using var stream = await response.Content.ReadAsStreamAsync(cancellationToken);
        await foreach (var line in WatchStreamReader.ReadAsync(stream, cancellationToken))
        {
            yield return line;
        }
    }

    private Task<byte[]> SendForBodyAsync(HttpMethod method, string path, HttpContent? content, CancellationToken cancellationToken) =>
        SendCoreAsync(method, path, content, HttpCompletionOption.ResponseContentRead, (body, token) => body.ReadAsByteArrayAsync(token), cancellationToken);

    /// <summary>
    /// One call within the request timeout: an error answer is a <see cref="KubeApiException"/> with the server's
    /// Status, a success is read by <paramref name="read"/> (buffered or as it arrives, by <paramref name="completion"/>).
    /// </summary>
    private async Task<TResult> SendCoreAsync<TResult>(HttpMethod method, string path, HttpContent? content, HttpCompletionOption completion,
        Func<HttpContent, CancellationToken, Task<TResult>> read, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(_requestTimeout);
        using var request = new HttpRequestMessage(method, path) { Content = content };
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue(JsonMediaType));
        try
        {
            using var response = await http.SendAsync(request, completion, timeout.Token);
            return response.IsSuccessStatusCode
                ? await read(response.Content, timeout.Token)
                : throw Error(request, response.StatusCode, await response.Content.ReadAsByteArrayAsync(timeout.Token));
        }
        catch (OperationCanceledException e) when (!cancellationToken.IsCancellationRequested)
        {
            throw Unanswered(method, path, e);
        }
    }

    /// <summary>
    /// The request timeout passed: the exec credential plugin did not answer in time (the server was never asked;
    /// HttpClient wraps the handler's cancellation in its own), else the server did not.
    /// </summary>
    private Exception Unanswered(HttpMethod method, string path, OperationCanceledException e)
    {
        for (Exception? inner = e; inner is not null; inner = inner.InnerException)
        {
            if (inner is ExecCredentialPendingException pending)
            {
                return new ExecCredentialException($"{pending.Message} within the request timeout of {_requestTimeout.TotalSeconds:0.#} s", e);
            }
        }

        return new TimeoutException($"{method} {path}: no answer within {_requestTimeout.TotalSeconds:0.#} s", e);
    }

    /// <summary>How much of an error answer that is not a Status is kept, in characters.</summary>
    public const int MaxErrorText = 200;

    private static KubeApiException Error(HttpRequestMessage request, HttpStatusCode code, byte[] body)
    {
        V1Status? status = null;
        try
        {
            status = body.Length == 0 ? null : JsonSerializer.Deserialize(body, KubeApiJsonContext.Default.V1Status);
        }
        catch (JsonException)
        {
            // not a Status (a proxy's page): the code says enough
        }

        var message = status?.Message is { Length: > 0 } m ? m : code.ToString();
        return new KubeApiException(code, status, $"{request.Method} {request.RequestUri}: {(int)code} {message}")
        {
            // A Status says what it has to say in its fields; anything else (a page, other JSON) in its text.
            Text = status is { Kind: "Status" } ? null : Excerpt(body),
        };
    }

    /// <summary>
    /// The first <see cref="MaxErrorText"/> characters of an answer without a Status message, past its blank lines (a templated
    /// page may start with hundreds), with "…" when there is more; null when blank.
    /// </summary>
    private static string? Excerpt(byte[] body)
    {
        ReadOnlySpan<byte> blank = " \t\r\n\f\v"u8;
        var start = body.AsSpan().IndexOfAnyExcept(blank);
        if (start < 0)
        {
            return null;
        }

        // At most 4 bytes a character, ended before a character's continuation bytes (at most 3), never inside one.
        var last = body.AsSpan().LastIndexOfAnyExcept(blank) + 1;
        var end = Math.Min(last, start + (MaxErrorText * 4));
        for (var back = 0; back < 3 && end < last && (body[end] & 0xC0) == 0x80; back++)
        {
            end--;
        }

        var text = Encoding.UTF8.GetString(body, start, end - start).Trim();
        if (text.Length <= MaxErrorText && end == last)
        {
            return text.Length == 0 ? null : text;
        }

        var cut = Math.Min(text.Length, MaxErrorText);
        cut -= cut > 0 && char.IsHighSurrogate(text[cut - 1]) ? 1 : 0; // never half a character
        return string.Concat(text.AsSpan(0, cut), "…");
    }

    private static ByteArrayContent Content(byte[] body, string mediaType)
    {
        var content = new ByteArrayContent(body);
        content.Headers.ContentType = new MediaTypeHeaderValue(mediaType);
        return content;
    }
}
