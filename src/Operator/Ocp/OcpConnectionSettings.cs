using System.Text;

namespace BackupOperator.Operator.Ocp;

/// <summary>Where OCP is and how to sign in; built from a namespace's Secret or from a ClusterOcpConnection and its credentials Secret.</summary>
public sealed record OcpConnectionSettings(
    string Source,
    string? Url,
    string? Username = null,
    string? Password = null,
    string? AccessKeyId = null,
    string? AccessKeySecret = null,
    string? CaBundle = null)
{
    public bool UsesAccessKey => !string.IsNullOrEmpty(AccessKeyId);

    /// <summary>
    /// From a Secret's data: keys username/password or accessKeyId/accessKeySecret, optional caBundle,
    /// and the url from key 'url' unless <paramref name="url"/> is given (a ClusterOcpConnection's spec.url).
    /// </summary>
    public static OcpConnectionSettings FromSecret(string source, IDictionary<string, byte[]> data, string? url = null) =>
        new(source, url ?? Value(data, "url")?.Trim(), Value(data, "username"), Value(data, "password"),
            Value(data, "accessKeyId"), Value(data, "accessKeySecret"), Value(data, "caBundle"));

    /// <summary>A Secret's value as text; one written with `kubectl create secret --from-file` often ends in a newline.</summary>
    public static string? Value(IDictionary<string, byte[]> data, string key) =>
        data.TryGetValue(key, out var bytes) ? Encoding.UTF8.GetString(bytes).TrimEnd('\r', '\n') : null;

    /// <summary>Throws <see cref="OcpConfigurationException"/> naming what is wrong, never a value.</summary>
    public Uri Validate()
    {
        if (string.IsNullOrWhiteSpace(Url))
        {
            throw new OcpConfigurationException($"{Source}: no OCP url (key 'url')");
        }

        var uri = OcpBaseUrl.Parse(Url, Source);

        var basic = !string.IsNullOrEmpty(Username) || !string.IsNullOrEmpty(Password);
        var signed = !string.IsNullOrEmpty(AccessKeyId) || !string.IsNullOrEmpty(AccessKeySecret);
        if (basic == signed)
        {
            throw new OcpConfigurationException(
                $"{Source}: set either 'username' and 'password' (Basic) or 'accessKeyId' and 'accessKeySecret' (AK/SK), not {(basic ? "both" : "neither")}");
        }

        if (basic && (string.IsNullOrEmpty(Username) || string.IsNullOrEmpty(Password)))
        {
            throw new OcpConfigurationException($"{Source}: Basic auth needs both 'username' and 'password'");
        }

        if (signed && (string.IsNullOrEmpty(AccessKeyId) || string.IsNullOrEmpty(AccessKeySecret)))
        {
            throw new OcpConfigurationException($"{Source}: AK/SK auth needs both 'accessKeyId' and 'accessKeySecret'");
        }

        return uri;
    }

    // Records print every member; this one holds credentials, and a URL may carry some too
    // (user info, a token in the query): print only scheme, host and path.
    public override string ToString() => $"OcpConnection({Source}, {SafeUrl()}, {(UsesAccessKey ? "AK/SK" : "Basic")})";

    private string SafeUrl() => Uri.TryCreate(Url, UriKind.Absolute, out var uri) && !string.IsNullOrEmpty(uri.Host)
        ? $"{uri.Scheme}://{uri.Authority}{uri.AbsolutePath}"
        : "(no valid url)";
}

/// <summary>
/// The OCP connection is missing, malformed or not (yet) allowed: the user must fix a Secret, a grant or
/// the configuration. <see cref="Reason"/> is the reason a waiting backup shows.
/// </summary>
public sealed class OcpConfigurationException(string message, string reason = OcpConfigurationException.ConfigurationInvalid) : Exception(message)
{
    public const string ConfigurationInvalid = "ConfigurationInvalid";

    /// <summary>The URL breaks <see cref="OcpBaseUrl"/>'s rule.</summary>
    public const string InvalidUrl = "InvalidUrl";

    /// <summary>A team's Secret that its namespace has not granted the operator (RBAC 'get' by name).</summary>
    public const string SecretNotGranted = "SecretNotGranted";

    /// <summary>A ClusterOcpConnection's credentials outside Ocp:CredentialsNamespace.</summary>
    public const string SecretNamespaceNotAllowed = "SecretNamespaceNotAllowed";

    /// <summary>The reason a status shows for it.</summary>
    public string Reason { get; } = reason;
}
