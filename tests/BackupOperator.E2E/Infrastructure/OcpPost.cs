namespace BackupOperator.E2E.Infrastructure;

/// <summary>One backupNow POST as the simulator saw it: its X-Request-Id (null when not sent), cluster, and the tasks it started.</summary>
internal sealed record OcpPost(string? RequestId, long ClusterId, IReadOnlyList<long> TaskIds, string At);
