using System.Net;
using System.Text;
using BackupOperator.Operator.Ocp;
using Microsoft.Extensions.Time.Testing;
using Polly;

namespace BackupOperator.Tests.Ocp;

/// <summary>What went on the wire, read at the moment it was sent.</summary>
internal sealed record SentRequest(HttpMethod Method, Uri Uri, string? Host, string? Authorization, string? Date, string? ContentType, byte[] Body, string? RequestId = null);

/// <summary>An HTTP server in a handler: records each request and answers through <paramref name="respond"/>.</summary>
internal sealed class StubHandler(Func<int, HttpResponseMessage> respond) : HttpMessageHandler
{
    public List<SentRequest> Sent { get; } = [];

    public static StubHandler Always(int status, string body) => new(_ => Answer(status, body));

    public static HttpResponseMessage Answer(int status, string body, string mediaType = "application/json") =>
        new((HttpStatusCode)status) { Content = new StringContent(body, Encoding.UTF8, mediaType) };

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var body = request.Content is null ? [] : await request.Content.ReadAsByteArrayAsync(cancellationToken);
        Sent.Add(new SentRequest(
            request.Method, request.RequestUri!, request.Headers.Host,
            request.Headers.TryGetValues("Authorization", out var auth) ? auth.Single() : null,
            request.Headers.TryGetValues("Date", out var date) ? date.Single() : null,
            request.Content?.Headers.ContentType?.ToString(), body,
            request.Headers.TryGetValues(OcpClient.RequestIdHeader, out var id) ? id.Single() : null));
        return respond(Sent.Count);
    }
}

internal static class Clients
{
    public const string BaseUrl = "https://ocp.example.com:8080/";

    public static OcpClient Over(HttpMessageHandler handler, ResiliencePipeline? reads = null, SecretMasker? masker = null) =>
        new(new HttpClient(handler), BaseUrl, reads ?? ResiliencePipeline.Empty, masker: masker);

    /// <summary>Runs a call whose retries wait on the fake clock, moving the clock until it is done.</summary>
    public static async Task<T> DriveAsync<T>(FakeTimeProvider time, Func<Task<T>> call)
    {
        var task = call();
        for (var i = 0; i < 1_000_000 && !task.IsCompleted; i++)
        {
            time.Advance(TimeSpan.FromSeconds(1));
            await Task.Yield();
        }

        return await task;
    }

    public static string Envelope(int status, string code, string message) => $$$"""
        {"successful":false,"timestamp":"2026-11-24T20:00:00.000+08:00","duration":3,"status":{{{status}}},
         "traceId":"trace-{{{status}}}","server":"a83ad33525",
         "error":{"code":{{{code}}},"message":"{{{message}}}","debugMessage":null,"subErrors":[]}}
        """;
}
