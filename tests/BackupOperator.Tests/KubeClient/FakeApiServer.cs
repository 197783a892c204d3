using System.Collections.Concurrent;
using System.Net;
using System.Text;

namespace BackupOperator.Tests.KubeClient;

/// <summary>An API server stand-in: answers each request with the function's (status, body), records what it was sent.</summary>
internal sealed class FakeApiServer(Func<HttpRequestMessage, string, (HttpStatusCode Status, string Body)> answer) : HttpMessageHandler
{
    public ConcurrentQueue<(HttpMethod Method, string PathAndQuery, string? ContentType, string Body)> Requests { get; } = new();

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var body = request.Content is null ? "" : await request.Content.ReadAsStringAsync(cancellationToken);
        Requests.Enqueue((request.Method, request.RequestUri!.PathAndQuery, request.Content?.Headers.ContentType?.MediaType, body));
        var (status, text) = answer(request, body);
        return new HttpResponseMessage(status) { RequestMessage = request, Content = new StringContent(text, Encoding.UTF8, "application/json") };
    }
}
