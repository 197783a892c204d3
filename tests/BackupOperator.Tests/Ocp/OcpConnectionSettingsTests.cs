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
        { new(Source, $"https://admin:{Password}@ocp.example.com", "admin", Password), "without query or user info" },
        { new(Source, $"https://ocp.example.com/?token={SecretKey}", "admin", Password), "without query or user info" },
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
    [InlineData("http://ocp.example.com:8080", "admin", Password, null, null)]
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
