using System.Net;
using System.Net.Http.Headers;
using System.Text;
using BackupOperator.KubeClient;
using BackupOperator.KubectlPlugin.Cli;
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
    public async Task A_proxys_json_with_a_message_is_shown_with_the_code_not_as_the_api_servers_word()
    {
        var line = await DescribeAsync(HttpStatusCode.InternalServerError, """{"message":"no such backup"}""", "application/json");

        Assert.Equal("""500 Internal Server Error: {"message":"no such backup"}""", line);
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    public async Task A_status_without_a_message_gives_its_code_and_reason_not_its_json(string message)
    {
        var line = await DescribeAsync(HttpStatusCode.Conflict,
            $$"""{"kind":"Status","apiVersion":"v1","status":"Failure","message":"{{message}}","reason":"Conflict","code":409}""", "application/json");

        Assert.Equal("409 Conflict (Conflict)", line);
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

    [Fact]
    public async Task A_page_that_starts_with_many_blank_lines_still_shows_its_text()
    {
        // Templated error pages often start with hundreds of blank lines; the text after them is what the user needs.
        var page = string.Concat(Enumerable.Repeat("   \r\n", 300)) + "upstream connect error or disconnect/reset before headers";

        var line = await DescribeAsync(HttpStatusCode.ServiceUnavailable, page, "text/html");

        Assert.Equal("503 Service Unavailable: upstream connect error or disconnect/reset before headers", line);
    }

    [Fact]
    public async Task A_page_cut_short_says_so_even_when_little_of_it_is_text()
    {
        var page = "first words" + new string(' ', 1_000) + "the rest of the page, never shown";

        var line = await DescribeAsync(HttpStatusCode.BadGateway, page, "text/html");

        Assert.Equal("502 Bad Gateway: first words…", line);
    }

    [Fact]
    public async Task A_character_split_by_the_cut_is_left_out_whole()
    {
        // 199 characters, then a crab (two UTF-16 chars): the 200th char is the crab's first half.
        var page = new string('x', 199) + "🦀" + new string('y', 50);

        var e = await ErrorAsync(HttpStatusCode.BadGateway, page, "text/plain");

        Assert.Equal(new string('x', 199) + "…", e.Text);
    }

    [Fact]
    public async Task A_character_split_by_the_byte_window_is_not_shown_as_a_broken_one()
    {
        // "é" takes the window's last byte and the one after it: the window ends before it, not on half of it.
        var page = "words" + new string(' ', (KubeApiClient.MaxErrorText * 4) - 6) + "é and more";

        var e = await ErrorAsync(HttpStatusCode.BadGateway, page, "text/plain");

        Assert.Equal("words…", e.Text);
    }

    [Fact]
    public async Task Invalid_utf8_in_a_status_message_is_still_an_api_error()
    {
        var body = Encoding.UTF8.GetBytes("""{"kind":"Status","message":"bad \u0000""").Concat(new byte[] { 0xff, 0xfe }).Concat("\"}"u8.ToArray()).ToArray();

        var e = await Assert.ThrowsAsync<KubeApiException>(() =>
            TestKubeApi.Client(new Answer(HttpStatusCode.InternalServerError, body, "application/json")).SendAsync(HttpMethod.Get, "/api/v1/namespaces", null, CancellationToken.None));

        Assert.Equal(HttpStatusCode.InternalServerError, e.StatusCode);
    }

    [Theory]
    [InlineData("\u061c", "\\u061c")] // ARABIC LETTER MARK, a bidi mark like U+200E and U+200F
    [InlineData("\u009b", "\\x9b")] // C1 CSI
    [InlineData("\r", " ")] // a carriage return alone cannot overwrite the line
    [InlineData("\u0085", "\\x85")] // NEL
    [InlineData("\u0000", "\\x00")]
    public async Task A_page_cannot_act_on_the_terminal(string hostile, string shown)
    {
        var line = await DescribeAsync(HttpStatusCode.BadGateway, "a" + hostile + "b", "text/plain");

        Assert.Equal($"502 Bad Gateway: a{shown}b", line);
    }

    [Theory]
    [InlineData(HttpStatusCode.Forbidden, ExitCodes.NotFoundOrForbidden)]
    [InlineData(HttpStatusCode.NotFound, ExitCodes.NotFoundOrForbidden)]
    [InlineData(HttpStatusCode.Unauthorized, ExitCodes.Error)]
    [InlineData(HttpStatusCode.BadGateway, ExitCodes.Error)]
    public async Task A_page_does_not_change_the_exit_code(HttpStatusCode code, int exitCode)
    {
        var e = ApiErrors.Describe(await ErrorAsync(code, "exit code 0: everything is fine", "text/plain"), "https://kube.test");

        Assert.Equal(exitCode, e.ExitCode);
        Assert.Contains($"{(int)code} ", e.Message, StringComparison.Ordinal);
    }

    private static async Task<string> DescribeAsync(HttpStatusCode code, string body, string mediaType) =>
        ApiErrors.Describe(await ErrorAsync(code, body, mediaType), "https://kube.test").Message;

    private static async Task<KubeApiException> ErrorAsync(HttpStatusCode code, string body, string mediaType) =>
        await Assert.ThrowsAsync<KubeApiException>(() =>
            TestKubeApi.Client(new Answer(code, body, mediaType)).SendAsync(HttpMethod.Get, "/api/v1/namespaces", null, CancellationToken.None));

    private sealed class Answer(HttpStatusCode code, byte[] body, string mediaType) : HttpMessageHandler
    {
        public Answer(HttpStatusCode code, string body, string mediaType)
            : this(code, Encoding.UTF8.GetBytes(body), mediaType)
        {
        }

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var content = new ByteArrayContent(body);
            content.Headers.ContentType = new MediaTypeHeaderValue(mediaType);
            return Task.FromResult(new HttpResponseMessage(code) { Content = content });
        }
    }
}
