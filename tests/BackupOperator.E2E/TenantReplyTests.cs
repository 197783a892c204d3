using BackupOperator.E2E.Infrastructure;
using BackupOperator.Entities;
using k8s;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace BackupOperator.E2E;

/// <summary>
/// A team's own Secret may point the operator anywhere. Pointed at a server that redirects to an
/// internal service, at a service that answers HTML, or through a URL whose fragment cuts off the API
/// path, the operator never fetches the internal page, and nothing such a server answers reaches what
/// the team can read: the backup's status, its events, or the operator's log.
/// </summary>
[Collection(E2ECollection.Name)]
public sealed class TenantReplyTests(E2EEnvironment env)
{
    private const string Marker = "INTERNAL-ONLY-d41c7a";
    private const long RedirectCluster = 9751;
    private const long HtmlReadCluster = 9752;
    private const long HtmlPostCluster = 9753;
    private const long FragmentCluster = 9754;

    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task A_redirect_an_html_answer_or_a_fragment_url_never_shows_the_team_another_services_reply()
    {
        var ct = TestTimeout.Token(4);
        await using var internalService = await Loopback.StartAsync(context => Answer(context, 200, "text/plain", Marker));
        await using var redirecting = await Loopback.StartAsync(context =>
        {
            context.Response.StatusCode = 302;
            context.Response.Headers.Location = $"{internalService.Url}/admin/{Marker}?token={Marker}";
            return Task.CompletedTask;
        });
        // Answers task lists in OCP's format (so the POST goes out) except for one cluster, and every POST with an HTML page.
        await using var html = await Loopback.StartAsync(context =>
            context.Request.Method == "POST" || context.Request.Query["clusterId"] == HtmlReadCluster.ToString(System.Globalization.CultureInfo.InvariantCulture)
                ? Answer(context, 200, "text/html; charset=utf-8", $"<html><body>{Marker}</body></html>")
                : Answer(context, 200, "application/json", """{"successful":true,"data":{"contents":[],"page":{"totalElements":0,"totalPages":0,"number":1,"size":100}}}"""));
        await using var fragmentTarget = await Loopback.StartAsync(context => Answer(context, 200, "text/plain", Marker));

        await SecretAsync("reply-redirect", redirecting.Url, ct);
        await SecretAsync("reply-html", html.Url, ct);
        await SecretAsync("reply-fragment", fragmentTarget.Url + "/path#", ct);
        var backups = new (string Name, long Cluster, string Secret)[]
        {
            ("reply-redirect", RedirectCluster, "reply-redirect"),
            ("reply-html-read", HtmlReadCluster, "reply-html"),
            ("reply-html-post", HtmlPostCluster, "reply-html"),
            ("reply-fragment", FragmentCluster, "reply-fragment"),
        };
        foreach (var (name, cluster, secret) in backups)
        {
            await env.CreateBackupAsync(Backups.Nfs(name, cluster, secret), ct);
        }

        try
        {
            // (a) The redirect is a refusal, named by the target's host only; the internal service hears nothing.
            var redirect = await SettledAsync("reply-redirect", s => s.Phase is BackupPhase.Failed or BackupPhase.Unknown or BackupPhase.Succeeded, ct);
            Assert.DoesNotContain(Marker, KubernetesJson.Serialize(redirect), StringComparison.Ordinal);
            Assert.Equal((BackupPhase.Failed, "OcpRejected"), (redirect.Phase, redirect.Reason));
            Assert.Contains($"answered HTTP 302 (a redirect to host 127.0.0.1:{internalService.Port}, not followed", redirect.Message, StringComparison.Ordinal);
            Assert.DoesNotContain("/admin", redirect.Message, StringComparison.Ordinal);
            Assert.True(redirecting.Requests >= 1);

            // (b) HTML from a read and from the POST: HTTP status and content type, nothing of the page.
            var read = await SettledAsync("reply-html-read", s => s.Phase is BackupPhase.Unknown or BackupPhase.Failed or BackupPhase.Succeeded, ct);
            Assert.DoesNotContain(Marker, KubernetesJson.Serialize(read), StringComparison.Ordinal);
            Assert.Equal((BackupPhase.Unknown, "OcpUnreachable"), (read.Phase, read.Reason));
            Assert.Contains("not OCP's JSON envelope (content type text/html; its body is not reported); HTTP 200", read.Message, StringComparison.Ordinal);

            var unconfirmed = await env.WaitForEventAsync("reply-html-post", e => e.Reason == "SubmissionUnconfirmed", ct);
            Assert.Contains("not OCP's JSON envelope (content type text/html; its body is not reported); HTTP 200", unconfirmed.Note, StringComparison.Ordinal);
            Assert.DoesNotContain(Marker, KubernetesJson.Serialize((await env.GetBackupAsync("reply-html-post", ct)).Status), StringComparison.Ordinal);

            // (c) A fragment would cut off the API path: refused before anything is sent.
            var fragment = await SettledAsync("reply-fragment", s => s.Reason is not null, ct);
            Assert.DoesNotContain(Marker, KubernetesJson.Serialize(fragment), StringComparison.Ordinal);
            Assert.Equal((BackupPhase.Pending, "InvalidUrl"), (fragment.Phase, fragment.Reason));
            Assert.Contains("the OCP url has a fragment ('#')", fragment.Message, StringComparison.Ordinal);
            Assert.DoesNotContain(fragmentTarget.Url, fragment.Message, StringComparison.Ordinal);

            foreach (var (name, _, _) in backups)
            {
                var notes = (await env.EventsForAsync(name, ct)).Select(e => $"{e.Reason}: {e.Note}").ToList();
                Assert.DoesNotContain(notes, note => note.Contains(Marker, StringComparison.Ordinal));
            }

            Assert.Equal(0, internalService.Requests);
            Assert.Equal(0, fragmentTarget.Requests);
            Assert.True(html.Requests >= 2);
            Assert.DoesNotContain(Marker, env.AllOperatorLogs, StringComparison.Ordinal);
        }
        finally
        {
            foreach (var (name, _, _) in backups)
            {
                await env.Admin.CustomObjects.DeleteNamespacedCustomObjectAsync(V1alpha1ClusterBackupNow.ApiGroup, V1alpha1ClusterBackupNow.Version,
                    E2EEnvironment.Namespace, V1alpha1ClusterBackupNow.Plural, name, cancellationToken: CancellationToken.None);
            }
        }
    }

