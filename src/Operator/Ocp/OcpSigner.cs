using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace BackupOperator.Operator.Ocp;

/// <summary>
/// OCP's AK/SK request signature ("OCP-ACCESS-KEY-HMACSHA1"). Pure functions, so a vector computed
/// by hand pins the exact bytes.
/// </summary>
public static class OcpSigner
{
    public const string Scheme = "OCP-ACCESS-KEY-HMACSHA1";

    /// <summary>The seven parts joined by '\n', as OCP rebuilds them from the request it receives.</summary>
    public static string StringToSign(
        string method,
        ReadOnlySpan<byte> body,
        string? contentType,
        string date,
        string host,
        IEnumerable<KeyValuePair<string, string>> ocpHeaders,
        string path,
        IEnumerable<KeyValuePair<string, string>> query)
    {
#pragma warning disable CA5351 // OCP's protocol prescribes MD5 of the body; it is a checksum here, not a security boundary.
        var bodyMd5 = body.IsEmpty ? string.Empty : Convert.ToHexString(MD5.HashData(body));
#pragma warning restore CA5351
        var headers = string.Join('\n', ocpHeaders
            .Select(h => new KeyValuePair<string, string>(h.Key.ToLowerInvariant(), h.Value))
            .OrderBy(h => h.Key, StringComparer.Ordinal)
            .Select(h => $"{h.Key}:{h.Value}"));
        return string.Join('\n',
            method.ToUpperInvariant(),
            bodyMd5,
            contentType ?? string.Empty,
            date,
            host,
            headers,
            path + CanonicalQuery(query));
    }

    /// <summary>"?k=v&amp;..." sorted by name (then value), RFC 3986 encoded; empty without parameters.</summary>
    public static string CanonicalQuery(IEnumerable<KeyValuePair<string, string>> query)
    {
        var parts = query
            .OrderBy(p => p.Key, StringComparer.Ordinal)
            .ThenBy(p => p.Value, StringComparer.Ordinal)
            .Select(p => $"{Uri.EscapeDataString(p.Key)}={Uri.EscapeDataString(p.Value)}")
            .ToList();
        return parts.Count == 0 ? string.Empty : "?" + string.Join('&', parts);
    }

#pragma warning disable CA5350 // HMAC-SHA1 is what OCP verifies; the choice is OCP's.
    public static string Sign(string accessKeySecret, string stringToSign) =>
        Convert.ToBase64String(HMACSHA1.HashData(Encoding.UTF8.GetBytes(accessKeySecret), Encoding.UTF8.GetBytes(stringToSign)));
#pragma warning restore CA5350

    public static string AuthorizationValue(string accessKeyId, string signature) => $"{Scheme} {accessKeyId}:{signature}";

    /// <summary>RFC 1123, the form OCP expects in the Date header.</summary>
    public static string FormatDate(DateTimeOffset now) => now.UtcDateTime.ToString("r", CultureInfo.InvariantCulture);

    /// <summary>
    /// host[:port] exactly as the configured URL spells it: System.Uri drops default ports, but
    /// OCP signs the Host header the client sent, which keeps what the user wrote.
    /// </summary>
    public static string HostFromUrlText(string url)
    {
        var rest = url[(url.IndexOf("://", StringComparison.Ordinal) + 3)..];
        var end = rest.IndexOfAny(['/', '?', '#']);
        var authority = end < 0 ? rest : rest[..end];
        var at = authority.LastIndexOf('@');
        return (at < 0 ? authority : authority[(at + 1)..]).ToLowerInvariant();
    }

    /// <summary>Splits a raw query ("?a=1&amp;b=x%2Cy") into decoded pairs.</summary>
    public static IEnumerable<KeyValuePair<string, string>> ParseQuery(string rawQuery)
    {
        foreach (var part in rawQuery.TrimStart('?').Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var eq = part.IndexOf('=', StringComparison.Ordinal);
            var key = eq < 0 ? part : part[..eq];
            var value = eq < 0 ? string.Empty : part[(eq + 1)..];
            yield return new(Uri.UnescapeDataString(key.Replace('+', ' ')), Uri.UnescapeDataString(value.Replace('+', ' ')));
        }
    }
}
