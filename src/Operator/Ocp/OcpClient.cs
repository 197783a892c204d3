using System.Globalization;
using System.Net.Http.Headers;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Polly;

namespace BackupOperator.Operator.Ocp;

/// <summary>
/// OCP over HTTP. Reads are retried through <paramref name="readPipeline"/>; backupNow never is.
/// Text that comes from OCP (messages, hints, error codes, task names) leaves this class only after
/// <paramref name="masker"/> masked the connection's secrets in it, and for backupNow the object-store
/// key sent with it. An answer that is not OCP's (a redirect, HTML, another service's JSON) leaves it
/// only as its status, content type or redirect host: the URL may be a tenant's, pointing at a
/// service the tenant may not read.
/// </summary>
public sealed class OcpClient(HttpClient http, string baseUrl, ResiliencePipeline readPipeline, IOcpMetrics? metrics = null, SecretMasker? masker = null,
    OcpEndpointLimiter? limiter = null) : IOcpApi
{
    /// <summary>Carries the intent's id; outside the AK/SK signature, which covers only x-ocp-* headers.</summary>
    public const string RequestIdHeader = "X-Request-Id";

    private readonly SecretMasker _masker = masker ?? SecretMasker.None;
    private const int MaxReportedLength = 100;
    private static readonly MediaTypeHeaderValue Json = new("application/json");
    private readonly string _base = baseUrl.TrimEnd('/');
    private readonly Uri _endpoint = new(baseUrl);

    public Task<OcpResponse<BackupCommonResponse>> BackupNowAsync(long clusterId, BackupNowRequest request, CancellationToken cancellationToken, string? requestId = null)
    {
        var body = JsonSerializer.SerializeToUtf8Bytes(request, OcpJsonContext.Default.BackupNowRequest);
        var storage = request.ObBackupServiceStorageConfig.ObBackupStorageBaseInfo;
        var mask = _masker.With([storage.OssAccessKey?.AccessKeySecret, storage.CosAccessKey?.AccessKeySecret, storage.S3AccessKey?.AccessKeySecret]);
        return SendAsync(
            "backupNow",
            () =>
            {
                var content = new ByteArrayContent(body);
                // Exactly "application/json": the signed Content-Type must equal the one sent.
                content.Headers.ContentType = Json;
                var message = new HttpRequestMessage(HttpMethod.Post, Url($"/api/v2/ob/clusters/{clusterId.ToString(CultureInfo.InvariantCulture)}/backup/backupNow"))
                {
                    Content = content,
                };
                if (!string.IsNullOrEmpty(requestId))
                {
                    message.Headers.TryAddWithoutValidation(RequestIdHeader, requestId);
                }

                return message;
            },
            OcpJsonContext.Default.OcpEnvelopeBackupCommonResponse,
            cancellationToken,
            mask);
    }

    public Task<OcpResponse<TaskInstance>> GetTaskAsync(long taskInstanceId, CancellationToken cancellationToken) =>
        ReadAsync(
            "getTask",
            $"/api/v2/tasks/instances/{taskInstanceId.ToString(CultureInfo.InvariantCulture)}",
            OcpJsonContext.Default.OcpEnvelopeTaskInstance,
            cancellationToken);

    public Task<OcpResponse<OcpPage<TaskInstance>>> ListTasksAsync(TaskQuery query, CancellationToken cancellationToken)
    {
        var parameters = new List<KeyValuePair<string, string>>();
        void Add(string key, object? value)
        {
            if (value is not null)
            {
                parameters.Add(new(key, Convert.ToString(value, CultureInfo.InvariantCulture)!));
            }
        }

        Add("clusterId", query.ClusterId);
        Add("name", query.Name);
        Add("status", query.Status);
        Add("type", query.Type);
        Add("page", query.Page);
        Add("size", query.Size);
        Add("sort", query.Sort);
        return ReadAsync(
            "listTasks",
            "/api/v2/tasks/instances" + OcpSigner.CanonicalQuery(parameters),
            OcpJsonContext.Default.OcpEnvelopeOcpPageTaskInstance,
            cancellationToken);
    }

    private Uri Url(string pathAndQuery) => new(_base + pathAndQuery);

    private Task<OcpResponse<T>> ReadAsync<T>(string operation, string pathAndQuery,
        JsonTypeInfo<OcpEnvelope<T>> typeInfo, CancellationToken cancellationToken) =>
        readPipeline.ExecuteAsync(
            async ct => await SendAsync(operation, () => new HttpRequestMessage(HttpMethod.Get, Url(pathAndQuery)), typeInfo, ct),
            cancellationToken).AsTask();

    private async Task<OcpResponse<T>> SendAsync<T>(string operation, Func<HttpRequestMessage> newRequest,
        JsonTypeInfo<OcpEnvelope<T>> typeInfo, CancellationToken cancellationToken, SecretMasker? mask = null)
    {
        // Each attempt takes its own slot: a read's backoff between retries holds none.
        using var slot = limiter is null ? null : await limiter.EnterAsync(_endpoint, cancellationToken);
        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        var outcome = "ok";
        mask ??= _masker;
        try
        {
            var answer = await SendOnceAsync(operation, newRequest, typeInfo, cancellationToken);
            return answer with { Data = OcpTextMasking.Mask(answer.Data, mask) };
        }
        catch (OcpApiException e)
        {
            outcome = e.Kind.ToString();
            throw OcpTextMasking.Mask(e, mask);
        }
        finally
        {
            metrics?.OcpRequest(operation, outcome, System.Diagnostics.Stopwatch.GetElapsedTime(started));
        }
    }

    private async Task<OcpResponse<T>> SendOnceAsync<T>(string operation, Func<HttpRequestMessage> newRequest,
        JsonTypeInfo<OcpEnvelope<T>> typeInfo, CancellationToken cancellationToken)
    {
        using var request = newRequest();
        int status;
        byte[] body;
        string? mediaType;
        try
        {
            using var response = await http.SendAsync(request, HttpCompletionOption.ResponseContentRead, cancellationToken);
            status = (int)response.StatusCode;
            if (status is >= 300 and < 400)
            {
                // The handler follows none (OcpClientFactory): a redirect is an answer, and says only where it pointed.
                throw OcpApiException.Redirect(operation, status, RedirectTarget(request.RequestUri!, response.Headers.Location));
            }

            mediaType = response.Content.Headers.ContentType?.MediaType;
            body = await response.Content.ReadAsByteArrayAsync(cancellationToken);
        }
        catch (HttpRequestException e)
        {
            throw Transport(operation, e);
        }
        catch (OperationCanceledException e) when (!cancellationToken.IsCancellationRequested)
        {
            throw new OcpApiException(operation, OcpFailureKind.Lost, $"no answer within {http.Timeout.TotalSeconds:0.#} s", inner: e);
        }

        return Interpret(operation, status, body, typeInfo, mediaType);
    }

    internal static OcpResponse<T> Interpret<T>(string operation, int status, byte[] body, JsonTypeInfo<OcpEnvelope<T>> typeInfo,
        string? mediaType = "application/json")
    {
        OcpEnvelope<T>? envelope = null;
        try
        {
            envelope = body.Length == 0 ? null : JsonSerializer.Deserialize(body, typeInfo);
        }
        catch (JsonException)
        {
            // Not OCP's envelope: reported below, without a byte of it.
        }

        // OCP's envelope always says whether it succeeded; JSON without 'successful' is another service's
        // (e.g. {"error": {"message": ...}}), whose words are not passed on.
        if (envelope?.Successful is null)
        {
            var kind = status >= 500 ? OcpFailureKind.ServerError : OcpFailureKind.InvalidResponse;
            throw new OcpApiException(operation, kind, $"the answer is not OCP's JSON envelope ({ContentType(mediaType)}; its body is not reported)", status);
        }

        if (status is < 200 or >= 300 || envelope.Successful != true)
        {
            var kind = status >= 500 ? OcpFailureKind.ServerError : OcpFailureKind.Rejected;
            var message = envelope.Error?.Message ?? $"unsuccessful (HTTP {status})";
            throw new OcpApiException(operation, kind, message, status, envelope.Error?.Code, envelope.TraceId);
        }

        if (envelope.Data is null)
        {
            throw new OcpApiException(operation, OcpFailureKind.InvalidResponse, "successful answer without data", status, traceId: envelope.TraceId);
        }

        return new OcpResponse<T>(envelope.Data, true, envelope.TraceId, envelope.Server, envelope.Timestamp);
    }

    private static OcpApiException Transport(string operation, HttpRequestException e)
    {
        // Errors before the request left this machine are Unreachable: OCP cannot have acted on them.
        var (kind, what) = e.HttpRequestError switch
        {
            HttpRequestError.NameResolutionError => (OcpFailureKind.Unreachable, "host name not resolved"),
            HttpRequestError.ConnectionError => (OcpFailureKind.Unreachable, "connection failed"),
            HttpRequestError.SecureConnectionError => (OcpFailureKind.Unreachable, "TLS handshake failed (is the CA bundle right?)"),
            HttpRequestError.ProxyTunnelError => (OcpFailureKind.Unreachable, "proxy tunnel failed"),
            HttpRequestError.InvalidResponse => (OcpFailureKind.Lost, "the answer is not valid HTTP"),
            _ => (OcpFailureKind.Lost, "connection lost before the answer"),
        };
        // Once connected, .NET's message may quote what the server sent ("invalid status line: '...'", e.g.
        // the banner of a service that does not speak HTTP): only the error's name is kept, and no inner
        // exception that a log could print.
        return kind == OcpFailureKind.Unreachable
            ? new OcpApiException(operation, kind, $"{what}: {e.Message}", inner: e)
            : new OcpApiException(operation, kind, $"{what} ({e.HttpRequestError})");
    }

    /// <summary>The media type alone (no parameters), if it looks like one: the rest of the header is the server's text.</summary>
    private static string ContentType(string? mediaType) =>
        string.IsNullOrEmpty(mediaType) ? "no content type"
        : mediaType.Length <= MaxReportedLength && mediaType.All(c => char.IsAsciiLetterOrDigit(c) || "!#$&^_.+-/".Contains(c, StringComparison.Ordinal))
            ? $"content type {mediaType}"
            : "an unreadable content type";

    /// <summary>Where a redirect pointed, "to host H:P": its host and port only (a path or query may be a secret, or name one).</summary>
    private static string RedirectTarget(Uri request, Uri? location)
    {
        if (location is null)
        {
            return "without a location";
        }

        Uri? target = location.IsAbsoluteUri ? location : Uri.TryCreate(request, location, out var resolved) ? resolved : null;
        var host = target is { IsAbsoluteUri: true } && !string.IsNullOrEmpty(target.Host)
            ? target.GetComponents(UriComponents.HostAndPort, UriFormat.UriEscaped)
            : null;
        return host is null ? "to a location without a host"
            : host.Length <= MaxReportedLength ? $"to host {host}"
            : $"to host {host[..MaxReportedLength]}…";
    }
}
