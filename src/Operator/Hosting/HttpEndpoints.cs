using System.ComponentModel.DataAnnotations;
using System.Net;
using System.Text;
using BackupOperator.Operator.Diagnostics;
using Microsoft.Extensions.Options;

namespace BackupOperator.Operator;

/// <summary>Section "Http": where the probes and the metrics are served.</summary>
public sealed class HttpOptions
{
    public const string Section = "Http";

    /// <summary>An HttpListener prefix: "http://+:8080/" is every address, port 8080.</summary>
    [Required]
    public string Url { get; set; } = "http://+:8080/";
}

/// <summary>
/// /healthz (the process answers), /readyz (the cache is synced) and /metrics (Prometheus), on a
/// plain HttpListener: three GETs need no web framework, and leaving ASP.NET Core out saves about
/// 20 MB of resident memory and a fifth of the start-up (see bench/README.md).
/// </summary>
public sealed class HttpEndpoints(
    IOptions<HttpOptions> options, ControllerReadiness readiness, PrometheusExporter metrics, ILogger<HttpEndpoints> logger) : BackgroundService
{
    private readonly HttpListener _listener = new();

    /// <summary>Listens before the controller starts, so probes answer while the first list runs; a port in use fails the start.</summary>
    public override Task StartAsync(CancellationToken cancellationToken)
    {
        var url = options.Value.Url;
        _listener.Prefixes.Add(url.EndsWith('/') ? url : url + "/");
        _listener.Start();
        Log.Listening(logger, url);
        return base.StartAsync(cancellationToken);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await using var stop = stoppingToken.Register(_listener.Stop);
        while (!stoppingToken.IsCancellationRequested)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync();
            }
            catch (Exception e) when (e is HttpListenerException or ObjectDisposedException or InvalidOperationException && stoppingToken.IsCancellationRequested)
            {
                return;
            }

            _ = Task.Run(() => AnswerAsync(context), CancellationToken.None);
        }
    }

    public override void Dispose()
    {
        ((IDisposable)_listener).Dispose();
        base.Dispose();
    }

    private async Task AnswerAsync(HttpListenerContext context)
    {
        var response = context.Response;
        try
        {
            var (status, contentType, body) = context.Request.HttpMethod is "GET" or "HEAD"
                ? Route(context.Request.Url?.AbsolutePath ?? "")
                : (405, "text/plain", "method not allowed\n");
            var bytes = Encoding.UTF8.GetBytes(body);
            response.StatusCode = status;
            response.ContentType = contentType;
            response.ContentLength64 = bytes.Length;
            if (context.Request.HttpMethod == "GET")
            {
                await response.OutputStream.WriteAsync(bytes);
            }
        }
        catch (Exception e) when (e is HttpListenerException or IOException or ObjectDisposedException)
        {
            // the client went away
        }
        catch (Exception e)
        {
            Log.EndpointFailed(logger, context.Request.Url?.AbsolutePath ?? "", e.Message);
            response.StatusCode = 500;
        }
        finally
        {
            try
            {
                response.Close();
            }
            catch (Exception e) when (e is HttpListenerException or IOException or ObjectDisposedException)
            {
                // already gone
            }
        }
    }

    private (int Status, string ContentType, string Body) Route(string path)
    {
        switch (path.TrimEnd('/'))
        {
            case "/healthz":
                return (200, "text/plain; charset=utf-8", "ok\n");
            case "/readyz":
                var (ready, detail) = readiness.Check();
                return (ready ? 200 : 503, "text/plain; charset=utf-8", detail + "\n");
            case "/metrics":
                return (200, "text/plain; version=0.0.4; charset=utf-8", metrics.Scrape());
            default:
                return (404, "text/plain; charset=utf-8", "not found: /healthz, /readyz, /metrics\n");
        }
    }
}
