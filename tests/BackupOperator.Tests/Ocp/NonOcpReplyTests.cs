using BackupOperator.Operator.Ocp;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace BackupOperator.Tests.Ocp;

/// <summary>
/// A team's Secret may point the operator's OCP client anywhere: at a server that redirects to an
/// internal service, or at a service that is not OCP. Over real loopback HTTP, through the client the
/// operator builds: no redirect is followed, and nothing of a non-OCP answer's body reaches the
/// error that status and events are made of.
/// </summary>
public sealed class NonOcpReplyTests
{
    private const string Marker = "INTERNAL-ONLY-7c1e";

    private static IOcpApi Client(string url)
    {
        var factory = new OcpClientFactory(Options.Create(new OcpOptions { ReadRetries = 0 }), TimeProvider.System, NullLogger<OcpClientFactory>.Instance);
        return factory.Get(new OcpConnectionSettings("Secret team/ocp", url, "backup-bot", "team-password"));
    }

    private static async Task<OcpApiException> FailsAsync(IOcpApi api, bool post) =>
        await Assert.ThrowsAsync<OcpApiException>(() => post
            ? api.BackupNowAsync(8, OcpClientTests.Request, CancellationToken.None)
            : api.ListTasksAsync(new TaskQuery(ClusterId: 8), CancellationToken.None));

