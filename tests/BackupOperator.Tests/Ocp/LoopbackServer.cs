using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace BackupOperator.Tests.Ocp;

/// <summary>A real HTTP server on loopback that answers every request through <c>respond</c> and counts them.</summary>
internal sealed class LoopbackServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private int _requests;

    private LoopbackServer(WebApplication app) => _app = app;

    /// <summary>http://127.0.0.1:port, without a trailing slash.</summary>
    public string Url { get; private set; } = "";

    public int Port => new Uri(Url).Port;

    public int Requests => Volatile.Read(ref _requests);

    public static async Task<LoopbackServer> StartAsync(Func<HttpContext, Task> respond)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var server = new LoopbackServer(builder.Build());
        server._app.Run(async context =>
        {
            Interlocked.Increment(ref server._requests);
            await respond(context);
        });
        await server._app.StartAsync();
        server.Url = server._app.Urls.First().TrimEnd('/');
        return server;
    }

    /// <summary>Answers every request with <paramref name="status"/>, <paramref name="contentType"/> and <paramref name="body"/>.</summary>
    public static Task<LoopbackServer> AlwaysAsync(int status, string? contentType, string body) =>
        StartAsync(async context =>
        {
            context.Response.StatusCode = status;
            if (contentType is not null)
            {
                context.Response.ContentType = contentType;
            }

            await context.Response.WriteAsync(body);
        });

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();
}
