using System.Net;
using System.Text;
using BackupOperator.KubeClient;
using BackupOperator.KubectlPlugin.Kubernetes;
using BackupOperator.Tests.KubeClient;

namespace BackupOperator.Tests.KubectlPlugin.Kubernetes;

/// <summary>What the plugin prints when the API server (or something in front of it) answers with an error.</summary>
public sealed class ApiErrorsTests
{
    [Fact]
    public async Task An_error_in_plain_text_is_shown_with_its_text()
    {
        var line = await DescribeAsync(HttpStatusCode.InternalServerError, "etcdserver: request timed out\n", "text/plain");

        Assert.Equal("500 Internal Server Error: etcdserver: request timed out", line);
    }

    [Fact]
    public async Task A_status_message_is_shown_as_it_is()
    {
        var line = await DescribeAsync(HttpStatusCode.InternalServerError,
            """{"kind":"Status","apiVersion":"v1","status":"Failure","message":"Internal error occurred: boom","reason":"InternalError","code":500}""", "application/json");

        Assert.Equal("Internal error occurred: boom", line);
    }

    [Fact]
    public async Task A_long_page_is_cut_and_kept_on_one_line_a_terminal_only_prints()
    {
        var page = "<html>\n<body>\u001b[2J" + new string('x', 5_000) + "🦀</body></html>";

        var line = await DescribeAsync(HttpStatusCode.BadGateway, page, "text/html");

        Assert.StartsWith("502 Bad Gateway: <html> <body>^[[2J", line, StringComparison.Ordinal);
        Assert.EndsWith("…", line, StringComparison.Ordinal);
        Assert.True(line.Length < 250, line);
        Assert.DoesNotContain('\n', line);
    }

    [Fact]
    public async Task A_blank_answer_says_the_code()
    {
        var line = await DescribeAsync(HttpStatusCode.ServiceUnavailable, " \n", "text/plain");

        Assert.Equal("503 Service Unavailable", line);
    }

    [Fact]
    public async Task The_text_of_an_answer_is_not_part_of_the_exceptions_message()
    {
        // The operator logs the message: a page in front of the API server does not go into its logs.
        var e = await ErrorAsync(HttpStatusCode.InternalServerError, "a page with a lot to say", "text/plain");

        Assert.DoesNotContain("a lot to say", e.Message, StringComparison.Ordinal);
        Assert.Equal("a page with a lot to say", e.Text);
    }

    private static async Task<string> DescribeAsync(HttpStatusCode code, string body, string mediaType) =>
        ApiErrors.Describe(await ErrorAsync(code, body, mediaType), "https://kube.test").Message;

    private static async Task<KubeApiException> ErrorAsync(HttpStatusCode code, string body, string mediaType) =>
        await Assert.ThrowsAsync<KubeApiException>(() =>
            TestKubeApi.Client(new Answer(code, body, mediaType)).SendAsync(HttpMethod.Get, "/api/v1/namespaces", null, CancellationToken.None));

    private sealed class Answer(HttpStatusCode code, string body, string mediaType) : HttpMessageHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
            Task.FromResult(new HttpResponseMessage(code) { Content = new StringContent(body, Encoding.UTF8, mediaType) });
    }
}
