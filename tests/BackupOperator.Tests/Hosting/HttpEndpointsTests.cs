using System.Net;
using System.Net.Sockets;
using BackupOperator.Entities;
using BackupOperator.Operator.Diagnostics;
using BackupOperator.Operator.Hosting;
using BackupOperator.Operator.Runtime;
using BackupOperator.Tests.Runtime;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace BackupOperator.Tests.Hosting;

public sealed class HttpEndpointsTests
{
    [Fact]
    public async Task Probes_and_metrics_answer_also_when_clients_connect_while_it_starts()
    {
        var port = FreePort();
        using var stopHammer = new CancellationTokenSource();
        int refused = 0, accepted = 0;
        // A client knocking without pause, as a probe may: the start must not trip over it.
        var hammer = Task.Run(async () =>
        {
            while (!stopHammer.IsCancellationRequested)
            {
                try
                {
                    using var tcp = new TcpClient();
                    await tcp.ConnectAsync(IPAddress.Loopback, port);
                    Interlocked.Increment(ref accepted);
                }
                catch (SocketException)
                {
                    Interlocked.Increment(ref refused); // not listening yet
                }
            }
        });
        using var exporter = new PrometheusExporter();
        using var endpoints = new HttpEndpoints(
            Options.Create(new HttpOptions { Url = $"http://127.0.0.1:{port}/" }),
            new ControllerReadiness([new InformerSet<V1alpha1ClusterBackupNow>([])], new AlwaysLeader()),
            exporter, NullLogger<HttpEndpoints>.Instance);
        await Eventually.TrueAsync(() => Volatile.Read(ref refused) >= 5); // knocking before it listens
        await endpoints.StartAsync(CancellationToken.None);
        await Eventually.TrueAsync(() => Volatile.Read(ref accepted) >= 20); // and on while it starts
        await stopHammer.CancelAsync();
        await hammer;

        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}") };
        Assert.Equal("ok\n", await http.GetStringAsync(new Uri("/healthz", UriKind.Relative)));
        var ready = await http.GetAsync(new Uri("/readyz", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
        Assert.Equal("synced, leading\n", await ready.Content.ReadAsStringAsync());
        var metrics = await http.GetAsync(new Uri("/metrics?x=1", UriKind.Relative));
        Assert.Equal("text/plain; version=0.0.4; charset=utf-8", metrics.Content.Headers.ContentType!.ToString());
        Assert.Contains("process_resident_memory_bytes", await metrics.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, (await http.GetAsync(new Uri("/nope", UriKind.Relative))).StatusCode);
        using var post = await http.PostAsync(new Uri("/healthz", UriKind.Relative), new StringContent(""));
        Assert.Equal(HttpStatusCode.MethodNotAllowed, post.StatusCode);

        await endpoints.StopAsync(CancellationToken.None);
        await Assert.ThrowsAsync<HttpRequestException>(() => http.GetAsync(new Uri("/healthz", UriKind.Relative)));
    }

    [Theory]
    [InlineData("http://+:8080/", "0.0.0.0:8080")]
    [InlineData("http://*:9090", "0.0.0.0:9090")]
    [InlineData("http://127.0.0.1:8081/", "127.0.0.1:8081")]
    [InlineData("http://localhost:8082/", "127.0.0.1:8082")]
    [InlineData("http://[::1]:8083/", "[::1]:8083")]
    public void The_url_names_the_address_and_port(string url, string endPoint) =>
        Assert.Equal(endPoint, new HttpOptions { Url = url }.EndPoint().ToString());

    [Theory]
    [InlineData("http://+/")]
    [InlineData("http://ocp.example.com:8080/")]
    [InlineData("http://+:99999/")]
    public void A_url_that_cannot_be_listened_on_is_refused_with_its_value(string url)
    {
        var e = Assert.Throws<OptionsValidationException>(() => new HttpOptions { Url = url }.EndPoint());
        Assert.Contains("Http:Url", e.Message, StringComparison.Ordinal);
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
