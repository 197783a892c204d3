namespace BackupOperator.Operator.Ocp;

/// <summary>
/// The rule for OCP's base URL, a Secret's 'url' or a ClusterOcpConnection's spec.url. The operator
/// appends OCP's API paths to it, and a tenant may write it: so it must mean exactly what it says. A
/// fragment ('#', even an empty one) or a query ('?') would swallow the API path and let the URL
/// name any page of any server; user info, backslashes, whitespace, percent-encoding and dot
/// segments make the host or path a server sees differ from the text a reader sees.
/// </summary>
public static class OcpBaseUrl
{
    public const string Example = "https://ocp.example.com:8080";

    /// <summary>What is wrong with <paramref name="url"/>, as a rule (never the URL itself); null when nothing.</summary>
    public static string? Problem(string? url)
    {
        if (string.IsNullOrWhiteSpace(url))
        {
            return "is empty";
        }

        // Checked on the text: Uri drops an empty fragment ("http://h/p#" has Fragment "").
        if (url.Contains('#', StringComparison.Ordinal))
        {
            return "has a fragment ('#'), which would cut off the API path the operator appends";
        }

        if (url.Contains('?', StringComparison.Ordinal))
        {
            return "has a query ('?'), which would swallow the API path the operator appends";
        }

        if (url.Contains('@', StringComparison.Ordinal))
        {
            return "has user info ('@'); credentials belong in the Secret's keys";
        }

        if (url.Any(c => char.IsWhiteSpace(c) || char.IsControl(c) || c == '\\'))
        {
            return "has whitespace, control characters or backslashes";
        }

        if (url.Contains('%', StringComparison.Ordinal))
        {
            return "has percent-encoding ('%'); write the base URL's characters as they are";
        }

        if (!(url.StartsWith("http://", StringComparison.OrdinalIgnoreCase) || url.StartsWith("https://", StringComparison.OrdinalIgnoreCase))
            || !Uri.TryCreate(url, UriKind.Absolute, out var uri) || string.IsNullOrEmpty(uri.Host))
        {
            return "is not an absolute http(s) URL with a host";
        }

        var path = url[(url.IndexOf("://", StringComparison.Ordinal) + 3)..];
        var slash = path.IndexOf('/', StringComparison.Ordinal);
        if (slash >= 0 && path[slash..].Split('/').Any(segment => segment is "." or ".."))
        {
            return "has a '.' or '..' path segment";
        }

        return null;
    }

    /// <summary>The parsed URL; throws <see cref="OcpConfigurationException"/> (reason InvalidUrl) naming the rule broken by <paramref name="source"/>.</summary>
    public static Uri Parse(string? url, string source) =>
        Problem(url) is { } problem
            ? throw new OcpConfigurationException($"{source}: the OCP url {problem} (expected OCP's base URL, e.g. {Example})", OcpConfigurationException.InvalidUrl)
            : new Uri(url!, UriKind.Absolute);
}
