using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;

namespace BackupOperator.Operator.Ocp;

/// <summary>
/// Section "Ocp": the HTTP behaviour towards OCP. Connections themselves are ClusterOcpConnection
/// resources or a namespace's own Secret, never operator configuration.
/// </summary>
public sealed class OcpOptions : IValidatableObject
{
    public const string Section = "Ocp";

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
    }
}

/// <summary>Checks <see cref="OcpOptions"/>'s attributes at start, generated at compile time (no reflection).</summary>
[OptionsValidator]
public sealed partial class OcpOptionsValidator : IValidateOptions<OcpOptions>;
