using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;

namespace BackupOperator.Operator.Kubernetes;

/// <summary>Section "Events": how fast events may be written (like the kubelet's eventRecordQPS/eventBurst).</summary>
public sealed class EventOptions
{
    public const string Section = "Events";

    /// <summary>
    /// Events written per second once the burst is spent. At most 1,000: the writer waits in whole
    /// milliseconds (TokenBucket), so with a burst of 1 it cannot keep a higher rate.
    /// </summary>
    [Range(0.1, 1_000)]
    public double Qps { get; set; } = 20;

    /// <summary>Events written at once before the rate applies.</summary>
    [Range(1, 100_000)]
    public int Burst { get; set; } = 200;
}

/// <summary>Checks <see cref="EventOptions"/>'s attributes at start, generated at compile time (no reflection).</summary>
[OptionsValidator]
public sealed partial class EventOptionsValidator : IValidateOptions<EventOptions>;
