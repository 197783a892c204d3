namespace BackupOperator.Operator.Diagnostics;

/// <summary>The operator's log lines (EventIds 2000+). Structured fields only; never a secret.</summary>
internal static partial class Log
{
    [LoggerMessage(2001, LogLevel.Warning, "OCP connection from {Source} to {Host} uses plain http: credentials and backup requests travel unencrypted")]
    public static partial void PlainHttp(ILogger logger, string source, string host);
}
