using System.Text;
using BackupOperator.Operator.Ocp;

namespace BackupOperator.Tests.Ocp;

/// <summary>The AK/SK signature pinned by vectors computed outside .NET (md5sum, openssl).</summary>
public sealed class OcpSignerTests
{
    private const string Secret = "test-secret-key";
    private const string Date = "Tue, 24 Nov 2026 12:00:00 GMT";

    [Fact]
    public void Post_with_body_headers_and_query_matches_the_hand_computed_vector()
    {
        const string body = """{"clusterId":8,"backupDimension":"CLUSTER"}""";
        // printf '%s' '{"clusterId":8,"backupDimension":"CLUSTER"}' | md5sum  ->  dc892d2ecc5588c5115df91a03653f33
        const string expected =
            "POST\n" +
            "DC892D2ECC5588C5115DF91A03653F33\n" +
            "application/json\n" +
            "Tue, 24 Nov 2026 12:00:00 GMT\n" +
            "ocp.example.com:8080\n" +
            "x-ocp-client:backup-operator\n" +
            "x-ocp-trace-id:t-42\n" +
            "/api/v2/ob/clusters/8/backup/backupNow?clusterId=8&name=daily%20backup%2F%C3%BC&status=RUNNING%2CFAILED";

        var toSign = OcpSigner.StringToSign(
            "post", Encoding.UTF8.GetBytes(body), "application/json", Date, "ocp.example.com:8080",
            [new("x-ocp-trace-id", "t-42"), new("x-ocp-client", "backup-operator")],
            "/api/v2/ob/clusters/8/backup/backupNow",
            [new("status", "RUNNING,FAILED"), new("name", "daily backup/ü"), new("clusterId", "8")]);

        Assert.Equal(expected, toSign);
        // printf '%s' "$expected" | openssl dgst -sha1 -hmac test-secret-key -binary | base64
        Assert.Equal("vdgfO7JY2+/kNcmV906DRuC5zMg=", OcpSigner.Sign(Secret, toSign));
        Assert.Equal("OCP-ACCESS-KEY-HMACSHA1 AKID:vdgfO7JY2+/kNcmV906DRuC5zMg=", OcpSigner.AuthorizationValue("AKID", "vdgfO7JY2+/kNcmV906DRuC5zMg="));
    }

    [Fact]
    public void Get_without_body_has_empty_md5_content_type_and_headers_lines_and_no_question_mark()
    {
        var toSign = OcpSigner.StringToSign("GET", [], null, Date, "ocp.example.com", [], "/api/v2/tasks/instances/3000041", []);

        Assert.Equal("GET\n\n\nTue, 24 Nov 2026 12:00:00 GMT\nocp.example.com\n\n/api/v2/tasks/instances/3000041", toSign);
        // printf 'GET\n\n\nTue, 24 Nov 2026 12:00:00 GMT\nocp.example.com\n\n/api/v2/tasks/instances/3000041' | openssl dgst -sha1 -hmac test-secret-key -binary | base64
        Assert.Equal("pJDKsIxEhXsg18+OLuF5LEk7u5I=", OcpSigner.Sign(Secret, toSign));
    }

    [Fact]
    public void Canonical_query_is_empty_without_parameters_and_encodes_all_but_unreserved()
    {
        Assert.Equal(string.Empty, OcpSigner.CanonicalQuery([]));
        Assert.Equal("?a=-_.~%2A%27%28%29%2B%3D%26", OcpSigner.CanonicalQuery([new("a", "-_.~*'()+=&")]));
    }

    [Fact]
    public void Parsed_query_round_trips_to_the_same_canonical_form()
    {
        var canonical = "?clusterId=8&name=daily%20backup%2F%C3%BC&status=RUNNING%2CFAILED";

        Assert.Equal(canonical, OcpSigner.CanonicalQuery(OcpSigner.ParseQuery(canonical)));
    }

    [Theory]
    [InlineData("https://ocp.example.com:443/", "ocp.example.com:443")]
    [InlineData("https://ocp.example.com", "ocp.example.com")]
    [InlineData("http://OCP.Example.com:80/base/path?x=1", "ocp.example.com:80")]
    [InlineData("https://admin:p@ss@ocp.example.com:8443/api", "ocp.example.com:8443")]
    [InlineData("http://[fd00::1]:8080/", "[fd00::1]:8080")]
    public void Host_comes_from_the_url_text_with_an_explicit_port_and_without_user_info(string url, string host)
    {
        Assert.Equal(host, OcpSigner.HostFromUrlText(url));
    }

    [Fact]
    public void Date_is_rfc_1123_in_gmt()
    {
        Assert.Equal(Date, OcpSigner.FormatDate(new DateTimeOffset(2026, 11, 24, 20, 0, 0, TimeSpan.FromHours(8))));
    }
}
