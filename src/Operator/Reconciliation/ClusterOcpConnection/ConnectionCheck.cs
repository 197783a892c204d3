using BackupOperator.Entities;
using BackupOperator.Operator.Ocp;

namespace BackupOperator.Operator.Reconciliation.ClusterOcpConnection;

/// <summary>
/// What one check of a connection found, as the Ready condition shows it: a reason for machines and a
/// message that says what to fix. Built from names, keys and OCP's masked texts, never from a Secret's values.
/// </summary>
public sealed record ConnectionCheck(bool Ready, string Reason, string Message)
{
    public const string SecretNotFound = "SecretNotFound";
    public const string SecretNotReadable = "SecretNotReadable";
    public const string SecretNamespaceNotAllowed = OcpConfigurationException.SecretNamespaceNotAllowed;
    public const string InvalidUrl = OcpConfigurationException.InvalidUrl;
    public const string CredentialsIncomplete = "CredentialsIncomplete";
    public const string OcpAuthenticationFailed = "OcpAuthenticationFailed";
    public const string OcpUnreachable = "OcpUnreachable";
    public const string OcpRejected = "OcpRejected";

    /// <summary>The longest message kept: OCP's texts (a proxy's HTML page) can be long.</summary>
    public const int MaxMessageLength = 512;

    public const string SecretField = "spec.credentialsSecretRef";

    public static ConnectionCheck Connected(bool accessKey) => new(true, ClusterOcpConnectionStatusTransitions.Connected,
        $"OCP answered an authenticated read ({(accessKey ? "AK/SK" : "Basic")} credentials)");

    /// <summary>What the spec itself gets wrong, before any Secret is read; null when nothing.</summary>
    public static ConnectionCheck? FromSpec(ClusterOcpConnectionSpec spec)
    {
        // The URL is never echoed: it may carry user info.
        if (OcpBaseUrl.Problem(spec.Url?.Trim()) is { } problem)
        {
            return NotReady(InvalidUrl, $"spec.url {problem}: it must be OCP's base URL (http(s), host, optional port and path), e.g. {OcpBaseUrl.Example}");
        }

        if (spec.CredentialsSecretRef is not { Namespace.Length: > 0, Name.Length: > 0 })
        {
            return NotReady(SecretNotFound, $"{SecretField} must name the namespace and the name of the Secret with OCP's credentials");
        }

        return null;
    }

    /// <summary>
    /// Credentials outside <paramref name="credentialsNamespace"/> (Ocp:CredentialsNamespace) are never
    /// read: whoever may edit a connection could otherwise have any namespace's Secret sent to any URL.
    /// Null when the Secret is where it must be.
    /// </summary>
    public static ConnectionCheck? OutsideCredentialsNamespace(SecretReference secret, string credentialsNamespace) =>
        secret.Namespace == credentialsNamespace ? null : NotReady(SecretNamespaceNotAllowed, CredentialsNamespaceRule(secret, credentialsNamespace));

    /// <summary>The rule and what to do, naming the namespace to use; the Secret's values are never read.</summary>
    public static string CredentialsNamespaceRule(SecretReference secret, string credentialsNamespace) =>
        $"{SecretField} names namespace {secret.Namespace}, but the operator reads connection credentials only in namespace {credentialsNamespace} " +
        $"(Ocp:CredentialsNamespace): create Secret {secret.Name} there and set {SecretField}.namespace to {credentialsNamespace}; nothing was read or sent";

    /// <summary>The Secret is missing, or the operator may not read it.</summary>
    public static ConnectionCheck SecretUnavailable(SecretReference secret, bool forbidden) => forbidden
        ? NotReady(SecretNotReadable,
            $"the operator may not read Secret {secret.Namespace}/{secret.Name} ({SecretField}): its RBAC must grant 'get' on secrets in namespace {secret.Namespace} (config/rbac's Role backup-operator-credentials)")
        : NotReady(SecretNotFound,
            $"Secret {secret.Namespace}/{secret.Name} ({SecretField}) not found: create it in namespace {secret.Namespace} with keys 'username' and 'password', or 'accessKeyId' and 'accessKeySecret'");

    /// <summary>The Secret's keys do not make a connection (validation of the settings, or an unusable caBundle).</summary>
    public static ConnectionCheck Incomplete(OcpConfigurationException e) =>
        NotReady(e.Reason == InvalidUrl ? InvalidUrl : CredentialsIncomplete, e.Message);

    /// <summary>OCP's answer to the authenticated read, or why none came.</summary>
    public static ConnectionCheck FromOcp(OcpApiException e, SecretReference secret)
    {
        // Detail, status and code only: OCP's traceId differs on every call and would rewrite the status each time.
        var what = e.Detail + (e.HttpStatus is { } status ? $" (HTTP {status}{(string.IsNullOrEmpty(e.Code) ? "" : $", code {e.Code}")})" : "");
        if (e.RedirectTarget is { } target)
        {
            return NotReady(OcpRejected, $"OCP answered HTTP {e.HttpStatus} (a redirect {target}, not followed: the operator follows no redirects); set spec.url to OCP's own address");
        }
        if (e.HttpStatus is 401)
        {
            return NotReady(OcpAuthenticationFailed,
                $"OCP refused the credentials in Secret {secret.Namespace}/{secret.Name}: {what}; check 'username'/'password' or 'accessKeyId'/'accessKeySecret'");
        }

        if (e.HttpStatus is 403)
        {
            return NotReady(OcpAuthenticationFailed,
                $"OCP refused access to the credentials in Secret {secret.Namespace}/{secret.Name}: {what}; the OCP user needs permission to read tasks");
        }

        if (e.Kind is OcpFailureKind.Unreachable or OcpFailureKind.Lost or OcpFailureKind.ServerError || e.HttpStatus is 408 or 429)
        {
            return NotReady(OcpUnreachable, $"OCP did not answer: {what}; check spec.url, the network path to OCP and OCP itself");
        }

        return e.Kind == OcpFailureKind.InvalidResponse
            ? NotReady(OcpRejected, $"the answer is not OCP's: {what}; check that spec.url is OCP's base URL")
            : NotReady(OcpRejected, $"OCP refused to list tasks: {what}");
    }

    private static ConnectionCheck NotReady(string reason, string message) =>
        new(false, reason, message.Length <= MaxMessageLength ? message : message[..(MaxMessageLength - 1)] + "…");
}
