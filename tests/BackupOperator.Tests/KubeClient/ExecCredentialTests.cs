using System.Net;
using BackupOperator.KubeClient;
using Microsoft.Extensions.Time.Testing;

namespace BackupOperator.Tests.KubeClient;

/// <summary>Exec credential plugins (client.authentication.k8s.io/v1 and v1beta1), run as real processes: small shell scripts.</summary>
public sealed class ExecCredentialTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("exec-tests").FullName;
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 12, 6, 0, 0, 0, TimeSpan.Zero));
    private HttpStatusCode _answer = HttpStatusCode.OK;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string Runs => Path.Combine(_dir, "runs");

    /// <summary>A plugin that counts its runs, records its args and environment, and prints <paramref name="status"/> as an ExecCredential.</summary>
    private string Plugin(string apiVersion, string status, int exitCode = 0, string stderr = "")
    {
        Status(status);
        return Script("plugin.sh", $$"""
            #!/bin/sh
            echo run >> "{{Runs}}"
            echo "$*|$REGION|$KUBERNETES_EXEC_INFO" > "{{_dir}}/seen"
            printf '{{stderr}}' >&2
            [ {{exitCode}} -ne 0 ] && exit {{exitCode}}
            printf '{"apiVersion":"{{apiVersion}}","kind":"ExecCredential","status":'
            cat "{{_dir}}/status"
            echo '}'
            """);
    }

    /// <summary>An executable shell script in the test's directory.</summary>
    private string Script(string name, string text)
    {
        var path = Path.Combine(_dir, name);
        File.WriteAllText(path, text);
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }

        return path;
    }

    /// <summary>What the plugin prints as status from its next run on.</summary>
    private void Status(string status) => File.WriteAllText(Path.Combine(_dir, "status"), status);

    private static ExecConfig Config(string command, string apiVersion) =>
        new(command, ["--cluster", "prod"], [new("REGION", "eu")], apiVersion) { InstallHint = "see https://example.com/get-token" };

    private int RunCount => File.Exists(Runs) ? File.ReadAllLines(Runs).Length : 0;

    private (Func<Task> Send, List<string> Sent) Client(ExecConfig exec)
    {
        var sent = new List<string>();
        var connection = new KubeConnection(new Uri("https://127.0.0.1:6443")) { Exec = exec, Impersonate = "jane", ImpersonateGroups = ["a", "b"] };
        var server = new FakeApiServer((request, _) =>
        {
            sent.Add(request.Headers.Authorization?.ToString() ?? "(none)");
            Assert.Equal("jane", Assert.Single(request.Headers.GetValues("Impersonate-User")));
            Assert.Equal(["a", "b"], request.Headers.GetValues("Impersonate-Group"));
            return (_answer, "{}");
        });
        var invoker = new HttpMessageInvoker(connection.CreateAuthorizationHandler(_time, server));
        return (async () => (await invoker.SendAsync(new HttpRequestMessage(HttpMethod.Get, "https://127.0.0.1:6443/api"), CancellationToken.None)).Dispose(), sent);
    }

    [Theory]
    [InlineData(ExecConfig.V1)]
    [InlineData(ExecConfig.V1Beta1)]
    public async Task The_plugins_token_is_sent_and_it_gets_its_args_env_and_exec_info(string apiVersion)
    {
        var (send, sent) = Client(Config(Plugin(apiVersion, """{"token":"tok-1"}"""), apiVersion));

        await send();
        await send();

        Assert.Equal(["Bearer tok-1", "Bearer tok-1"], sent);
        Assert.Equal(1, RunCount); // no expirationTimestamp: kept until a 401
        var seen = File.ReadAllText(Path.Combine(_dir, "seen")).Trim().Split('|');
        Assert.Equal(("--cluster prod", "eu"), (seen[0], seen[1]));
        Assert.Contains($"\"apiVersion\":\"{apiVersion}\"", seen[2], StringComparison.Ordinal);
        Assert.Contains("\"interactive\":false", seen[2], StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_credential_is_kept_until_its_expiration_and_after_a_401_the_plugin_runs_again()
    {
        var (send, _) = Client(Config(Plugin(ExecConfig.V1, """{"token":"t","expirationTimestamp":"2026-12-06T00:10:00Z"}"""), ExecConfig.V1));

        await send();
        _time.Advance(TimeSpan.FromMinutes(9));
        await send();
        Assert.Equal(1, RunCount);

        _time.Advance(TimeSpan.FromMinutes(1));
        await send();
        Assert.Equal(2, RunCount);

        Status("""{"token":"t","expirationTimestamp":"2026-12-06T01:00:00Z"}""");
        await send();
        Assert.Equal(3, RunCount); // the credential of run 2 had expired already
        await send();
        Assert.Equal(3, RunCount);

        _answer = HttpStatusCode.Unauthorized; // still valid by its time: only the 401 makes it stale
        await send();
        _answer = HttpStatusCode.OK;
        await send();
        Assert.Equal(4, RunCount);
    }

    [Fact]
    public async Task A_late_401_for_a_credential_already_replaced_leaves_the_new_one()
    {
        var exec = Config(Plugin(ExecConfig.V1, """{"token":"t-1"}"""), ExecConfig.V1);
        using var provider = new ExecCredentialProvider(exec, _time);
        var first = await provider.GetAsync(CancellationToken.None);
        provider.Invalidate(first); // a 401 for t-1
        Status("""{"token":"t-2"}""");
        var second = await provider.GetAsync(CancellationToken.None);

        provider.Invalidate(first); // a request sent with t-1 before, answered 401 only now

        Assert.Same(second, await provider.GetAsync(CancellationToken.None));
        Assert.Equal(("t-2", 2), (second.Token, RunCount));
    }

    [Fact]
    public void A_credential_printed_never_shows_its_token()
    {
        var credential = new ExecCredential("very-secret-token", null, new DateTimeOffset(2026, 12, 6, 1, 0, 0, TimeSpan.Zero));

        Assert.DoesNotContain("very-secret-token", credential.ToString(), StringComparison.Ordinal);
        Assert.Contains("2026-12-06T01:00:00", credential.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_plugin_that_prints_without_end_is_killed_at_the_output_limit()
    {
        var path = Script("flood.sh", $"#!/bin/sh\necho $$ > \"{_dir}/pid\"\nexec yes '{{\"token\":\"x\"}}'\n");
        var (send, sent) = Client(Config(path, ExecConfig.V1));

        var error = await Assert.ThrowsAsync<ExecCredentialException>(send);

        Assert.Equal($"exec plugin {path} printed more than 1 MiB: not an ExecCredential", error.Message);
        Assert.Empty(sent);
        Assert.False(Running(int.Parse(File.ReadAllText(Path.Combine(_dir, "pid")).Trim(), System.Globalization.CultureInfo.InvariantCulture)));
    }

    [Fact]
    public async Task A_request_that_times_out_waiting_for_the_plugin_names_the_plugin_and_its_end_kills_it()
    {
        var path = Script("hang.sh", $"#!/bin/sh\necho $$ > \"{_dir}/pid\"\nexec sleep 300\n");
        var connection = new KubeConnection(new Uri("https://127.0.0.1:6443")) { Exec = Config(path, ExecConfig.V1) };
        var server = new FakeApiServer((_, _) => (HttpStatusCode.OK, "{}"));
        var http = new HttpClient(connection.CreateAuthorizationHandler(TimeProvider.System, server)) { BaseAddress = connection.Server };
        var client = new BackupOperator.KubeClient.KubeApiClient(http, [], TimeSpan.FromMilliseconds(500));

        var error = await Assert.ThrowsAsync<ExecCredentialException>(() => client.SendAsync(HttpMethod.Get, "/api", null, CancellationToken.None));
        var pid = await PidAsync();
        Assert.True(Running(pid)); // shared by the requests still to come, within its own minute
        http.Dispose();

        Assert.Equal($"exec plugin {path} had not answered yet within the request timeout of 0.5 s", error.Message);
        await Eventually.TrueAsync(() => !Running(pid)); // the plugin does not outlive its client
    }

    private async Task<int> PidAsync()
    {
        var file = Path.Combine(_dir, "pid");
        await Eventually.TrueAsync(() => File.Exists(file) && File.ReadAllText(file).Trim().Length > 0);
        return int.Parse(File.ReadAllText(file).Trim(), System.Globalization.CultureInfo.InvariantCulture);
    }

    private static bool Running(int pid) => File.Exists($"/proc/{pid}/stat") && !File.ReadAllText($"/proc/{pid}/stat").Split(") ")[1].StartsWith('Z');

    [Fact]
    public async Task A_failing_plugin_is_one_line_naming_its_command_and_install_hint()
    {
        var plugin = Plugin(ExecConfig.V1, "{}", exitCode: 3, stderr: "token expired\\nrun login first\\n");
        var (send, sent) = Client(Config(plugin, ExecConfig.V1));

        var error = await Assert.ThrowsAsync<ExecCredentialException>(send);

        Assert.Equal($"exec plugin {plugin} failed with exit code 3: token expired (see https://example.com/get-token)", error.Message);
        Assert.Empty(sent);
    }

    [Fact]
    public async Task A_missing_command_is_one_line_with_its_install_hint()
    {
        var (send, _) = Client(Config(Path.Combine(_dir, "no-such-plugin"), ExecConfig.V1));

        var error = await Assert.ThrowsAsync<ExecCredentialException>(send);

        Assert.StartsWith($"exec plugin {Path.Combine(_dir, "no-such-plugin")}: cannot run it", error.Message, StringComparison.Ordinal);
        Assert.EndsWith("(see https://example.com/get-token)", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', error.Message);
    }

    [Theory]
    [InlineData(ExecConfig.V1Beta1, """{"token":"secret-x"}""", "answered apiVersion client.authentication.k8s.io/v1beta1")]
    [InlineData(ExecConfig.V1, """{}""", "neither a token nor")]
    [InlineData(ExecConfig.V1, """{"token":"secret-x","expirationTimestamp":"soon"}""", "is not an RFC 3339 time")]
    public async Task Bad_output_is_an_error_naming_the_plugin_never_the_token(string printed, string status, string expected)
    {
        var plugin = Plugin(printed, status);
        var (send, _) = Client(Config(plugin, ExecConfig.V1));

        var error = await Assert.ThrowsAsync<ExecCredentialException>(send);

        Assert.StartsWith($"exec plugin {plugin}", error.Message, StringComparison.Ordinal);
        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("secret-x", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_client_certificate_from_the_plugin_is_read_with_its_key()
    {
        using var key = System.Security.Cryptography.ECDsa.Create();
        var request = new System.Security.Cryptography.X509Certificates.CertificateRequest("CN=exec", key, System.Security.Cryptography.HashAlgorithmName.SHA256);
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));
        var provider = new ExecCredentialProvider(Config("unused", ExecConfig.V1), _time);
        static string Encode(string pem) => System.Text.Json.JsonEncodedText.Encode(pem).ToString();
        var json = $$$"""
            {"apiVersion":"{{{ExecConfig.V1}}}","kind":"ExecCredential",
             "status":{"clientCertificateData":"{{{Encode(certificate.ExportCertificatePem())}}}","clientKeyData":"{{{Encode(key.ExportPkcs8PrivateKeyPem())}}}"}}
            """;

        var credential = provider.Parse(json);

        Assert.Equal(certificate.Thumbprint, credential.ClientCertificate!.Thumbprint);
        Assert.True(credential.ClientCertificate.HasPrivateKey);
        Assert.Null(credential.Token);
    }
}