    private Task SecretAsync(string name, string url, CancellationToken ct) =>
        env.CreateSecretAsync(name, new() { ["url"] = url, ["username"] = SimulatorHandle.User, ["password"] = SimulatorHandle.Password }, ct);

    /// <summary>The backup's status once <paramref name="settled"/> holds; on a timeout, the last status and the operator's log.</summary>
    private async Task<ClusterBackupNowStatus> SettledAsync(string name, Func<ClusterBackupNowStatus, bool> settled, CancellationToken ct)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        ClusterBackupNowStatus? last = null;
        while (clock.Elapsed < Timeout)
        {
            last = (await env.GetBackupAsync(name, ct)).Status;
            if (last is not null && settled(last))
            {
                await env.WaitForEventAsync(name, _ => true, ct); // events follow the status write
                return last;
            }

            await Task.Delay(TimeSpan.FromMilliseconds(200), ct);
        }

        throw new TimeoutException($"{name} did not settle within {Timeout}; status: {(last is null ? "(none)" : KubernetesJson.Serialize(last))}\n" +
            $"operator log tail:\n{OperatorProcess.Tail(env.Operator.Log)}");
    }

    private static async Task Answer(HttpContext context, int status, string contentType, string body)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = contentType;
        await context.Response.WriteAsync(body);
    }

    /// <summary>A loopback HTTP server standing for a team's server or an internal service; counts the requests it gets.</summary>
    private sealed class Loopback : IAsyncDisposable
    {
        private readonly WebApplication _app;
        private int _requests;

        private Loopback(WebApplication app) => _app = app;

        public string Url { get; private set; } = "";

        public int Port => new Uri(Url).Port;

        public int Requests => Volatile.Read(ref _requests);

        public static async Task<Loopback> StartAsync(Func<HttpContext, Task> respond)
        {
            var builder = WebApplication.CreateSlimBuilder();
            builder.WebHost.UseUrls("http://127.0.0.1:0");
            builder.Logging.ClearProviders();
            var server = new Loopback(builder.Build());
            server._app.Run(async context =>
            {
                Interlocked.Increment(ref server._requests);
                await respond(context);
            });
            await server._app.StartAsync();
            server.Url = server._app.Urls.First().TrimEnd('/');
            return server;
        }

        public async ValueTask DisposeAsync() => await _app.DisposeAsync();
    }
}
