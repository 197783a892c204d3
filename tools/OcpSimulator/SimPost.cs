namespace BackupOperator.OcpSimulator;

/// <summary>
/// One backupNow POST that passed authentication: who sent it (the X-Request-Id header, when the
/// client sent one), for which cluster, and the tasks it started (none when refused or failed).
/// </summary>
public sealed class SimPost
{
    private readonly List<long> _taskIds = [];

    public required string? RequestId { get; init; }
    public required long ClusterId { get; init; }
    public required DateTimeOffset At { get; init; }

    /// <summary>Read and written under the state's lock only.</summary>
    internal List<long> TaskIds => _taskIds;
}
