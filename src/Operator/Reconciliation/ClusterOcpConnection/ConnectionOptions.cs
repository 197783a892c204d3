using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;

namespace BackupOperator.Operator.Reconciliation.ClusterOcpConnection;

/// <summary>Section "Connections": how often a ClusterOcpConnection is checked again.</summary>
public sealed class ConnectionOptions
{
    public const string Section = "Connections";

    /// <summary>How often a working (Ready) connection is checked again.</summary>
    [TimeSpanRange("00:00:00.100", "1.00:00:00")]
    public TimeSpan RecheckInterval { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>First wait after a check failed; the waits double (the time it has been failing) up to MaxRetryInterval.</summary>
    [TimeSpanRange("00:00:00.100", "01:00:00")]
    public TimeSpan RetryInterval { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>Longest wait between checks of a connection that does not work.</summary>
    [TimeSpanRange("00:00:00.100", "1.00:00:00")]
    public TimeSpan MaxRetryInterval { get; set; } = TimeSpan.FromMinutes(5);
}

/// <summary>Checks <see cref="ConnectionOptions"/>'s attributes at start, generated at compile time (no reflection).</summary>
[OptionsValidator]
public sealed partial class ConnectionOptionsValidator : IValidateOptions<ConnectionOptions>;
