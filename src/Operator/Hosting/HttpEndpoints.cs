using System.ComponentModel.DataAnnotations;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using BackupOperator.Operator.Diagnostics;
using BackupOperator.Operator.Runtime;
using Microsoft.Extensions.Options;

namespace BackupOperator.Operator.Hosting;

/// <summary>
/// /healthz (the process answers), /readyz (the cache is synced) and /metrics (Prometheus): three
/// GETs answered with HTTP/1.1 and Connection: close over a plain socket. No web framework. ASP.NET Core
/// and prometheus-net were taken out together, and together they took idle RSS from 124–130 to 112.5 MiB
/// (bench/README.md); ASP.NET Core alone was never measured. prometheus-net alone costs 3.5–4 MiB after
/// start and 8–9.5 MiB after 1,000 scrapes over our exporter (bench/README.md, "Library replacements").
/// HttpListener is not used because it fails to start when a client connects at that moment.
/// </summary>
public sealed partial class HttpEndpoints(
    IOptions<HttpOptions> options, ControllerReadiness readiness, PrometheusExporter metrics, ILogger<HttpEndpoints> logger) : BackgroundService
{
    private const int MaxHead = 8192;
    private static readonly TimeSpan RequestTimeout = TimeSpan.FromSeconds(10);
    private TcpListener? _listener;

    /// <summary>The port actually listened on.</summary>
    public int Port => ((IPEndPoint)_listener!.LocalEndpoint).Port;

    /// <summary>Listens before the controller starts, so probes answer while the first list runs; a port in use fails the start.</summary>
    public override Task StartAsync(CancellationToken cancellationToken)
    {
        _listener = new TcpListener(options.Value.EndPoint());
        _listener.Start(backlog: 64);
        LogListening(logger, options.Value.Url);
        return base.StartAsync(cancellationToken);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                Socket socket;
                try
                {
                    socket = await _listener!.AcceptSocketAsync(stoppingToken);
                }
                catch (SocketException e)
                {
                    // E.g. out of file descriptors for a moment: the probes must come back, the host must not stop.
                    LogProbeAcceptFailed(logger, e.SocketErrorCode.ToString(), e.Message);
                    await Task.Delay(TimeSpan.FromMilliseconds(100), stoppingToken);
                    continue;
                }

                _ = Task.Run(() => AnswerAsync(socket, stoppingToken), CancellationToken.None);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // stopping
        }
        finally
        {
            _listener!.Stop();
        }
    }

    public override void Dispose()
    {
        _listener?.Dispose();
        base.Dispose();
    }

    private async Task AnswerAsync(Socket socket, CancellationToken stoppingToken)
    {
        using var _ = socket;
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
        timeout.CancelAfter(RequestTimeout);
        try
        {
            await using var stream = new NetworkStream(socket, ownsSocket: false);
            var head = await ReadHeadAsync(stream, timeout.Token);
            var requestLine = head.Split("\r\n", 2)[0].Split(' ');
            var (status, contentType, body) = requestLine.Length < 3 || !requestLine[2].StartsWith("HTTP/1.", StringComparison.Ordinal)
                ? (400, "text/plain; charset=utf-8", "bad request\n")
                : requestLine[0] is "GET" or "HEAD"
                    ? Route(requestLine[1].Split('?', 2)[0])
                    : (405, "text/plain; charset=utf-8", "method not allowed\n");
            var content = Encoding.UTF8.GetBytes(body);
            var response = Encoding.ASCII.GetBytes(string.Create(CultureInfo.InvariantCulture,
                $"HTTP/1.1 {status} {Reason(status)}\r\nContent-Type: {contentType}\r\nContent-Length: {content.Length}\r\nConnection: close\r\n\r\n"));
            await stream.WriteAsync(response, timeout.Token);
            if (requestLine[0] != "HEAD")
            {
                await stream.WriteAsync(content, timeout.Token);
            }
        }
        catch (Exception e) when (e is IOException or SocketException or OperationCanceledException or ObjectDisposedException)
        {
            // the client went away or was too slow
        }
        catch (Exception e)
        {
            LogEndpointFailed(logger, "request", e.Message);
        }
    }

    /// <summary>The request line and headers; the body of a GET is ignored.</summary>
    private static async Task<string> ReadHeadAsync(NetworkStream stream, CancellationToken ct)
    {
        var buffer = new byte[MaxHead];
        var read = 0;
        while (read < buffer.Length)
        {
            var n = await stream.ReadAsync(buffer.AsMemory(read), ct);
            if (n == 0)
            {
                break;
            }

            read += n;
            if (buffer.AsSpan(0, read).IndexOf("\r\n\r\n"u8) >= 0)
            {
                break;
            }
        }

        return Encoding.ASCII.GetString(buffer, 0, read);
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

    private static string Reason(int status) => status switch
    {
        200 => "OK",
        400 => "Bad Request",
        404 => "Not Found",
        405 => "Method Not Allowed",
        _ => "Service Unavailable",
    };

    [LoggerMessage(2006, LogLevel.Information, "Serving /healthz, /readyz and /metrics on {Url}")]
    private static partial void LogListening(ILogger logger, string url);

    [LoggerMessage(2007, LogLevel.Warning, "Answering {Path} failed: {Error}")]
    private static partial void LogEndpointFailed(ILogger logger, string path, string error);

    [LoggerMessage(2008, LogLevel.Warning, "Accepting a probe or metrics connection failed ({Code}): {Error}; accepting again")]
    private static partial void LogProbeAcceptFailed(ILogger logger, string code, string error);
}
