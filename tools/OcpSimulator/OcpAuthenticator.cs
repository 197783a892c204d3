using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;

namespace BackupOperator.OcpSimulator;

/// <summary>
/// Checks a request the way OCP does: Basic, or the OCP-ACCESS-KEY-HMACSHA1 signature rebuilt from
/// the request as received (method, body MD5, Content-Type, Date, Host, x-ocp-* headers, path and
/// sorted, RFC 3986-encoded query). Written independently of the operator's signer.
/// </summary>
public sealed class OcpAuthenticator(IOptionsMonitor<SimulatorOptions> options, TimeProvider time)
{
    private const string SignedScheme = "OCP-ACCESS-KEY-HMACSHA1 ";

    /// <summary>The authenticated principal, or the reason for a 401.</summary>
    public (string? User, string? Error) Authenticate(HttpRequest request, byte[] body)
    {
        var header = request.Headers.Authorization.ToString();
        if (string.IsNullOrEmpty(header))
        {
            return (null, "missing Authorization header");
        }

        if (header.StartsWith("Basic ", StringComparison.Ordinal))
        {
            string decoded;
            try
            {
                decoded = Encoding.UTF8.GetString(Convert.FromBase64String(header["Basic ".Length..].Trim()));
            }
            catch (FormatException)
            {
                return (null, "malformed Basic credentials");
            }

            var parts = decoded.Split(':', 2);
            var users = SimulatorOptions.Pairs(options.CurrentValue.Users);
            if (parts.Length != 2 || !users.TryGetValue(parts[0], out var password))
            {
                return (null, "unknown user");
            }

            return CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(password), Encoding.UTF8.GetBytes(parts[1]))
                ? (parts[0], null)
                : (null, "wrong password");
        }

        if (!header.StartsWith(SignedScheme, StringComparison.Ordinal))
        {
            return (null, "unsupported authorization scheme");
        }

        var credential = header[SignedScheme.Length..].Split(':', 2);
        var keys = SimulatorOptions.Pairs(options.CurrentValue.AccessKeys);
        if (credential.Length != 2 || !keys.TryGetValue(credential[0], out var secret))
        {
            return (null, "unknown access key");
        }

        var date = request.Headers.Date.ToString();
        if (!DateTimeOffset.TryParseExact(date, "r", CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var sent))
        {
            return (null, "missing or malformed Date header");
        }

        if ((time.GetUtcNow() - sent).Duration() > TimeSpan.FromMinutes(options.CurrentValue.MaxDateSkewMinutes))
        {
            return (null, $"request Date {date} is too far from server time");
        }

        var expected = Sign(secret, CanonicalString(request, body));
        return CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(expected), Encoding.ASCII.GetBytes(credential[1]))
            ? (credential[0], null)
            : (null, "signature mismatch");
    }

    public static string CanonicalString(HttpRequest request, byte[] body)
    {
#pragma warning disable CA5351 // the protocol's checksum
        var md5 = body.Length == 0 ? "" : Convert.ToHexString(MD5.HashData(body));
#pragma warning restore CA5351
        var ocpHeaders = request.Headers
            .Where(h => h.Key.StartsWith("x-ocp-", StringComparison.OrdinalIgnoreCase))
            .Select(h => (Name: h.Key.ToLowerInvariant(), Value: h.Value.ToString()))
            .OrderBy(h => h.Name, StringComparer.Ordinal)
            .Select(h => $"{h.Name}:{h.Value}");
        var query = request.Query
            .SelectMany(q => q.Value.Select(v => (Key: q.Key, Value: v ?? "")))
            .OrderBy(q => q.Key, StringComparer.Ordinal).ThenBy(q => q.Value, StringComparer.Ordinal)
            .Select(q => $"{Encode(q.Key)}={Encode(q.Value)}")
            .ToList();
        var path = request.PathBase.Add(request.Path).ToUriComponent() + (query.Count == 0 ? "" : "?" + string.Join('&', query));
        return string.Join('\n',
            request.Method.ToUpperInvariant(),
            md5,
            request.Headers.ContentType.ToString(),
            request.Headers.Date.ToString(),
            request.Headers.Host.ToString(),
            string.Join('\n', ocpHeaders),
            path);
    }

    // RFC 3986: only unreserved characters stay as they are; hex in upper case.
    private static string Encode(string s)
    {
        var sb = new StringBuilder();
        foreach (var b in Encoding.UTF8.GetBytes(s))
        {
            var c = (char)b;
            if (char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' or '~')
            {
                sb.Append(c);
            }
            else
            {
                sb.Append('%').Append(b.ToString("X2", CultureInfo.InvariantCulture));
            }
        }

        return sb.ToString();
    }

#pragma warning disable CA5350 // the protocol's MAC
    private static string Sign(string secret, string stringToSign) =>
        Convert.ToBase64String(HMACSHA1.HashData(Encoding.UTF8.GetBytes(secret), Encoding.UTF8.GetBytes(stringToSign)));
#pragma warning restore CA5350
}
