using BackupOperator.Operator.Ocp;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace BackupOperator.Tests.Ocp;

/// <summary>A broken connection Secret is explained without repeating the credentials in it.</summary>
public sealed class OcpConnectionSettingsTests
{
    private const string Password = "hunter2-Pa55";
    private const string SecretKey = "SK-very-secret-0042";
    private const string Source = "Secret db/ocp-credentials";

    public static TheoryData<OcpConnectionSettings, string> Broken => new()
    {
        { new(Source, null, "admin", Password), "no OCP url (key 'url')" },
        { new(Source, "ftp://ocp.example.com", "admin", Password), "not an absolute http(s) URL" },
        { new(Source, "ocp.example.com:8080", "admin", Password), "not an absolute http(s) URL" },
        { new(Source, $"https://admin:{Password}@ocp.example.com", "admin", Password), "has user info ('@')" },
        { new(Source, $"https://ocp.example.com/?token={SecretKey}", "admin", Password), "has a query ('?')" },
        { new(Source, $"https://ocp.example.com/#{SecretKey}", "admin", Password), "has a fragment ('#')" },
        { new(Source, "https://ocp.example.com", "admin", Password, "AKID", SecretKey), "not both" },
        { new(Source, "https://ocp.example.com"), "not neither" },
        { new(Source, "https://ocp.example.com", null, Password), "Basic auth needs both 'username' and 'password'" },
        { new(Source, "https://ocp.example.com", "admin"), "Basic auth needs both 'username' and 'password'" },
        { new(Source, "https://ocp.example.com", AccessKeySecret: SecretKey), "AK/SK auth needs both 'accessKeyId' and 'accessKeySecret'" },
        { new(Source, "https://ocp.example.com", AccessKeyId: "AKID"), "AK/SK auth needs both 'accessKeyId' and 'accessKeySecret'" },
    };

    [Theory]
    [MemberData(nameof(Broken))]
    public void Invalid_settings_name_the_problem_and_never_a_credential(OcpConnectionSettings settings, string problem)
    {
        var e = Assert.Throws<OcpConfigurationException>(() => settings.Validate());

        Assert.StartsWith(Source, e.Message, StringComparison.Ordinal);
        Assert.Contains(problem, e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(Password, e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(SecretKey, e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(Password, settings.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain(SecretKey, settings.ToString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("http://internal-service/secret-page#", "has a fragment ('#')")]
    [InlineData("http://internal-service/secret-page#/api", "has a fragment ('#')")]
    [InlineData("http://internal-service#", "has a fragment ('#')")]
    [InlineData("http://internal-service/secret-page?", "has a query ('?')")]
    [InlineData("http://internal-service/secret-page%23", "has percent-encoding ('%')")]
    [InlineData("http://internal-service/secret-page%3F", "has percent-encoding ('%')")]
    [InlineData("http://ocp.example.com\\@internal-service/", "has user info ('@')")]
    [InlineData("http://ocp.example.com\\internal/", "has whitespace, control characters or backslashes")]
    [InlineData("http://ocp.example.com/ secret-page", "has whitespace, control characters or backslashes")]
    [InlineData("http://ocp.example.com/\tpath", "has whitespace, control characters or backslashes")]
    [InlineData("http://ocp.example.com/a/../admin", "has a '.' or '..' path segment")]
    [InlineData("http://ocp.example.com/./", "has a '.' or '..' path segment")]
    [InlineData("http:internal-service/", "not an absolute http(s) URL with a host")]
    [InlineData("http:///secret-page", "not an absolute http(s) URL with a host")]
    public void A_url_whose_text_could_mean_another_request_is_InvalidUrl(string url, string rule)
    {
        var e = Assert.Throws<OcpConfigurationException>(() => new OcpConnectionSettings(Source, url, "admin", Password).Validate());

        Assert.Equal(OcpConfigurationException.InvalidUrl, e.Reason);
        Assert.Contains(rule, e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(url, e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("internal", e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("secret-page", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_secrets_url_is_read_without_surrounding_whitespace()
    {
        var settings = OcpConnectionSettings.FromSecret(Source, new Dictionary<string, byte[]>
        {
            ["url"] = " https://ocp.example.com:8080/ \n"u8.ToArray(),
            ["username"] = "admin"u8.ToArray(),
            ["password"] = "pw"u8.ToArray(),
        });

        Assert.Equal(new Uri("https://ocp.example.com:8080/"), settings.Validate());
    }

    [Theory]
    [InlineData("http://ocp.example.com:8080", "admin", Password, null, null)]
    [InlineData("https://[::1]:8443/ocp-api/v1.2_x~y", "admin", Password, null, null)]
    [InlineData("HTTPS://OCP.example.com", "admin", Password, null, null)]
    [InlineData("https://ocp.example.com/base/", null, null, "AKID", SecretKey)]
    public void Valid_settings_give_the_url_and_print_no_secret(string url, string? user, string? password, string? akid, string? sk)
    {
        var settings = new OcpConnectionSettings(Source, url, user, password, akid, sk);

        Assert.Equal(new Uri(url), settings.Validate());
        Assert.Equal(akid is not null, settings.UsesAccessKey);
        Assert.DoesNotContain(Password, settings.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain(SecretKey, settings.ToString(), StringComparison.Ordinal);
        Assert.Contains(akid is null ? "Basic" : "AK/SK", settings.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Access_key_prints_its_id_but_not_its_secret()
    {
        var key = new AccessKeyDto("LTAI-id", SecretKey, "oss-cn-hangzhou.aliyuncs.com", null);

        Assert.Contains("LTAI-id", key.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain(SecretKey, key.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain(SecretKey, new StorageBaseInfoDto { BackupStorageType = "BACKUP_STORAGE_OSS", OssAccessKey = key }.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Factory_reuses_a_client_per_connection_and_refuses_broken_ones()
    {
        using var factory = new OcpClientFactory(Options.Create(new OcpOptions()), new FakeTimeProvider(), NullLogger<OcpClientFactory>.Instance);
        var a = new OcpConnectionSettings(Source, "https://ocp.example.com", "admin", Password);

        Assert.Same(factory.Get(a), factory.Get(a with { Source = "operator configuration 'Ocp'" }));
        Assert.NotSame(factory.Get(a), factory.Get(a with { Password = "other" }));
        Assert.Throws<OcpConfigurationException>(() => factory.Get(a with { Url = null }));

        var e = Assert.Throws<OcpConfigurationException>(() => factory.Get(a with { CaBundle = $"not a certificate {SecretKey}" }));
        Assert.Contains("'caBundle'", e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(SecretKey, e.Message, StringComparison.Ordinal);
    }
}
