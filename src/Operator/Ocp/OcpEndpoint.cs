using System.Globalization;
using System.Text.RegularExpressions;

namespace BackupOperator.Operator.Ocp;

/// <summary>
/// Which OCP a connection reaches, as one comparable text: scheme, lower-case host (without the
/// trailing dot of a fully qualified name), port (always written, so <c>https://ocp</c> and
/// <c>https://ocp:443</c> are one OCP) and path without a trailing slash, its percent escapes in
/// upper case. Cluster ids are numbered per OCP, so a cluster is (endpoint, clusterId). Never holds
/// credentials: user info, query and fragment are not part of it.
/// </summary>
public static partial class OcpEndpoint
{
    /// <summary>The longest endpoint recorded in status.ocpEndpoint (the CRD's maxLength).</summary>
    public const int MaxLength = 2048;

    /// <summary>The normalised endpoint of <paramref name="url"/>; null when it is not an absolute http(s) URL with a host.</summary>
    public static string? Normalize(string? url)
    {
        if (string.IsNullOrWhiteSpace(url) || !Uri.TryCreate(url.Trim(), UriKind.Absolute, out var uri)
            || uri.Scheme is not ("http" or "https") || string.IsNullOrEmpty(uri.Host))
        {
            return null;
        }

        var host = uri.HostNameType == UriHostNameType.IPv6 ? uri.Host : uri.IdnHost;
        if (uri.HostNameType != UriHostNameType.IPv6 && host.Length > 1 && host.EndsWith('.'))
        {
            // "ocp.example.com." is the fully qualified spelling of "ocp.example.com": one OCP.
            host = host[..^1];
        }

        // %2f and %2F are the same octet (RFC 3986 6.2.2.1).
        var path = PercentEscape().Replace(uri.AbsolutePath.TrimEnd('/'), m => m.Value.ToUpperInvariant());
        return string.Create(CultureInfo.InvariantCulture, $"{uri.Scheme}://{host.ToLowerInvariant()}:{uri.Port}{path}");
    }

    /// <summary>Host and port of a normalised endpoint, for a metric label (<c>ocp.example.com:8080</c>).</summary>
    public static string HostAndPort(string? endpoint) =>
        endpoint is not null && Uri.TryCreate(endpoint, UriKind.Absolute, out var uri)
            ? string.Create(CultureInfo.InvariantCulture, $"{uri.Host.ToLowerInvariant()}:{uri.Port}")
            : "unknown";

    [GeneratedRegex("%[0-9a-fA-F]{2}", RegexOptions.CultureInvariant)]
    private static partial Regex PercentEscape();
}
