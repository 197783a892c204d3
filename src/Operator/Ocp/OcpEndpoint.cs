using System.Globalization;

namespace BackupOperator.Operator.Ocp;

/// <summary>
/// Which OCP a connection reaches, as one comparable text: scheme, lower-case host, port (always
/// written, so <c>https://ocp</c> and <c>https://ocp:443</c> are one OCP) and path without a trailing
/// slash. Cluster ids are numbered per OCP, so a cluster is (endpoint, clusterId). Never holds
/// credentials: user info, query and fragment are not part of it.
/// </summary>
public static class OcpEndpoint
{
    /// <summary>The normalised endpoint of <paramref name="url"/>; null when it is not an absolute http(s) URL with a host.</summary>
    public static string? Normalize(string? url)
    {
        if (string.IsNullOrWhiteSpace(url) || !Uri.TryCreate(url.Trim(), UriKind.Absolute, out var uri)
            || uri.Scheme is not ("http" or "https") || string.IsNullOrEmpty(uri.Host))
        {
            return null;
        }

        var host = uri.HostNameType == UriHostNameType.IPv6 ? uri.Host : uri.IdnHost;
        var path = uri.AbsolutePath.TrimEnd('/');
        return string.Create(CultureInfo.InvariantCulture, $"{uri.Scheme}://{host.ToLowerInvariant()}:{uri.Port}{path}");
    }

    /// <summary>Host and port of a normalised endpoint, for a metric label (<c>ocp.example.com:8080</c>).</summary>
    public static string HostAndPort(string? endpoint) =>
        endpoint is not null && Uri.TryCreate(endpoint, UriKind.Absolute, out var uri)
            ? string.Create(CultureInfo.InvariantCulture, $"{uri.Host.ToLowerInvariant()}:{uri.Port}")
            : "unknown";
}
