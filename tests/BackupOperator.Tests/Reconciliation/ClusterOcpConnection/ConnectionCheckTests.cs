using BackupOperator.Entities;
using BackupOperator.Operator.Ocp;
using BackupOperator.Operator.Reconciliation.ClusterOcpConnection;
using k8s.Models;

namespace BackupOperator.Tests.Reconciliation.ClusterOcpConnection;

/// <summary>Each way a connection fails has its reason, and a message that says what to fix.</summary>
public sealed class ConnectionCheckTests
{
    private static readonly SecretReference Secret = new() { Namespace = "ops", Name = "ocp-main" };

    [Fact]
    public void A_missing_Secret_names_it_and_the_keys_it_needs()
    {
        var c = ConnectionCheck.SecretUnavailable(Secret, forbidden: false);

        Assert.False(c.Ready);
        Assert.Equal("SecretNotFound", c.Reason);
        Assert.Contains("Secret ops/ocp-main", c.Message, StringComparison.Ordinal);
        Assert.Contains("'accessKeyId'", c.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_forbidden_Secret_names_the_permission()
    {
        var c = ConnectionCheck.SecretUnavailable(Secret, forbidden: true);

        Assert.Equal("SecretNotReadable", c.Reason);
        Assert.Contains("'get' on secrets in namespace ops", c.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(null, null, "neither")]
    [InlineData("bot", null, "needs both")]
    [InlineData(null, "AK-1", "needs both")]
    public void Missing_keys_are_CredentialsIncomplete(string? username, string? accessKeyId, string words)
    {
        var connection = ConnectionStatusDecisionTests.Connection();
        var data = new Dictionary<string, byte[]>();
        if (username is not null)
        {
            data["username"] = "bot"u8.ToArray();
        }

        if (accessKeyId is not null)
        {
            data["accessKeyId"] = "AK-1"u8.ToArray();
        }

        var e = Assert.Throws<OcpConfigurationException>(() => ConnectionSettings.From(connection, data).Validate());
        var c = ConnectionCheck.Incomplete(e);

        Assert.Equal("CredentialsIncomplete", c.Reason);
        Assert.Contains("Secret ops/ocp-main", c.Message, StringComparison.Ordinal);
        Assert.Contains(words, c.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_url_comes_from_the_spec_and_a_url_key_in_the_Secret_is_ignored()
    {
        var settings = ConnectionSettings.From(ConnectionStatusDecisionTests.Connection(), new Dictionary<string, byte[]>
        {
            ["url"] = "https://elsewhere.example.com"u8.ToArray(),
            ["accessKeyId"] = "AK-1\n"u8.ToArray(),
            ["accessKeySecret"] = "SK-1"u8.ToArray(),
        });

        Assert.Equal("https://ocp.example.com:8080", settings.Url);
        Assert.Equal("AK-1", settings.AccessKeyId);
        Assert.True(settings.UsesAccessKey);
        settings.Validate();
    }

    [Theory]
    [InlineData("ftp://ocp.example.com")]
    [InlineData("https://user:secret-pass@ocp.example.com")]
    [InlineData("https://ocp.example.com/?token=abc")]
    [InlineData("not a url")]
    [InlineData("http://internal-service/secret-page#")]
    [InlineData("http://internal-service/secret-page#/api")]
    [InlineData("http://internal-service/secret-page?")]
    [InlineData("http://internal-service/secret-page%23")]
    public void A_bad_url_is_InvalidUrl_and_never_echoed(string url)
    {
        var c = ConnectionCheck.FromSpec(new ClusterOcpConnectionSpec { Url = url, CredentialsSecretRef = Secret });

        Assert.Equal("InvalidUrl", c!.Reason);
        Assert.DoesNotContain(url, c.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("secret-pass", c.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("secret-page", c.Message, StringComparison.Ordinal);
        Assert.StartsWith("spec.url ", c.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_redirect_names_its_host_and_says_it_was_not_followed()
    {
        var c = ConnectionCheck.FromOcp(OcpApiException.Redirect("listTasks", 302, "to host internal-svc:8080"), Secret);

        Assert.Equal("OcpRejected", c.Reason);
        Assert.Contains("HTTP 302 (a redirect to host internal-svc:8080, not followed", c.Message, StringComparison.Ordinal);
        Assert.Contains("spec.url", c.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_fragment_says_so()
    {
        var c = ConnectionCheck.FromSpec(new ClusterOcpConnectionSpec { Url = "http://internal-service/secret-page#", CredentialsSecretRef = Secret });

        Assert.Contains("has a fragment ('#')", c!.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_invalid_url_found_when_connecting_keeps_its_reason()
    {
        var invalid = Assert.Throws<OcpConfigurationException>(() => new OcpConnectionSettings("spec.url", "http://h/p#", "u", "p").Validate());

        Assert.Equal("InvalidUrl", ConnectionCheck.Incomplete(invalid).Reason);
        Assert.Equal("CredentialsIncomplete", ConnectionCheck.Incomplete(new OcpConfigurationException("no password")).Reason);
    }

    /// <summary>
    /// What the API server admits (the CRD's pattern for spec.url) is never looser than the operator
    /// for a URL that could cut off the API path: those are refused at apply time.
    /// </summary>
    [Theory]
    [InlineData("http://internal-service/secret-page#", false)]
    [InlineData("http://internal-service/#", false)]
    [InlineData("http://internal-service/secret-page?x=1", false)]
    [InlineData("http://user@internal-service/", false)]
    [InlineData("http://internal-service\\admin", false)]
    [InlineData("http://internal-service/a b", false)]
    [InlineData("http://internal-service/secret-page%23", false)]
    [InlineData("https://ocp.example.com:8080", true)]
    [InlineData("http://127.0.0.1:8080/ocp", true)]
    public void The_crd_pattern_refuses_what_could_cut_off_the_api_path(string url, bool admitted)
    {
        var yaml = new YamlDotNet.RepresentationModel.YamlStream();
        yaml.Load(new StringReader(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "config", "crds", "ocp.oceanbase.com_clusterocpconnections.yaml"))));
        var root = (YamlDotNet.RepresentationModel.YamlMappingNode)yaml.Documents[0].RootNode;
        var version = (YamlDotNet.RepresentationModel.YamlMappingNode)((YamlDotNet.RepresentationModel.YamlSequenceNode)root["spec"]["versions"])[0];
        var pattern = ((YamlDotNet.RepresentationModel.YamlScalarNode)version["schema"]["openAPIV3Schema"]["properties"]["spec"]["properties"]["url"]["pattern"]).Value!;

        Assert.Equal(admitted, System.Text.RegularExpressions.Regex.IsMatch(url, pattern, System.Text.RegularExpressions.RegexOptions.None, TimeSpan.FromSeconds(1)));
        Assert.Equal(admitted, OcpBaseUrl.Problem(url) is null);
    }

    [Fact]
    public void A_valid_spec_has_nothing_to_say()
    {
        Assert.Null(ConnectionCheck.FromSpec(new ClusterOcpConnectionSpec { Url = "http://127.0.0.1:8080", CredentialsSecretRef = Secret }));
    }

    [Theory]
    [InlineData(401, "OcpAuthenticationFailed", "refused the credentials")]
    [InlineData(403, "OcpAuthenticationFailed", "permission")]
    [InlineData(400, "OcpRejected", "refused to list tasks")]
    [InlineData(404, "OcpRejected", "refused to list tasks")]
    [InlineData(429, "OcpUnreachable", "did not answer")]
    public void OCPs_refusals_by_status(int status, string reason, string words)
    {
        var c = ConnectionCheck.FromOcp(new OcpApiException("listTasks", OcpFailureKind.Rejected, "nope", status, "Code1", traceId: "trace-1"), Secret);

        Assert.False(c.Ready);
        Assert.Equal(reason, c.Reason);
        Assert.Contains(words, c.Message, StringComparison.Ordinal);
        Assert.Contains($"HTTP {status}", c.Message, StringComparison.Ordinal);
        // OCP's traceId differs on every call: in the message, every recheck would rewrite the status.
        Assert.DoesNotContain("trace-1", c.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(OcpFailureKind.Unreachable, null, "OcpUnreachable")]
    [InlineData(OcpFailureKind.Lost, null, "OcpUnreachable")]
    [InlineData(OcpFailureKind.ServerError, 503, "OcpUnreachable")]
    [InlineData(OcpFailureKind.InvalidResponse, 200, "OcpRejected")]
    [InlineData(OcpFailureKind.InvalidResponse, 401, "OcpAuthenticationFailed")]
    public void Failures_on_the_way_by_kind(OcpFailureKind kind, int? status, string reason)
    {
        var c = ConnectionCheck.FromOcp(new OcpApiException("listTasks", kind, "detail", status), Secret);

        Assert.Equal(reason, c.Reason);
    }

    [Fact]
    public void A_long_answer_is_cut()
    {
        var c = ConnectionCheck.FromOcp(new OcpApiException("listTasks", OcpFailureKind.InvalidResponse, new string('x', 5000), 200), Secret);

        Assert.Equal(ConnectionCheck.MaxMessageLength, c.Message.Length);
    }

    [Fact]
    public void A_working_connection_says_which_credentials_worked()
    {
        Assert.Equal(new ConnectionCheck(true, "Connected", "OCP answered an authenticated read (AK/SK credentials)"), ConnectionCheck.Connected(accessKey: true));
    }

    [Fact]
    public void The_condition_type_is_Ready()
    {
        var s = new ClusterOcpConnectionStatus().SetNotReady("SecretNotFound", "m", DateTime.UnixEpoch, 1);

        Assert.Equal(["Ready"], s.Conditions!.Select((V1Condition c) => c.Type));
        Assert.False(s.IsReady());
    }
}
