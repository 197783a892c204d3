using System.Net;
using System.Net.Sockets;
using System.Text;
using BackupOperator.E2E.Infrastructure;

namespace BackupOperator.E2E;

/// <summary>The refusing proxy on its own, against a loopback HTTP server: closed, a request is refused before anything is sent; opened, it goes through on the same port.</summary>
public sealed class GateProxyTests
{
    [Fact]
    public async Task Closed_a_request_on_a_pooled_connection_is_refused_as_a_connection_error_and_reaches_nothing_then_open_it_goes_through()
    {
        var ct = TestTimeout.Token(1);
        using var server = new TcpListener(IPAddress.Loopback, 0);
        server.Start();
        var requests = 0;
        var serving = ServeAsync(server, () => Interlocked.Increment(ref requests), ct);
        await using var gate = GateProxy.Start(((IPEndPoint)server.LocalEndpoint).Port);
        var port = gate.Port;
        using var http = new HttpClient(new SocketsHttpHandler()) { BaseAddress = new Uri($"http://127.0.0.1:{port}"), Timeout = TimeSpan.FromSeconds(5) };

        Assert.Equal("ok", await http.GetStringAsync(new Uri("/first", UriKind.Relative), ct)); // the client now holds a pooled connection
        gate.Close();
        var refused = await Assert.ThrowsAsync<HttpRequestException>(() => http.PostAsync(new Uri("/second", UriKind.Relative), new StringContent("{}"), ct));
        Assert.Equal(HttpRequestError.ConnectionError, refused.HttpRequestError);
        Assert.Equal(1, Volatile.Read(ref requests));

        gate.Open();
        Assert.Equal(port, gate.Port);
        Assert.Equal("ok", await http.GetStringAsync(new Uri("/third", UriKind.Relative), ct));
        Assert.Equal(2, Volatile.Read(ref requests));
        server.Stop();
        await serving.ContinueWith(_ => { }, TaskScheduler.Default);
    }

    /// <summary>A minimal HTTP/1.1 server: counts each request and answers "ok", keeping the connection open.</summary>
    private static async Task ServeAsync(TcpListener listener, Action counted, CancellationToken ct)
    {
        while (!ct.IsCancellationRequested)
        {
            var socket = await listener.AcceptSocketAsync(ct);
            _ = Task.Run(async () =>
            {
                using var s = socket;
                var buffer = new byte[8192];
                var pending = new StringBuilder();
                try
                {
                    while (true)
                    {
                        var n = await s.ReceiveAsync(buffer, SocketFlags.None, ct);
                        if (n == 0)
                        {
                            return;
                        }

                        pending.Append(Encoding.ASCII.GetString(buffer, 0, n));
                        var text = pending.ToString();
                        var end = text.IndexOf("\r\n\r\n", StringComparison.Ordinal);
                        if (end < 0)
                        {
                            continue;
                        }

                        var length = text.Split("\r\n").FirstOrDefault(l => l.StartsWith("Content-Length:", StringComparison.OrdinalIgnoreCase)) is { } header
                            ? int.Parse(header["Content-Length:".Length..].Trim(), System.Globalization.CultureInfo.InvariantCulture)
                            : 0;
                        if (text.Length < end + 4 + length)
                        {
                            continue;
                        }

                        pending.Remove(0, end + 4 + length);
                        counted();
                        await s.SendAsync("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"u8.ToArray(), SocketFlags.None, ct);
                    }
                }
                catch (Exception e) when (e is SocketException or OperationCanceledException or ObjectDisposedException)
                {
                    // the proxy closed it
                }
            }, ct);
        }
    }
}
