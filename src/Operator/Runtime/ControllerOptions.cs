using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;

namespace BackupOperator.Operator.Runtime;

/// <summary>Section "Controller": what is watched and how much work runs at once.</summary>
public sealed class ControllerOptions
{
    public const string Section = "Controller";

    /// <summary>Namespaces to watch; empty means all (one cluster-wide list/watch).</summary>
    public string[] Namespaces { get; set; } = [];

    /// <summary>
    /// Reconciles running at once; one resource is never reconciled twice at once. A reconcile spends
    /// most of its time waiting on OCP or the API server, not on a core, so this is high enough that
    /// waiting on OCP does not serialize backups of different clusters (OCP itself is protected by
    /// Ocp:MaxConcurrentRequestsPerEndpoint).
    /// </summary>
    [Range(1, 1024)]
    public int MaxConcurrentReconciles { get; set; } = 64;

    /// <summary>Every resource is looked at again this often, whatever the watch says.</summary>
    [TimeSpanRange("00:00:10", "1.00:00:00")]
    public TimeSpan ResyncPeriod { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>A watch with no event or bookmark for this long is presumed dead and replaced by a re-list.</summary>
    [TimeSpanRange("00:00:05", "01:00:00")]
    public TimeSpan StallTimeout { get; set; } = TimeSpan.FromMinutes(6);

    /// <summary>The server ends each watch after this long; the informer then re-watches.</summary>
    [Range(10, 3600)]
    public int WatchTimeoutSeconds { get; set; } = 300;

    /// <summary>How long running reconciles may finish after a stop was requested.</summary>
    [TimeSpanRange("00:00:00", "00:05:00")]
    public TimeSpan ShutdownGrace { get; set; } = TimeSpan.FromSeconds(20);
}

/// <summary>Checks <see cref="ControllerOptions"/>'s attributes at start, generated at compile time (no reflection).</summary>
[OptionsValidator]
public sealed partial class ControllerOptionsValidator : IValidateOptions<ControllerOptions>;
