using System.ComponentModel.DataAnnotations;

namespace BackupOperator.Operator.Ocp;

/// <summary>
/// Section "Ocp": the default connection (for resources without ocpSecretRef; environment
/// variables Ocp__Url, Ocp__Username, ...) and the HTTP behaviour towards OCP.
/// </summary>
public sealed class OcpOptions
{
    public const string Section = "Ocp";

    public string? Url { get; set; }
    public string? Username { get; set; }
    public string? Password { get; set; }
    public string? AccessKeyId { get; set; }
    public string? AccessKeySecret { get; set; }

    /// <summary>PEM file with the CA(s) that sign OCP's certificate, for the default connection.</summary>
    public string? CaBundlePath { get; set; }

    [Range(typeof(TimeSpan), "00:00:01", "00:10:00")]
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Retries of a failed read (task get/list) inside one reconcile; backupNow is never retried.</summary>
    [Range(0, 10)]
    public int ReadRetries { get; set; } = 2;

    /// <summary>
    /// How long a Secret read (connection or object-store keys) is reused, so a burst of backups
    /// shares one read; a changed Secret takes effect within this time. Zero reads it every time.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:05:00")]
    public TimeSpan SecretCacheDuration { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// The zone OCP writes its times in when a time carries no offset (an IANA name such as
    /// <c>Asia/Shanghai</c>). Times with an offset, and epoch numbers, need no zone.
    /// </summary>
    [Required]
    [CustomValidation(typeof(OcpOptions), nameof(ValidateTimeZone))]
    public string TimeZone { get; set; } = "UTC";

    public TimeZoneInfo Zone => OcpTime.FindZone(TimeZone) ?? TimeZoneInfo.Utc;

    public static ValidationResult? ValidateTimeZone(string? value, ValidationContext context) =>
        OcpTime.FindZone(value) is null
            ? new ValidationResult($"Ocp:TimeZone '{value}' is not a time zone this system knows (use an IANA name such as UTC or Asia/Shanghai)", [nameof(TimeZone)])
            : ValidationResult.Success;

    public OcpConnectionSettings? DefaultConnection(string? caBundle) =>
        string.IsNullOrEmpty(Url) && string.IsNullOrEmpty(Username) && string.IsNullOrEmpty(AccessKeyId)
            ? null
            : new OcpConnectionSettings("operator configuration 'Ocp'", Url, Username, Password, AccessKeyId, AccessKeySecret, caBundle);
}
