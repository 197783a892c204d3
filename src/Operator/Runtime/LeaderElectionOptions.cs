using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;

namespace BackupOperator.Operator.Runtime;

/// <summary>Section "LeaderElection".</summary>
public sealed class LeaderElectionOptions
{
    public const string Section = "LeaderElection";

    public bool Enabled { get; set; } = true;

    [Required]
    public string LeaseName { get; set; } = "backup-operator-leader";

    /// <summary>Default: the Pod's namespace, else "default".</summary>
    public string? LeaseNamespace { get; set; }

    /// <summary>Default: the Pod name (POD_NAME) or host name, plus a random suffix.</summary>
    public string? Identity { get; set; }

    public TimeSpan LeaseDuration { get; set; } = TimeSpan.FromSeconds(15);
    public TimeSpan RenewDeadline { get; set; } = TimeSpan.FromSeconds(10);
    public TimeSpan RetryPeriod { get; set; } = TimeSpan.FromSeconds(2);
}

/// <summary>Checks <see cref="LeaderElectionOptions"/>'s attributes at start, generated at compile time (no reflection).</summary>
[OptionsValidator]
public sealed partial class LeaderElectionOptionsValidator : IValidateOptions<LeaderElectionOptions>;