    [Theory]
    [InlineData(302, false)]
    [InlineData(302, true)]
    [InlineData(301, true)]
    [InlineData(303, true)]
    [InlineData(307, true)]
    [InlineData(308, false)]
    public async Task A_redirect_to_an_internal_service_is_not_followed_and_names_only_its_host(int status, bool post)
    {
        await using var internalService = await LoopbackServer.AlwaysAsync(200, "text/plain", Marker);
        await using var front = await LoopbackServer.StartAsync(context =>
        {
            context.Response.StatusCode = status;
            context.Response.Headers.Location = $"{internalService.Url}/admin/{Marker}?token={Marker}";
            return context.Response.WriteAsync($"<a href=\"/admin/{Marker}\">moved</a>");
        });

        var e = await FailsAsync(Client(front.Url), post);

        Assert.Equal(0, internalService.Requests);
        Assert.Equal(1, front.Requests);
        Assert.Equal(OcpFailureKind.Rejected, e.Kind);
        Assert.Equal(status, e.HttpStatus);
        Assert.False(e.MayHaveActed);
        Assert.False(e.IsTransient);
        Assert.Contains($"answered HTTP {status} (a redirect to host 127.0.0.1:{internalService.Port}, not followed", e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(Marker, e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("/admin", e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(Marker, e.Detail, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("/elsewhere", "front")]
    [InlineData("", "none")]
    [InlineData("file:///etc/passwd", "no host")]
    [InlineData("http://user:pw@10.0.0.7:9200/_cat/indices", "10.0.0.7:9200")]
    public async Task A_redirect_names_its_host_whatever_its_location(string location, string expected)
    {
        await using var front = await LoopbackServer.StartAsync(context =>
        {
            context.Response.StatusCode = 302;
            if (location.Length > 0)
            {
                context.Response.Headers.Location = location;
            }

            return Task.CompletedTask;
        });

        var e = await FailsAsync(Client(front.Url + "/ocp"), post: false);

        var target = expected switch
        {
            "front" => $"a redirect to host 127.0.0.1:{front.Port}",
            "none" => "a redirect without a location",
            "no host" => "a redirect to a location without a host",
            _ => $"a redirect to host {expected},",
        };
        Assert.Contains(target, e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("elsewhere", e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("passwd", e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("pw", e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("_cat", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(200, "text/html; charset=utf-8", "<html><title>" + Marker + "</title></html>", "content type text/html", OcpFailureKind.InvalidResponse)]
    [InlineData(500, "text/html", "<html>" + Marker + "</html>", "content type text/html", OcpFailureKind.ServerError)]
    [InlineData(403, "text/plain", Marker, "content type text/plain", OcpFailureKind.InvalidResponse)]
    [InlineData(200, "application/json", "{\"status\":\"ok\",\"db\":\"" + Marker + "\"}", "content type application/json", OcpFailureKind.InvalidResponse)]
    [InlineData(404, "application/json", "{\"error\":{\"code\":404,\"message\":\"" + Marker + "\"}}", "content type application/json", OcpFailureKind.InvalidResponse)]
    [InlineData(400, "application/json", "{\"error\":\"" + Marker + "\",\"message\":\"" + Marker + "\"}", "content type application/json", OcpFailureKind.InvalidResponse)]
    [InlineData(200, "application/json", "[\"" + Marker + "\"]", "content type application/json", OcpFailureKind.InvalidResponse)]
    [InlineData(200, null, "", "no content type", OcpFailureKind.InvalidResponse)]
    [InlineData(502, "text/html; x=" + Marker, Marker, "content type text/html", OcpFailureKind.ServerError)]
    public async Task A_reply_that_is_not_ocps_envelope_is_reported_by_status_and_content_type_only(
        int status, string? contentType, string body, string reported, OcpFailureKind kind)
    {
        await using var server = await LoopbackServer.AlwaysAsync(status, contentType, body);
        var api = Client(server.Url);

        foreach (var post in new[] { false, true })
        {
            var e = await FailsAsync(api, post);

            Assert.Equal(kind, e.Kind);
            Assert.Equal(status, e.HttpStatus);
            Assert.Contains("not OCP's JSON envelope", e.Message, StringComparison.Ordinal);
            Assert.Contains(reported, e.Message, StringComparison.Ordinal);
            Assert.Contains($"HTTP {status}", e.Message, StringComparison.Ordinal);
            Assert.DoesNotContain(Marker, e.Message, StringComparison.Ordinal);
            Assert.DoesNotContain("html>", e.Message, StringComparison.Ordinal);
            Assert.Null(e.Code);
            // Unchanged rule for the POST: anything but a 4xx may have started a backup.
            Assert.Equal(status is not (>= 400 and < 500), e.MayHaveActed);
        }
    }

    [Theory]
    [InlineData("SSH-2.0-" + Marker + "\r\n")]
    [InlineData("-ERR unknown command '" + Marker + "'\r\n")]
    [InlineData("HTTP/1.1 200 OK\r\nX-" + Marker + "\r\n\r\n")]
    public async Task A_service_that_does_not_speak_http_is_not_quoted(string banner)
    {
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        var serving = Task.Run(async () =>
        {
            for (var i = 0; i < 2; i++)
            {
                using var socket = await listener.AcceptSocketAsync();
                await socket.ReceiveAsync(new byte[4096], System.Net.Sockets.SocketFlags.None);
                await socket.SendAsync(System.Text.Encoding.ASCII.GetBytes(banner), System.Net.Sockets.SocketFlags.None);
                socket.Shutdown(System.Net.Sockets.SocketShutdown.Both);
            }
        });
        var api = Client($"http://127.0.0.1:{((System.Net.IPEndPoint)listener.LocalEndpoint).Port}");

        foreach (var post in new[] { false, true })
        {
            var e = await FailsAsync(api, post);

            Assert.Equal(OcpFailureKind.Lost, e.Kind);
            Assert.True(e.MayHaveActed);
            Assert.DoesNotContain(Marker, e.Message, StringComparison.Ordinal);
            Assert.DoesNotContain(Marker, e.InnerException?.ToString() ?? "", StringComparison.Ordinal);
        }

        await serving;
    }

    [Theory]
    [InlineData(409, "\"BACKUP_IN_PROGRESS\"", "Backup task is in progress", OcpFailureKind.Rejected)]
    [InlineData(400, "60018", "Storage config nfs-main not found", OcpFailureKind.Rejected)]
    [InlineData(500, "\"INTERNAL\"", "NullPointerException in BackupService", OcpFailureKind.ServerError)]
    public async Task Ocps_own_error_envelope_is_still_reported_in_its_words(int status, string code, string message, OcpFailureKind kind)
    {
        await using var server = await LoopbackServer.AlwaysAsync(status, "application/json", Clients.Envelope(status, code, message));

        var e = await FailsAsync(Client(server.Url), post: true);

        Assert.Equal(kind, e.Kind);
        Assert.Contains(message, e.Message, StringComparison.Ordinal);
        Assert.Equal(code.Trim('"'), e.Code);
        Assert.Equal($"trace-{status}", e.TraceId);
        Assert.Equal(kind == OcpFailureKind.ServerError, e.MayHaveActed);
    }

    [Theory]
    [InlineData("/path#")]
    [InlineData("/path#/api")]
    [InlineData("#")]
    [InlineData("/path?")]
    [InlineData("/path%23")]
    [InlineData("/a/../path")]
    [InlineData("\\path")]
    public async Task A_url_that_could_cut_off_the_api_path_is_refused_before_any_request(string tail)
    {
        await using var server = await LoopbackServer.AlwaysAsync(200, "text/plain", Marker);

        var e = Assert.Throws<OcpConfigurationException>(() => Client(server.Url + tail));

        Assert.Equal(OcpConfigurationException.InvalidUrl, e.Reason);
        Assert.StartsWith("Secret team/ocp: the OCP url ", e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(server.Url, e.Message, StringComparison.Ordinal);
        Assert.Equal(0, server.Requests);
    }
}
