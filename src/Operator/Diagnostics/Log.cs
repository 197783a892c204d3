namespace BackupOperator.Operator.Diagnostics;

/// <summary>The operator's log lines (EventIds 2000+). Structured fields only; never a secret.</summary>
internal static partial class Log
{
    [LoggerMessage(2001, LogLevel.Warning, "OCP connection from {Source} to {Host} uses plain http: credentials and backup requests travel unencrypted")]
    public static partial void PlainHttp(ILogger logger, string source, string host);

    [LoggerMessage(2002, LogLevel.Warning, "Event {Reason} for {Namespace}/{Name} not recorded: {Error}")]
    public static partial void EventNotRecorded(ILogger logger, string @namespace, string name, string reason, string error);

    [LoggerMessage(2003, LogLevel.Information, "Backup {Namespace}/{Name} of cluster {ClusterId}: {From} -> {To} ({Reason}: {Message}); taskIds [{TaskIds}] traceId {TraceId}")]
    public static partial void PhaseChanged(ILogger logger, string @namespace, string name, long clusterId, string from, string to, string reason, string message, string taskIds, string traceId);

    [LoggerMessage(2004, LogLevel.Debug, "Status of {Namespace}/{Name} not written, will re-read: {Error}")]
    public static partial void StatusConflict(ILogger logger, string @namespace, string name, string error);

    [LoggerMessage(2005, LogLevel.Information, "Backup {Namespace}/{Name} deleted; its backup in OCP is kept")]
    public static partial void Deleted(ILogger logger, string @namespace, string name);

    [LoggerMessage(1001, LogLevel.Information, "Listed {Count} {Kind} at resourceVersion {ResourceVersion}")]
    public static partial void Listed(ILogger logger, string kind, int count, string resourceVersion);

    [LoggerMessage(1002, LogLevel.Information, "Watch of {Kind} expired ({Error}); re-listing")]
    public static partial void WatchExpired(ILogger logger, string kind, string error);

    [LoggerMessage(1003, LogLevel.Warning, "Watch of {Kind} silent for more than {StallTimeout}; re-listing")]
    public static partial void WatchStalled(ILogger logger, string kind, TimeSpan stallTimeout);

    [LoggerMessage(1004, LogLevel.Warning, "Watch of {Kind} failed, retrying in {Backoff}: {Error}")]
    public static partial void WatchFailed(ILogger logger, string kind, TimeSpan backoff, string error);

    [LoggerMessage(1005, LogLevel.Warning, "Skipped an unreadable object at resourceVersion {ResourceVersion}: {Error}")]
    public static partial void UnreadableObject(ILogger logger, string resourceVersion, string error);

    [LoggerMessage(1006, LogLevel.Error, "Reconcile of {Key} failed (attempt {Attempt}), retrying with backoff")]
    public static partial void ReconcileFailed(ILogger logger, Exception error, string key, int attempt);

    [LoggerMessage(1007, LogLevel.Information, "Leading: {Identity} holds lease {Namespace}/{Lease}")]
    public static partial void StartedLeading(ILogger logger, string identity, string @namespace, string lease);

    [LoggerMessage(1008, LogLevel.Warning, "Leadership of lease {Namespace}/{Lease} lost by {Identity}; reconciles stopped, standing as a candidate again")]
    public static partial void StoppedLeading(ILogger logger, string identity, string @namespace, string lease);

    [LoggerMessage(1009, LogLevel.Warning, "Leader election error, retrying: {Error}")]
    public static partial void LeaderElectionError(ILogger logger, string error);

    [LoggerMessage(1010, LogLevel.Information, "Released lease {Namespace}/{Lease} on shutdown")]
    public static partial void LeaseReleased(ILogger logger, string @namespace, string lease);

    [LoggerMessage(1011, LogLevel.Trace, "Reconciling {Key}")]
    public static partial void Reconciling(ILogger logger, string key);

    [LoggerMessage(2006, LogLevel.Information, "Serving /healthz, /readyz and /metrics on {Url}")]
    public static partial void Listening(ILogger logger, string url);

    [LoggerMessage(2007, LogLevel.Warning, "Answering {Path} failed: {Error}")]
    public static partial void EndpointFailed(ILogger logger, string path, string error);

    [LoggerMessage(2008, LogLevel.Warning, "Accepting a probe or metrics connection failed ({Code}): {Error}; accepting again")]
    public static partial void ProbeAcceptFailed(ILogger logger, string code, string error);
}
