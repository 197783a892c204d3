using System.ComponentModel.DataAnnotations;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Options;

namespace BackupOperator.Operator.Ocp;

/// <summary>
/// Section "Ocp": the HTTP behaviour towards OCP. Connections themselves are ClusterOcpConnection
/// resources or a namespace's own Secret, never operator configuration.
/// </summary>
public sealed partial class OcpOptions : IValidatableObject
{
    public const string Section = "Ocp";

    // config/rbac's namespace and ServiceAccount (the plugin knows them as Entities.SecretGrant's).
    private const string DefaultNamespace = "backup-operator-system";
    private const string DefaultServiceAccount = "backup-operator";

    [TimeSpanRange("00:00:01", "00:10:00")]
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Requests in flight to one OCP server at most (all its connections and clusters together):
    /// backups of different clusters overlap while each waits on OCP, and OCP is protected from a
    /// burst. A request waits for a free slot before it is sent.
    /// </summary>
    [Range(1, 1024)]
    public int MaxConcurrentRequestsPerEndpoint { get; set; } = 32;

    /// <summary>Retries of a failed read (task get/list) inside one reconcile; backupNow is never retried.</summary>
    [Range(0, 10)]
    public int ReadRetries { get; set; } = 2;

    /// <summary>
    /// How long a Secret read (connection or object-store keys) is reused, so a burst of backups
    /// shares one read; a changed Secret takes effect within this time. Zero reads it every time.
    /// </summary>
    [TimeSpanRange("00:00:00", "00:05:00")]
    public TimeSpan SecretCacheDuration { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// The only namespace whose Secrets a ClusterOcpConnection may name as its credentials (config/rbac
    /// grants the operator 'get' on Secrets there and nowhere else). Default: the operator's own
    /// namespace (its service account's), or backup-operator-system outside a cluster.
    /// </summary>
    public string? CredentialsNamespace { get; set; }

    /// <summary>
    /// The operator's ServiceAccount as namespace:name, named in the commands that grant it a team's
    /// Secret. Default: the operator's own namespace and backup-operator (config/rbac).
    /// </summary>
    public string? ServiceAccount { get; set; }

    /// <summary>The credentials namespace in effect (see <see cref="CredentialsNamespace"/>).</summary>
    public string CredentialsNamespaceInEffect() =>
        string.IsNullOrWhiteSpace(CredentialsNamespace) ? DefaultNamespace : CredentialsNamespace.Trim();

    /// <summary>The namespace and name of <see cref="ServiceAccount"/>.</summary>
    public (string Namespace, string Name) ServiceAccountName()
    {
        var parts = (ServiceAccount ?? "").Split(':');
        return parts is [{ Length: > 0 } ns, { Length: > 0 } name]
            ? (ns, name)
            : (DefaultNamespace, DefaultServiceAccount);
    }

    /// <summary>Fills in the defaults that depend on where the operator runs: <paramref name="ownNamespace"/> is its Pod's, or null.</summary>
    public void ResolveNamespaces(string? ownNamespace)
    {
        var own = string.IsNullOrWhiteSpace(ownNamespace) ? DefaultNamespace : ownNamespace.Trim();
        CredentialsNamespace = string.IsNullOrWhiteSpace(CredentialsNamespace) ? own : CredentialsNamespace.Trim();
        ServiceAccount ??= $"{own}:{DefaultServiceAccount}";
    }

    /// <summary>
    /// The zone OCP writes its times in when a time carries no offset (an IANA name such as
    /// <c>Asia/Shanghai</c>). Times with an offset, and epoch numbers, need no zone.
    /// </summary>
    [Required]
    public string TimeZone { get; set; } = "UTC";

    /// <summary>
    /// Whether a backup may name its namespace's own OCP Secret (<c>spec.ocpSecretRef</c>). Off, only
    /// ClusterOcpConnections are used: an administrator decides every OCP the operator talks to, and a
    /// backup with ocpSecretRef ends Failed NotAllowed.
    /// </summary>
    public bool AllowNamespaceSecrets { get; set; } = true;

    public TimeZoneInfo Zone() => OcpTime.FindZone(TimeZone) ?? TimeZoneInfo.Utc;

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (OcpTime.FindZone(TimeZone) is null)
        {
            yield return new ValidationResult(
                $"Ocp:TimeZone '{TimeZone}' is not a time zone this system knows (use an IANA name such as UTC or Asia/Shanghai)", [nameof(TimeZone)]);
        }

        if (CredentialsNamespace is { } credentials && !DnsLabel().IsMatch(credentials))
        {
            yield return new ValidationResult($"Ocp:CredentialsNamespace '{credentials}' is not a namespace name", [nameof(CredentialsNamespace)]);
        }

        if (ServiceAccount is { } account && (account.Split(':') is not [var ns, var name] || !DnsLabel().IsMatch(ns) || !DnsSubdomain().IsMatch(name)))
        {
            yield return new ValidationResult($"Ocp:ServiceAccount '{account}' is not namespace:name", [nameof(ServiceAccount)]);
        }
    }

    [GeneratedRegex("^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$")]
    private static partial Regex DnsLabel();

    [GeneratedRegex("^(?=.{1,253}$)[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$")]
    private static partial Regex DnsSubdomain();
}

/// <summary>Checks <see cref="OcpOptions"/>'s attributes at start, generated at compile time (no reflection).</summary>
[OptionsValidator]
public sealed partial class OcpOptionsValidator : IValidateOptions<OcpOptions>;
